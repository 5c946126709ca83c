import { randomBytes } from 'node:crypto';
import type { OAuthClientProvider, OAuthDiscoveryState } from '@modelcontextprotocol/sdk/client/auth.js';
import { createPrivateKeyJwtAuth } from '@modelcontextprotocol/sdk/client/auth-extensions.js';
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import type { McpOAuthTokenAuth } from '@neonhub/schemas';
import { mcpOAuthErrors } from './errors.js';
import type { GrantState, McpOAuthStore } from './store.js';

/** How long an authorization may take between its start and the authorization server's redirect back. */
export const FLOW_TTL_MS = 10 * 60_000;
/** The provider re-reads the stored tokens at most this often (another host may have refreshed them). */
const RELOAD_MS = 5_000;

/** A plugin's OAuth settings, resolved: the manifest's `runtime.oauth` with its secrets read, and the workspace's own client. */
export interface McpOAuthSettings {
  grant: 'authorization_code' | 'client_credentials';
  scope?: string | undefined;
  /** A pre-registered client id (the workspace's own, else the manifest's). */
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  /** PEM or JWK (JSON) for private_key_jwt. */
  privateKey?: string | undefined;
  privateKeyAlg: string;
  tokenEndpointAuthMethod?: McpOAuthTokenAuth | undefined;
  clientMetadataUrl?: string | undefined;
  clientName: string;
}

/**
 * What the provider is for:
 * - `call`: a tool call's session. It never starts a browser flow nor registers a client: with no usable grant
 *   it throws NH_MCP_OAUTH_NOT_CONNECTED (refreshing an expired token, and client credentials, happen silently).
 * - `connect`: an admin connecting the workspace. The authorization URL is kept (`authorizationUrl`), the state and
 *   PKCE verifier go to a flow row bound to `userId`.
 * - `finish`: the callback, exchanging the code with the flow's verifier.
 */
export type McpOAuthMode =
  | { kind: 'call' }
  | { kind: 'connect'; userId: string | null }
  | { kind: 'finish'; codeVerifier: string; userId: string | null };

export interface McpOAuthProviderOptions {
  store: McpOAuthStore;
  workspaceId: string;
  /** Used in messages (the `neonhub plugin connect` hint). */
  workspaceSlug: string;
  pluginId: string;
  /** The MCP server's URL (the manifest's runtime.url): the grant is bound to it. */
  serverUrl: string;
  settings: McpOAuthSettings;
  /** This host's callback URL (`<public URL>/api/plugins/oauth/callback`). */
  redirectUrl: string;
  mode: McpOAuthMode;
  now?: () => number;
}

export function notConnected(pluginId: string, slug: string, why: string) {
  return mcpOAuthErrors.create(
    'NH_MCP_OAUTH_NOT_CONNECTED',
    `${pluginId} is behind OAuth and workspace ${slug} ${why}: an admin connects it with \`neonhub plugin connect ${pluginId} -w ${slug}\` or "Connect account" on the plugin's page in the console`,
    { details: { plugin: pluginId, workspace: slug, connect: `neonhub plugin connect ${pluginId} -w ${slug}` } },
  );
}

/**
 * The SDK's OAuthClientProvider for one workspace's session with one outside MCP server, backed by NeonHub's
 * encrypted per-workspace store. The SDK's `auth()` drives the protocol (RFC 9728 / RFC 8414 discovery, dynamic
 * registration or a Client ID Metadata Document, PKCE S256, `resource`, scope selection, refresh); this class only
 * keeps what it is handed, and decides how the client authenticates at the token endpoint.
 */
export class NeonHubOAuthProvider implements OAuthClientProvider {
  /** Set by `redirectToAuthorization` in `connect` mode: the URL the admin opens. */
  authorizationUrl: URL | undefined;
  private lastState: string | undefined;
  private cache: { state: GrantState; at: number } | undefined;
  readonly addClientAuthentication: OAuthClientProvider['addClientAuthentication'];
  private readonly now: () => number;

  constructor(private readonly o: McpOAuthProviderOptions) {
    this.now = o.now ?? Date.now;
    const s = o.settings;
    if (s.tokenEndpointAuthMethod === 'private_key_jwt') {
      if (!s.privateKey || !s.clientId)
        throw mcpOAuthErrors.create('NH_MCP_OAUTH_INVALID', `${o.pluginId}: private_key_jwt needs a client id and its private key`, {
          details: { plugin: o.pluginId },
        });
      let key: string | Record<string, unknown> = s.privateKey;
      if (s.privateKey.trim().startsWith('{')) key = JSON.parse(s.privateKey) as Record<string, unknown>;
      this.addClientAuthentication = createPrivateKeyJwtAuth({
        issuer: s.clientId,
        subject: s.clientId,
        privateKey: key,
        alg: s.privateKeyAlg,
      });
    }
  }

  get redirectUrl(): string | undefined {
    return this.o.settings.grant === 'client_credentials' ? undefined : this.o.redirectUrl;
  }

  get clientMetadataUrl(): string | undefined {
    return this.o.settings.clientMetadataUrl;
  }

  get clientMetadata(): OAuthClientMetadata {
    const s = this.o.settings;
    const machine = s.grant === 'client_credentials';
    return {
      client_name: s.clientName,
      redirect_uris: machine ? [] : [this.o.redirectUrl],
      grant_types: machine ? ['client_credentials'] : ['authorization_code', 'refresh_token'],
      response_types: machine ? [] : ['code'],
      token_endpoint_auth_method: s.tokenEndpointAuthMethod ?? (s.clientSecret ? 'client_secret_basic' : 'none'),
      ...(s.scope ? { scope: s.scope } : {}),
    };
  }

  private async load(fresh = false): Promise<GrantState> {
    if (!fresh && this.cache && this.now() - this.cache.at < RELOAD_MS) return this.cache.state;
    const grant = await this.o.store.get(this.o.workspaceId, this.o.pluginId, this.o.serverUrl);
    const state = grant?.state ?? {};
    this.cache = { state, at: this.now() };
    return state;
  }

  private async save(change: (s: GrantState) => GrantState, meta: Parameters<McpOAuthStore['update']>[4] = {}): Promise<void> {
    const state = await this.o.store.update(this.o.workspaceId, this.o.pluginId, this.o.serverUrl, change, meta);
    this.cache = { state, at: this.now() };
  }

  /** The pre-registered client, when one is configured (the workspace's own, else the manifest's). */
  private preRegistered(): OAuthClientInformationMixed | undefined {
    const s = this.o.settings;
    if (!s.clientId) return undefined;
    const method = s.tokenEndpointAuthMethod === 'private_key_jwt' ? undefined : s.tokenEndpointAuthMethod;
    return {
      client_id: s.clientId,
      ...(s.clientSecret ? { client_secret: s.clientSecret } : {}),
      ...(method ? { token_endpoint_auth_method: method } : {}),
    };
  }

  state(): string {
    this.lastState = randomBytes(32).toString('base64url');
    return this.lastState;
  }

  async clientInformation(): Promise<OAuthClientInformationMixed | undefined> {
    const stored = (await this.load()).clientInformation;
    const pre = this.preRegistered();
    // a stored registration of another client id (the workspace switched to its own client) is not used
    if (stored && (!pre || stored.client_id === pre.client_id)) return pre ? { ...stored, ...pre, issuer: stored.issuer } : stored;
    if (pre) return pre;
    if (this.o.mode.kind === 'call') throw notConnected(this.o.pluginId, this.o.workspaceSlug, 'has no client registration there');
    return undefined;
  }

  async saveClientInformation(info: OAuthClientInformationMixed): Promise<void> {
    // the secret of a pre-registered client stays in its configuration, not copied into the grant
    const { client_secret: _secret, ...rest } = info;
    const keep = this.preRegistered() && info.client_id === this.o.settings.clientId ? rest : info;
    await this.save((s) => ({ ...s, clientInformation: keep }));
  }

  async tokens(): Promise<OAuthTokens | undefined> {
    // connecting asks for a new grant (perhaps another account): the stored tokens are not refreshed instead
    if (this.o.mode.kind === 'connect') return undefined;
    return (await this.load()).tokens;
  }

  async saveTokens(tokens: OAuthTokens): Promise<void> {
    const expiresAt = typeof tokens.expires_in === 'number' ? this.now() + tokens.expires_in * 1000 : undefined;
    const mode = this.o.mode;
    const by = mode.kind === 'call' ? undefined : (mode.userId ?? 'operator');
    await this.save(
      (s) => {
        const { expiresAt: _old, ...rest } = s;
        return { ...rest, tokens, ...(expiresAt ? { expiresAt } : {}), redirectUri: this.o.redirectUrl };
      },
      { status: 'connected', last_error: null, ...(by === undefined ? {} : { connected: true, connected_by: by }) },
    );
  }

  async redirectToAuthorization(url: URL): Promise<void> {
    if (this.o.mode.kind === 'call') {
      // the SDK could neither use nor refresh the stored grant: it needs a person again
      await this.save((s) => s, {
        status: 'failing',
        last_error: 'the server refused the token and it could not be refreshed: connect again',
      });
    }
    if (this.o.mode.kind !== 'connect')
      throw notConnected(
        this.o.pluginId,
        this.o.workspaceSlug,
        'has no usable grant there (never connected, or its token was refused and could not be refreshed)',
      );
    this.authorizationUrl = url;
  }

  /**
   * A call's 403 insufficient_scope named the scope it needs (step-up): kept with the grant, so the connect it takes
   * (an admin's, a person's consent) asks for it beside what the server asked before.
   */
  async rememberScope(scope: string): Promise<void> {
    await this.save((s) => ({ ...s, stepUpScope: unionScopes(s.stepUpScope, scope) }));
  }

  async saveCodeVerifier(codeVerifier: string): Promise<void> {
    const mode = this.o.mode;
    if (mode.kind !== 'connect') return; // a call never starts an authorization (redirectToAuthorization refuses it)
    if (!this.lastState) throw new Error('the OAuth state was not generated before the code verifier');
    await this.o.store.addFlow({
      state: this.lastState,
      workspaceId: this.o.workspaceId,
      pluginId: this.o.pluginId,
      userId: mode.userId,
      codeVerifier,
      redirectUri: this.o.redirectUrl,
      expiresAt: new Date(this.now() + FLOW_TTL_MS),
    });
  }

  codeVerifier(): string {
    if (this.o.mode.kind !== 'finish') throw new Error('no authorization is being finished');
    return this.o.mode.codeVerifier;
  }

  prepareTokenRequest(scope?: string): URLSearchParams | undefined {
    if (this.o.settings.grant !== 'client_credentials') return undefined; // authorization_code: the SDK's default
    const params = new URLSearchParams({ grant_type: 'client_credentials' });
    if (scope) params.set('scope', scope);
    return params;
  }

  async saveDiscoveryState(discovery: OAuthDiscoveryState): Promise<void> {
    await this.save((s) => ({ ...s, discovery }));
  }

  async discoveryState(): Promise<OAuthDiscoveryState | undefined> {
    return (await this.load()).discovery;
  }

  /** The server said these credentials no longer hold: forget them; a grant without tokens is `failing`. */
  async invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery'): Promise<void> {
    if (scope === 'verifier') return;
    const dropTokens = scope === 'all' || scope === 'tokens';
    await this.save(
      (s) => {
        const next: GrantState = { ...s };
        if (scope === 'all' || scope === 'client') delete next.clientInformation;
        if (dropTokens) {
          delete next.tokens;
          delete next.expiresAt;
        }
        if (scope === 'all' || scope === 'discovery') delete next.discovery;
        return next;
      },
      dropTokens ? { status: 'failing', last_error: 'the authorization server refused the grant (revoked or expired): connect again' } : {},
    );
  }
}

export function createMcpOAuthProvider(opts: McpOAuthProviderOptions): NeonHubOAuthProvider {
  return new NeonHubOAuthProvider(opts);
}

/** Space-separated scope lists merged, each scope once, in first-seen order. */
export function unionScopes(...lists: (string | undefined)[]): string | undefined {
  const all = [...new Set(lists.flatMap((l) => (l ? l.split(/\s+/).filter(Boolean) : [])))];
  return all.length ? all.join(' ') : undefined;
}
