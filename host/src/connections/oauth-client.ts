import type { ConnectorAuth } from '@neonhub/schemas';
import * as oauth from 'oauth4webapi';
import { connectionErrors } from './errors.js';

type OAuth2Auth = Extract<ConnectorAuth, { type: 'oauth2' }>;

/** The OAuth app (client) registered at the provider for a connector; configured by the operator. */
export interface OAuthApp {
  clientId: string;
  clientSecret?: string;
}

/** Tokens as the host keeps them (sealed in the connection's credentials). */
export interface OAuthTokens {
  accessToken: string;
  tokenType: string;
  scope?: string;
  refreshToken?: string;
  /** Epoch ms; absent when the provider gave no expires_in. */
  expiresAt?: number;
  /** Provider-side account facts some token responses carry (user_id, open_id...). */
  accountId?: string;
  accountName?: string;
}

/**
 * The provider side of a connector's OAuth 2.0 (authorization code + PKCE S256, refresh, revocation), through
 * oauth4webapi. Every request goes through `fetch`: the workspace's outbound guard (a manifest's tokenUrl on a
 * private address is refused unless the operator allow-listed it). Plain http endpoints are allowed only because
 * the manifest schema already admits them (local fakes); production manifests declare https.
 */
export function createOAuthClient(auth: OAuth2Auth, app: OAuthApp, fetch: typeof globalThis.fetch) {
  const as: oauth.AuthorizationServer = {
    issuer: new URL(auth.authorizeUrl).origin,
    authorization_endpoint: auth.authorizeUrl,
    token_endpoint: auth.tokenUrl,
    ...(auth.revokeUrl ? { revocation_endpoint: auth.revokeUrl } : {}),
  };
  const client: oauth.Client = { client_id: app.clientId };
  const clientAuth =
    auth.tokenAuth === 'none' || !app.clientSecret
      ? oauth.None()
      : auth.tokenAuth === 'client_secret_basic'
        ? oauth.ClientSecretBasic(app.clientSecret)
        : oauth.ClientSecretPost(app.clientSecret);
  const options = {
    [oauth.customFetch]: (url: string, init: RequestInit) => fetch(url, init),
    [oauth.allowInsecureRequests]: true,
  };

  const failed = (what: string, err: unknown) => {
    const e = err as { code?: string; error?: string; error_description?: string; message?: string; status?: number };
    const providerError = e.error ?? e.code;
    const message = e.error_description ?? e.message ?? String(err);
    if ((err as { code?: string })?.code?.startsWith?.('NH_')) return err as Error;
    return connectionErrors.create('NH_CONNECTION_OAUTH_FAILED', `${what} failed: ${message}`, {
      details: { providerError: providerError ?? null, ...(e.status ? { providerStatus: e.status } : {}) },
      cause: err,
    });
  };

  function toTokens(r: oauth.TokenEndpointResponse, previous?: OAuthTokens): OAuthTokens {
    const str = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : undefined);
    const accountId = str(r.user_id) ?? str(r.open_id) ?? str(r.account_id) ?? previous?.accountId;
    const accountName = str(r.screen_name) ?? str(r.username) ?? previous?.accountName;
    const refreshToken = r.refresh_token ?? previous?.refreshToken;
    const scope = r.scope ?? previous?.scope;
    return {
      accessToken: r.access_token,
      tokenType: r.token_type,
      ...(scope ? { scope } : {}),
      ...(refreshToken ? { refreshToken } : {}),
      ...(typeof r.expires_in === 'number' ? { expiresAt: Date.now() + r.expires_in * 1000 } : {}),
      ...(accountId ? { accountId } : {}),
      ...(accountName ? { accountName } : {}),
    };
  }

  return {
    /** A new PKCE pair and state, and the authorize URL carrying them. */
    async authorizeUrl(redirectUri: string): Promise<{ url: URL; state: string; codeVerifier: string }> {
      const state = oauth.generateRandomState();
      const codeVerifier = oauth.generateRandomCodeVerifier();
      const url = new URL(auth.authorizeUrl);
      url.searchParams.set('response_type', 'code');
      url.searchParams.set('client_id', app.clientId);
      url.searchParams.set('redirect_uri', redirectUri);
      url.searchParams.set('state', state);
      if (auth.scopes.length > 0) url.searchParams.set('scope', auth.scopes.join(auth.scopeSeparator));
      if (auth.pkce) {
        url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(codeVerifier));
        url.searchParams.set('code_challenge_method', 'S256');
      }
      return { url, state, codeVerifier };
    },

    /** Exchanges the callback's code (state already matched by the caller) for tokens, with the PKCE verifier. */
    async exchange(params: URLSearchParams, state: string, redirectUri: string, codeVerifier: string): Promise<OAuthTokens> {
      try {
        const valid = oauth.validateAuthResponse(as, client, params, state);
        const response = await oauth.authorizationCodeGrantRequest(
          as,
          client,
          clientAuth,
          valid,
          redirectUri,
          auth.pkce ? codeVerifier : oauth.nopkce,
          options,
        );
        return toTokens(await oauth.processAuthorizationCodeResponse(as, client, response));
      } catch (err) {
        throw failed('the authorization', err);
      }
    },

    async refresh(previous: OAuthTokens): Promise<OAuthTokens> {
      if (!previous.refreshToken)
        throw connectionErrors.create('NH_CONNECTION_REFRESH_FAILED', 'the provider gave no refresh token: connect the account again');
      try {
        const response = await oauth.refreshTokenGrantRequest(as, client, clientAuth, previous.refreshToken, options);
        return toTokens(await oauth.processRefreshTokenResponse(as, client, response), previous);
      } catch (err) {
        const e = failed('refreshing the token', err);
        throw connectionErrors.create('NH_CONNECTION_REFRESH_FAILED', e.message, { cause: err });
      }
    },

    /** Revokes the refresh token (which ends the grant at most providers), else the access token. False without a revokeUrl. */
    async revoke(tokens: OAuthTokens): Promise<boolean> {
      if (!auth.revokeUrl) return false;
      try {
        const response = await oauth.revocationRequest(as, client, clientAuth, tokens.refreshToken ?? tokens.accessToken, options);
        await oauth.processRevocationResponse(response);
        return true;
      } catch (err) {
        throw failed('revoking the token', err);
      }
    },
  };
}

export type OAuthClient = ReturnType<typeof createOAuthClient>;
