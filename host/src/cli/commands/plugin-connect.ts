import type { PluginOAuthStarted, PluginOAuthStatus } from '@neonhub/schemas';
import { hostErrors } from '../../errors.js';
import { MCP_OAUTH_CALLBACK_PATH } from '../../mcp-oauth/service.js';
import { cliConfig, withStorage } from '../context.js';
import { out } from '../output.js';
import { hostApi, runningHost } from '../running-host.js';

/**
 * `neonhub plugin connect|disconnect|oauth <id> -w <slug>`: a workspace's account at an outside MCP server behind OAuth
 * (docs/mcp.md, "Connecting an OAuth-protected MCP server"). Through a running host as the operator; without one,
 * directly on the database (no plugin code runs).
 */
const purpose = (what: string) => ({ purpose: `neonhub plugin ${what}`, manifests: true }) as const;

function secretFromEnv(variable: string | undefined): string | undefined {
  if (!variable) return undefined;
  const value = process.env[variable];
  if (!value) throw hostErrors.create('NH_REQUEST_INVALID', `--client-secret-env ${variable}: the variable ${variable} is not set`);
  return value;
}

export async function connect(id: string, opts: { workspace: string; clientId?: string; clientSecretEnv?: string; json?: boolean }) {
  const clientSecret = secretFromEnv(opts.clientSecretEnv);
  const body = { ...(opts.clientId ? { clientId: opts.clientId } : {}), ...(clientSecret ? { clientSecret } : {}) };
  const running = runningHost();
  const started: PluginOAuthStarted = running
    ? await hostApi(running, 'startPluginOAuth', { params: { ws: opts.workspace, id }, body })
    : await withStorage(purpose('connect'), async (storage) => {
        const base = (process.env.NEONHUB_PUBLIC_URL || `http://localhost:${cliConfig().port}`).replace(/\/+$/, '');
        const ws = await storage.service.resolveWorkspace(opts.workspace);
        return storage.mcpOAuth.start(ws.id, id, body, { userId: null, redirectUri: `${base}${MCP_OAUTH_CALLBACK_PATH}` });
      });
  if (opts.json) return out.json(started);
  if (started.status === 'connected') return out.ok(`${opts.workspace} is connected to ${id} (client credentials)`);
  out.line(
    `open this link in a browser, sign in to the account ${opts.workspace} should use, and approve (valid until ${started.expiresAt}):`,
  );
  out.line(started.authorizeUrl);
  out.line(
    `the server sends the browser back to ${started.redirectUri}, where the host must be running; \`neonhub plugin oauth ${id} -w ${opts.workspace}\` then says connected`,
  );
}

export async function disconnect(id: string, opts: { workspace: string }) {
  const running = runningHost();
  if (running) await hostApi(running, 'disconnectPluginOAuth', { params: { ws: opts.workspace, id } });
  else
    await withStorage(purpose('disconnect'), async (storage) =>
      storage.mcpOAuth.disconnect((await storage.service.resolveWorkspace(opts.workspace)).id, id),
    );
  out.ok(`${opts.workspace} is no longer connected to ${id}; its calls fail with NH_MCP_OAUTH_NOT_CONNECTED until it connects again`);
}

export async function status(id: string, opts: { workspace: string; json?: boolean }) {
  const running = runningHost();
  const s: PluginOAuthStatus = running
    ? await hostApi(running, 'getPluginOAuth', { params: { ws: opts.workspace, id } })
    : await withStorage(purpose('oauth'), async (storage) =>
        storage.mcpOAuth.status((await storage.service.resolveWorkspace(opts.workspace)).id, id),
      );
  if (opts.json) return out.json(s);
  out.table(
    [
      {
        plugin: s.plugin,
        status: s.status,
        grant: s.grant,
        client: s.client ?? '',
        scope: s.scope ?? '',
        expires: s.tokenExpiresAt ?? '',
        'connected by': s.connectedBy ?? '',
        'last error': s.lastError ?? '',
      },
    ],
    ['plugin', 'status', 'grant', 'client', 'scope', 'expires', 'connected by', 'last error'],
  );
  if (s.status === 'not_connected' || s.status === 'failing') out.line(`connect it: neonhub plugin connect ${id} -w ${opts.workspace}`);
}
