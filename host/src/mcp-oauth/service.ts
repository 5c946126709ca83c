import { auth } from '@modelcontextprotocol/sdk/client/auth.js';
import type { DB, Kysely } from '@neonhub/db';
import { isNeonHubError, type McpHttpOAuth, type PluginManifest } from '@neonhub/schemas';
import type { SecretBox } from '../secrets/index.js';
import { mcpOAuthErrors } from './errors.js';
import { probeChallenge } from './probe.js';
import { type McpOAuthMode, type McpOAuthSettings, NeonHubOAuthProvider, notConnected, unionScopes } from './provider.js';
import { createMcpOAuthStore, type GrantState } from './store.js';

/** The callback every outside MCP server's authorization server redirects to (registered by dynamic registration). */
export const MCP_OAUTH_CALLBACK_PATH = '/api/plugins/oauth/callback';

export interface McpOAuthServiceDeps {
  db: Kysely<DB>;
  box: SecretBox;
  getManifest(pluginId: string): PluginManifest | undefined;
  /** Installation-level secrets of a plugin (NEONHUB_PLUGIN_<ID>__<NAME>): the manifest's clientSecret / privateKeySecret. */
  resolveSecret(pluginId: string, name: string): Promise<string | undefined>;
  /** The workspace's guarded fetch: discovery, registration and token requests pass the outbound guard. */
  fetchFor(workspaceId: string): typeof globalThis.fetch;
  resolveWorkspace(ref: string): Promise<{ id: string; slug: string }>;
  /** A workspace connected (or disconnected): the runtime lists the tools through it / drops its session. */
  onGrantChanged?(pluginId: string, workspaceId: string, connected: boolean): Promise<void> | void;
  now?: () => number;
}

export type McpOAuthStatusValue = 'not_connected' | 'pending' | 'connected' | 'failing';

export interface McpOAuthStatus {
  plugin: string;
  serverUrl: string;
  grant: McpHttpOAuth['grant'];
  status: McpOAuthStatusValue;
  scope: string | null;
  tokenExpiresAt: string | null;
  connectedAt: string | null;
  connectedBy: string | null;
  lastError: string | null;
  /** How this workspace's client is known to the authorization server. */
  client: 'pre-registered' | 'workspace' | 'registered' | 'metadata-document' | null;
}

export interface McpOAuthStartInput {
  /** The workspace's own pre-registered client (or machine-to-machine credentials). */
  clientId?: string | undefined;
  clientSecret?: string | undefined;
}

export type McpOAuthStarted =
  | { status: 'redirect'; authorizeUrl: string; redirectUri: string; expiresAt: string }
  | { status: 'connected'; redirectUri: string };

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);

/** The SDK's OAuth errors (and fetch failures) as NH_MCP_OAUTH_FAILED; NeonHub errors stay as they are. */
function failed(pluginId: string, what: string, err: unknown): Error {
  if (isNeonHubError(err)) return err;
  const e = err as { errorCode?: string; message?: string };
  return mcpOAuthErrors.create('NH_MCP_OAUTH_FAILED', `${pluginId}: ${what} failed: ${e.message ?? String(err)}`, {
    details: { plugin: pluginId, ...(e.errorCode ? { oauthError: e.errorCode } : {}) },
    cause: err,
  });
}

/**
 * Upstream OAuth of outside MCP servers, per workspace (docs/mcp.md, "Connecting an OAuth-protected MCP server"):
 * `start` and `finish` connect a workspace's account, `providerFor` gives a tool call's session the SDK
 * OAuthClientProvider of its workspace, `status` and `disconnect` for admins.
 */
export function createMcpOAuthService(deps: McpOAuthServiceDeps) {
  const store = createMcpOAuthStore({ db: deps.db, box: deps.box, ...(deps.now ? { now: deps.now } : {}) });
  const now = deps.now ?? Date.now;
  type Listener = (pluginId: string, workspaceId: string, connected: boolean) => Promise<void> | void;
  const listeners = new Set<Listener>();
  if (deps.onGrantChanged) listeners.add(deps.onGrantChanged);
  /** Tells the listeners and waits for them (the runtime lists the tools through the new grant before start/finish answer). */
  const changed = async (pluginId: string, workspaceId: string, connected: boolean) => {
    await Promise.all([...listeners].map(async (l) => l(pluginId, workspaceId, connected)));
  };

  /**
   * Manifests of plugins being loaded: their runtime lists the tools through a connected workspace during its start,
   * before the host's manifest map has them (at host start and on a reload).
   */
  const loading = new Map<string, PluginManifest>();

  /** The plugin's mcp-http runtime with its oauth block, or NH_MCP_OAUTH_NOT_OAUTH. */
  function oauthPlugin(pluginId: string) {
    const manifest = deps.getManifest(pluginId) ?? loading.get(pluginId);
    const rt = manifest?.runtime;
    if (!manifest || rt?.type !== 'mcp-http' || !rt.oauth)
      throw mcpOAuthErrors.create(
        'NH_MCP_OAUTH_NOT_OAUTH',
        manifest
          ? `plugin ${pluginId} is not an mcp-http plugin whose runtime declares oauth: there is no account to connect`
          : `no installed plugin has the id ${pluginId}`,
        { details: { plugin: pluginId } },
      );
    return { manifest, url: rt.url, oauth: rt.oauth };
  }

  async function settingsFor(pluginId: string, state: GrantState): Promise<McpOAuthSettings> {
    const { manifest, oauth } = oauthPlugin(pluginId);
    const own = state.workspaceClient;
    const secret = async (name: string | undefined) => (name ? deps.resolveSecret(pluginId, name) : undefined);
    const clientId = own?.clientId ?? oauth.clientId;
    const settings: McpOAuthSettings = {
      grant: oauth.grant,
      scope: oauth.scope,
      clientId,
      clientSecret: own ? own.clientSecret : await secret(oauth.clientSecret),
      privateKey: await secret(oauth.privateKeySecret),
      privateKeyAlg: oauth.privateKeyAlg,
      tokenEndpointAuthMethod: oauth.tokenEndpointAuthMethod,
      clientMetadataUrl: oauth.clientMetadataUrl,
      clientName: `NeonHub (${manifest.name ?? pluginId})`,
    };
    if (settings.grant === 'client_credentials' && !(settings.clientId && (settings.clientSecret || settings.privateKey)))
      throw mcpOAuthErrors.create(
        'NH_MCP_OAUTH_INVALID',
        `${pluginId} uses client credentials: give the workspace's clientId and clientSecret when connecting (or the operator sets the manifest's client id and secret)`,
        { details: { plugin: pluginId } },
      );
    return settings;
  }

  function provider(
    ws: { id: string; slug: string },
    pluginId: string,
    url: string,
    settings: McpOAuthSettings,
    redirectUrl: string,
    mode: McpOAuthMode,
  ) {
    return new NeonHubOAuthProvider({
      store,
      workspaceId: ws.id,
      workspaceSlug: ws.slug,
      pluginId,
      serverUrl: url,
      settings,
      redirectUrl,
      mode,
      now,
    });
  }

  return {
    store,

    /** Makes a plugin being loaded known before the host's manifest map has it (see `loading`). */
    loading(manifest: PluginManifest): void {
      loading.set(manifest.id, manifest);
    },

    /** Tells `listener` when a workspace connects or disconnects a plugin (the host passes it to the plugin's runtime). */
    onGrantChanged(listener: Listener): () => void {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },

    /**
     * Starts connecting a workspace: the authorization URL to open (authorization code), or `connected` at once
     * (client credentials). `by.redirectUri` is this host's callback URL.
     */
    async start(
      workspaceId: string,
      pluginId: string,
      input: McpOAuthStartInput,
      by: { userId: string | null; redirectUri: string },
    ): Promise<McpOAuthStarted> {
      const { url } = oauthPlugin(pluginId);
      if (input.clientSecret && !input.clientId)
        throw mcpOAuthErrors.create('NH_MCP_OAUTH_INVALID', 'a client secret needs its client id', { details: { plugin: pluginId } });
      const ws = await deps.resolveWorkspace(workspaceId);
      const existing = (await store.get(ws.id, pluginId, url))?.state ?? {};
      const state: GrantState = input.clientId
        ? {
            ...existing,
            workspaceClient: { clientId: input.clientId, ...(input.clientSecret ? { clientSecret: input.clientSecret } : {}) },
          }
        : existing;
      const settings = await settingsFor(pluginId, state);
      if (input.clientId)
        await store.update(ws.id, pluginId, url, (s) => {
          const { clientInformation: _dropped, ...rest } = s; // another client: the old registration is not reused
          return { ...rest, workspaceClient: state.workspaceClient! };
        });
      const fetchFn = deps.fetchFor(ws.id);
      const p = provider(ws, pluginId, url, settings, by.redirectUri, { kind: 'connect', userId: by.userId });
      const challenge = await probeChallenge(url, fetchFn);
      // what the server challenged with, and what a call's 403 insufficient_scope asked for since (step-up)
      const scope = unionScopes(challenge.scope, state.stepUpScope);
      let result: Awaited<ReturnType<typeof auth>>;
      try {
        result = await auth(p, {
          serverUrl: url,
          ...(challenge.resourceMetadataUrl ? { resourceMetadataUrl: challenge.resourceMetadataUrl } : {}),
          ...(scope ? { scope } : {}),
          fetchFn,
        });
      } catch (err) {
        throw failed(pluginId, 'starting the authorization', err);
      }
      if (result === 'AUTHORIZED') {
        await changed(pluginId, ws.id, true);
        return { status: 'connected', redirectUri: by.redirectUri };
      }
      if (!p.authorizationUrl) throw failed(pluginId, 'starting the authorization', new Error('no authorization URL was produced'));
      return {
        status: 'redirect',
        authorizeUrl: p.authorizationUrl.toString(),
        redirectUri: by.redirectUri,
        expiresAt: new Date(now() + 10 * 60_000).toISOString(),
      };
    },

    /**
     * The authorization server's redirect back: the state must be one issued here, unexpired, unused and started by
     * this user (or by the operator, bound to nobody); the code is exchanged with the flow's PKCE verifier.
     */
    async finish(
      params: URLSearchParams,
      by: { userId: string | null },
    ): Promise<{ workspaceId: string; workspaceSlug: string; pluginId: string; error?: Error }> {
      const stateError = (why: string) =>
        mcpOAuthErrors.create('NH_MCP_OAUTH_STATE', `this OAuth callback cannot be used: ${why}; connect again`);
      const state = params.get('state');
      if (!state) throw stateError('it carries no state');
      const peek = await store.peekFlow(state);
      if (!peek) throw stateError('its state was not issued here or was already used');
      if (peek.user_id !== null && peek.user_id !== by.userId) throw stateError('it was started by another user (sign in as them)');
      const flow = await store.takeFlow(state);
      if (!flow) throw stateError('its state was already used');
      if (new Date(flow.expires_at).getTime() < now()) throw stateError('it expired (10 minutes)');
      const ws = await deps.resolveWorkspace(flow.workspace_id);
      const pluginId = flow.plugin_id;
      try {
        const { url } = oauthPlugin(pluginId);
        const providerError = params.get('error');
        if (providerError)
          throw mcpOAuthErrors.create(
            'NH_MCP_OAUTH_FAILED',
            `the authorization server did not authorize: ${providerError}${params.get('error_description') ? ` (${params.get('error_description')})` : ''}`,
            { details: { plugin: pluginId, oauthError: providerError } },
          );
        const code = params.get('code');
        if (!code)
          throw mcpOAuthErrors.create('NH_MCP_OAUTH_FAILED', 'the callback carries no authorization code', {
            details: { plugin: pluginId },
          });
        const grant = await store.get(ws.id, pluginId, url);
        const iss = params.get('iss');
        const expected = grant?.state.discovery?.authorizationServerMetadata?.issuer;
        if (iss && expected && iss.replace(/\/$/, '') !== expected.replace(/\/$/, ''))
          throw mcpOAuthErrors.create(
            'NH_MCP_OAUTH_FAILED',
            `the callback's issuer ${iss} is not the authorization server ${expected} (RFC 9207)`,
            {
              details: { plugin: pluginId },
            },
          );
        const settings = await settingsFor(pluginId, grant?.state ?? {});
        const p = provider(ws, pluginId, url, settings, flow.redirect_uri, {
          kind: 'finish',
          codeVerifier: flow.code_verifier,
          userId: flow.user_id,
        });
        try {
          await auth(p, { serverUrl: url, authorizationCode: code, fetchFn: deps.fetchFor(ws.id) });
        } catch (err) {
          throw failed(pluginId, 'exchanging the authorization code', err);
        }
        await changed(pluginId, ws.id, true);
        return { workspaceId: ws.id, workspaceSlug: ws.slug, pluginId };
      } catch (err) {
        const error = err instanceof Error ? err : new Error(String(err));
        return { workspaceId: ws.id, workspaceSlug: ws.slug, pluginId, error };
      }
    },

    /**
     * The OAuthClientProvider of a tool call's session in this workspace (`call` mode: silent refresh and client
     * credentials, never a browser flow). NH_MCP_OAUTH_NOT_CONNECTED when the workspace has no grant.
     */
    async providerFor(ws: { id: string; slug: string }, pluginId: string): Promise<NeonHubOAuthProvider> {
      const { url } = oauthPlugin(pluginId);
      const grant = await store.get(ws.id, pluginId, url);
      if (!grant || (!grant.state.tokens && grant.row.status !== 'connected'))
        throw notConnected(
          pluginId,
          ws.slug,
          grant?.row.status === 'failing' ? 'lost its grant there (refused or revoked)' : 'has not connected its account',
        );
      const settings = await settingsFor(pluginId, grant.state);
      return provider(ws, pluginId, url, settings, grant.state.redirectUri ?? `http://localhost${MCP_OAUTH_CALLBACK_PATH}`, {
        kind: 'call',
      });
    },

    /** A workspace's id and slug (the runtime knows workspaces by id). */
    workspace: (ref: string) => deps.resolveWorkspace(ref),

    /** Workspaces connected to this plugin's server (the runtime lists tools through one of them). */
    async connectedWorkspaces(pluginId: string): Promise<string[]> {
      return store.connectedWorkspaces(pluginId, oauthPlugin(pluginId).url);
    },

    async status(workspaceId: string, pluginId: string): Promise<McpOAuthStatus> {
      const { url, oauth } = oauthPlugin(pluginId);
      const row = await store.row(workspaceId, pluginId);
      const base = { plugin: pluginId, serverUrl: url, grant: oauth.grant };
      if (!row || row.server_url !== url)
        return {
          ...base,
          status: 'not_connected',
          scope: null,
          tokenExpiresAt: null,
          connectedAt: null,
          connectedBy: null,
          lastError: null,
          client: null,
        };
      let client: McpOAuthStatus['client'] = null;
      try {
        const state = (await store.get(workspaceId, pluginId, url))?.state;
        const id = state?.clientInformation?.client_id;
        client = state?.workspaceClient
          ? 'workspace'
          : oauth.clientId && id === oauth.clientId
            ? 'pre-registered'
            : id && id === oauth.clientMetadataUrl
              ? 'metadata-document'
              : id
                ? 'registered'
                : null;
      } catch {
        // a grant that no longer decrypts shows without its client; connecting again replaces it
      }
      return {
        ...base,
        status: row.status,
        scope: row.scope,
        tokenExpiresAt: iso(row.token_expires_at),
        connectedAt: iso(row.connected_at),
        connectedBy: row.connected_by,
        lastError: row.last_error,
        client,
      };
    },

    /** Forgets the workspace's grant (its tokens and registration); calls fail with NH_MCP_OAUTH_NOT_CONNECTED after. */
    async disconnect(workspaceId: string, pluginId: string): Promise<boolean> {
      oauthPlugin(pluginId);
      const removed = await store.remove(workspaceId, pluginId);
      await changed(pluginId, workspaceId, false);
      return removed;
    },
  };
}

export type McpOAuthService = ReturnType<typeof createMcpOAuthService>;
