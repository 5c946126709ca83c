import { randomUUID } from 'node:crypto';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { NeonHubError } from '@neonhub/schemas';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OPERATOR_PREFIX } from '../accounts/operator-credential.js';
import { hostErrors } from '../errors.js';
import { createAllowedHosts } from '../server/allowed-hosts.js';
import { createMcpGateway, type McpGateway, type McpGatewayDeps } from './gateway.js';
import type { McpPrincipal } from './providers.js';
import type { WorkspaceMcpServer } from './server.js';
import { LOCAL_OPERATOR } from './stdio.js';
import type { TokenService } from './tokens.js';

export interface McpHttpOptions {
  /** Route of the endpoint (default `/mcp`). */
  path?: string;
  /** A session unused this long is closed and forgotten (default 15 minutes). */
  idleTimeoutMs?: number;
  /** How often idle sessions are swept (default one minute, at most idleTimeoutMs). */
  sweepIntervalMs?: number;
  /** Extra `host:port` names the host is reached by (a reverse proxy's name). Loopback names of the bound port are always allowed. */
  allowedHosts?: string[];
  /** Extra browser origins allowed to call (default: the allowed hosts over http). */
  allowedOrigins?: string[];
  /** Public base URL, for the `resource_metadata` link of 401 answers (default: from the request's Host). */
  publicBaseUrl?: string;
  /** The host also runs the OAuth routes (registerOAuthRoutes): name it as the authorization server. */
  oauth?: boolean;
}

export interface McpRouteDeps extends McpGatewayDeps {
  tokens: TokenService;
  /**
   * Checks the operator credential (`<data dir>/operator.token`). The operator may open a session in
   * any workspace, named by `?workspace=<slug>` (`neonhub mcp` proxies to a running host this way).
   */
  operator?(presented: string): boolean;
  options?: McpHttpOptions;
  /** Reuse a gateway (e.g. shared with stdio); one is created otherwise. */
  gateway?: McpGateway;
}

interface Session {
  transport: StreamableHTTPServerTransport;
  mcp: WorkspaceMcpServer & { release(): void };
  principalId: string;
  workspaceId: string;
  lastSeen: number;
}

export interface McpRoutes {
  gateway: McpGateway;
  /** Send notifications/tools/list_changed to the workspace's sessions (hook it to plugin enable/disable). */
  notifyToolsChanged(workspaceId: string): Promise<void>;
  sessionCount(): number;
  hasSession(id: string): boolean;
  /** Closes idle sessions now (the interval does it too). */
  sweep(): Promise<number>;
  close(): Promise<void>;
}

const jsonRpcError = (reply: FastifyReply, status: number, err: NeonHubError, rpcCode = -32000) =>
  reply
    .status(status)
    .send({ jsonrpc: '2.0', error: { code: rpcCode, message: `${err.code}: ${err.message}`, data: { code: err.code } }, id: null });

/**
 * The Streamable HTTP endpoint of the gateway (`/mcp`): DNS-rebinding protection (Host and
 * Origin), bearer API tokens (workspace and role come from the token), stateful sessions bound to
 * the token that opened them, idle expiry, and tools/list_changed on plugin changes.
 */
export function registerMcpRoutes(app: FastifyInstance, deps: McpRouteDeps): McpRoutes {
  const opts = deps.options ?? {};
  const path = opts.path ?? '/mcp';
  const idleTimeoutMs = opts.idleTimeoutMs ?? 15 * 60_000;
  const sweepIntervalMs = Math.min(opts.sweepIntervalMs ?? 60_000, idleTimeoutMs);
  const gateway = deps.gateway ?? createMcpGateway(deps);
  const sessions = new Map<string, Session>();
  const log = deps.logger.child({ component: 'mcp' });

  /** host:port names this server answers to: the same allow-list as every other route (server/allowed-hosts.ts). */
  const allowed = createAllowedHosts(() => app.server.address(), {
    ...(opts.allowedHosts ? { allowedHosts: opts.allowedHosts } : {}),
    ...(opts.allowedOrigins ? { allowedOrigins: opts.allowedOrigins } : {}),
    ...(opts.publicBaseUrl ? { publicBaseUrl: opts.publicBaseUrl } : {}),
  });

  const baseUrl = (request: FastifyRequest) => opts.publicBaseUrl?.replace(/\/$/, '') ?? `http://${request.headers.host}`;

  const unauthorized = (request: FastifyRequest, reply: FastifyReply, err: NeonHubError) =>
    reply
      .status(401)
      .header(
        'www-authenticate',
        `Bearer resource_metadata="${baseUrl(request)}/.well-known/oauth-protected-resource"${err.code === 'NH_AUTH_TOKEN_INVALID' ? ', error="invalid_token"' : ''}`,
      )
      .send(err.toEnvelope());

  const closeSession = async (id: string) => {
    const s = sessions.get(id);
    if (!s) return;
    sessions.delete(id);
    s.mcp.release();
    await s.transport.close().catch(() => {});
    await s.mcp.server.close().catch(() => {});
  };

  const sweep = async () => {
    const now = Date.now();
    const idle = [...sessions].filter(([, s]) => now - s.lastSeen > idleTimeoutMs).map(([id]) => id);
    await Promise.all(idle.map(closeSession));
    if (idle.length) log.debug({ closed: idle.length }, 'closed idle MCP sessions');
    return idle.length;
  };
  const timer = setInterval(() => void sweep(), sweepIntervalMs);
  timer.unref();

  /** The operator names the workspace of a new session in the query (`/mcp?workspace=demo`); a running session knows it. */
  const operatorWorkspace = async (request: FastifyRequest): Promise<{ id: string; slug: string }> => {
    const sessionId = request.headers['mcp-session-id'];
    if (typeof sessionId === 'string') return { id: sessions.get(sessionId)?.workspaceId ?? '', slug: '' };
    const slug = (request.query as Record<string, unknown> | undefined)?.workspace;
    if (typeof slug !== 'string' || slug === '')
      throw hostErrors.create('NH_REQUEST_INVALID', `the operator names the workspace: ${path}?workspace=<slug>`);
    return deps.workspaces.resolve(slug);
  };

  const handle = async (request: FastifyRequest, reply: FastifyReply) => {
    const origin = request.headers.origin;
    if (!allowed.host(request.headers.host) || (origin !== undefined && !allowed.origin(origin))) {
      const err = hostErrors.create(
        'NH_MCP_HOST_FORBIDDEN',
        `requests to ${path} must come to ${allowed.hosts().join(', ')}${origin ? ` from one of ${allowed.origins().join(', ')}` : ''}`,
      );
      return reply.status(403).send(err.toEnvelope());
    }

    const header = request.headers.authorization;
    const bearer = header?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
    let principal: McpPrincipal;
    let workspace: { id: string; slug: string };
    try {
      if (header && !bearer) throw hostErrors.create('NH_AUTH_TOKEN_INVALID', 'the Authorization header must be `Bearer nh_...`');
      if (bearer?.startsWith(OPERATOR_PREFIX) && deps.operator?.(bearer)) {
        principal = LOCAL_OPERATOR;
        const named = await operatorWorkspace(request).catch((e: NeonHubError) => e);
        if (!('id' in named)) return jsonRpcError(reply, named.status, named);
        workspace = named;
      } else {
        const token = await deps.tokens.verify(bearer);
        principal = { id: token.id, type: 'token', role: token.role, name: token.name };
        // A running session already knows its workspace; only a new session resolves it.
        workspace =
          typeof request.headers['mcp-session-id'] === 'string'
            ? { id: token.workspaceId, slug: '' }
            : await deps.workspaces.resolve(token.workspaceId);
      }
    } catch (err) {
      const e = err as NeonHubError;
      if (e.code === 'NH_AUTH_TOKEN_MISSING' || e.code === 'NH_AUTH_TOKEN_INVALID') return unauthorized(request, reply, e);
      if (e.code === 'NH_WORKSPACE_NOT_FOUND')
        return unauthorized(
          request,
          reply,
          hostErrors.create('NH_AUTH_TOKEN_INVALID', 'the API token belongs to a workspace that no longer exists'),
        );
      throw err;
    }

    const sessionId = request.headers['mcp-session-id'];
    let transport: StreamableHTTPServerTransport;
    if (typeof sessionId === 'string') {
      const session = sessions.get(sessionId);
      // Another principal's session id gets exactly what an unknown id gets.
      if (!session || session.principalId !== principal.id) {
        return jsonRpcError(
          reply,
          404,
          hostErrors.create('NH_MCP_SESSION_NOT_FOUND', 'unknown or expired MCP session; send initialize to start a new one'),
          -32001,
        );
      }
      session.lastSeen = Date.now();
      transport = session.transport;
    } else if (request.method === 'POST' && isInitializeRequest(request.body)) {
      const mcp = gateway.open(workspace, principal);
      transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: randomUUID,
        enableDnsRebindingProtection: true,
        allowedHosts: allowed.hosts(),
        allowedOrigins: allowed.origins(),
        onsessioninitialized: (id) => {
          sessions.set(id, { transport, mcp, principalId: principal.id, workspaceId: workspace.id, lastSeen: Date.now() });
        },
      });
      transport.onclose = () => {
        const id = transport.sessionId;
        if (id && sessions.get(id)?.transport === transport) sessions.delete(id);
        mcp.release();
      };
      await mcp.server.connect(transport);
    } else {
      return jsonRpcError(
        reply,
        400,
        hostErrors.create('NH_REQUEST_INVALID', 'no mcp-session-id: start a session with an initialize request'),
      );
    }

    reply.hijack();
    try {
      await transport.handleRequest(request.raw, reply.raw, request.body);
    } catch (err) {
      log.error({ err }, 'MCP request failed');
      if (!reply.raw.headersSent) {
        reply.raw.writeHead(500, { 'content-type': 'application/json' });
        reply.raw.end(
          JSON.stringify(hostErrors.create('NH_INTERNAL', 'the MCP request failed; the host log has the details').toEnvelope()),
        );
      }
    }
  };

  app.route({ method: ['GET', 'POST', 'DELETE'], url: path, handler: handle });

  const close = async () => {
    clearInterval(timer);
    await Promise.all([...sessions.keys()].map(closeSession));
  };
  // preClose: open SSE streams would otherwise keep the server from closing.
  app.addHook('preClose', close);

  // RFC 9728 protected resource metadata: tells clients that /mcp wants a bearer token in the header.
  app.get('/.well-known/oauth-protected-resource', async (request) => ({
    resource: `${baseUrl(request)}${path}`,
    ...(opts.oauth ? { authorization_servers: [baseUrl(request)] } : {}),
    bearer_methods_supported: ['header'],
    resource_name: 'NeonHub MCP gateway',
    resource_documentation: 'https://github.com/neonhub/neonhub/blob/main/docs/mcp.md',
  }));

  return {
    gateway,
    notifyToolsChanged: (workspaceId) => gateway.notifyToolsChanged(workspaceId),
    sessionCount: () => sessions.size,
    hasSession: (id) => sessions.has(id),
    sweep,
    close,
  };
}
