import { createHash } from 'node:crypto';
import type { DB, Kysely } from '@neonhub/db';
import type { Connection, PluginManifest } from '@neonhub/schemas';
import type { CredentialSeal, ConnectionRow as Row } from './credentials.js';
import { connectionErrors } from './errors.js';
import { checkFields, connectorOf, declaredFields } from './fields.js';
import type { OAuthClient } from './oauth-client.js';
import type { ConnectionRows } from './rows.js';

/** How long an OAuth authorization may take between the start and the provider's callback. */
const FLOW_TTL_MS = 10 * 60_000;

const hashState = (state: string) => createHash('sha256').update(state).digest('hex');

export interface OAuthFlowDeps {
  db: Kysely<DB>;
  seal: CredentialSeal;
  rows: ConnectionRows;
  getManifest(pluginId: string): PluginManifest | undefined;
  /** The connector's OAuth client in the workspace (NH_CONNECTION_OAUTH_APP_MISSING without an OAuth app). */
  clientFor(workspaceId: string, pluginId: string): OAuthClient;
  now: () => number;
}

/**
 * Connecting an account with OAuth 2.0 authorization code + PKCE: the start stores a flow (state hash, verifier,
 * who started it) for ten minutes; the provider's callback consumes it once and stores the tokens on a new
 * connection or the one being reconnected.
 */
export function createOAuthFlow(deps: OAuthFlowDeps) {
  const { db, seal, rows, now } = deps;
  return {
    /**
     * Starts an OAuth authorization: a fresh state and PKCE verifier stored for 10 minutes (the state only as its
     * hash), bound to the user who started it (null: the operator); returns the provider's authorize URL.
     */
    async startOAuth(
      workspaceId: string,
      input: {
        plugin: string;
        label?: string | undefined;
        connection?: string | undefined;
        fields?: Record<string, string>;
        default?: boolean | undefined;
      },
      by: { userId: string | null; redirectUri: string },
    ): Promise<{ authorizeUrl: string; redirectUri: string; expiresAt: string }> {
      const client = deps.clientFor(workspaceId, input.plugin);
      const { connector, manifest } = connectorOf(deps.getManifest(input.plugin), input.plugin);
      const { secret, plain } = checkFields(declaredFields(connector), input.fields ?? {}, true);
      if (Object.keys(secret).length > 0)
        throw connectionErrors.create(
          'NH_CONNECTION_INVALID',
          `set secret fields (${Object.keys(secret).join(', ')}) after connecting, with an update`,
        );
      let label = input.label;
      if (input.connection) {
        const existing = await rows.get(workspaceId, input.connection, input.plugin);
        label = existing.label;
      } else {
        const base = label ?? manifest.name ?? input.plugin;
        label = base;
        for (let n = 2; await rows.labelTaken(workspaceId, input.plugin, label); n++) {
          if (input.label) throw rows.labelExists(input.plugin, input.label);
          label = `${base} ${n}`;
        }
      }
      const { url, state, codeVerifier } = await client.authorizeUrl(by.redirectUri);
      const expiresAt = new Date(now() + FLOW_TTL_MS);
      await db.deleteFrom('connection_oauth_flows').where('expires_at', '<', new Date(now())).execute();
      await db
        .insertInto('connection_oauth_flows')
        .values({
          state_hash: hashState(state),
          workspace_id: workspaceId,
          plugin_id: input.plugin,
          label,
          connection_id: input.connection ? (await rows.get(workspaceId, input.connection)).id : null,
          user_id: by.userId,
          code_verifier: codeVerifier,
          redirect_uri: by.redirectUri,
          fields: JSON.stringify(plain),
          make_default: input.default === true,
          expires_at: expiresAt,
        })
        .execute();
      return { authorizeUrl: url.toString(), redirectUri: by.redirectUri, expiresAt: expiresAt.toISOString() };
    },

    /**
     * The provider's redirect back: the state must be one issued here, unexpired, unused, and started by this user
     * (a flow started by the operator is bound to no user: its state and PKCE verifier stand alone). The flow is
     * consumed before the code is exchanged, so a replayed callback finds nothing.
     */
    async finishOAuth(
      params: URLSearchParams,
      by: { userId: string | null },
    ): Promise<{ workspaceId: string; connection?: Connection; error?: Error }> {
      const state = params.get('state');
      const stateError = (why: string) =>
        connectionErrors.create('NH_CONNECTION_OAUTH_STATE', `this OAuth callback cannot be used: ${why}; start connecting again`);
      if (!state) throw stateError('it carries no state');
      const flow = await db.selectFrom('connection_oauth_flows').selectAll().where('state_hash', '=', hashState(state)).executeTakeFirst();
      if (!flow) throw stateError('its state was not issued here or was already used');
      if (flow.user_id !== null && flow.user_id !== by.userId) throw stateError('it was started by another user (sign in as them)');
      const consumed = await db.deleteFrom('connection_oauth_flows').where('state_hash', '=', flow.state_hash).executeTakeFirst();
      if (Number(consumed.numDeletedRows) !== 1) throw stateError('its state was already used');
      if (new Date(flow.expires_at).getTime() < now()) throw stateError('it expired (10 minutes)');
      const workspaceId = flow.workspace_id;
      try {
        const providerError = params.get('error');
        if (providerError)
          throw connectionErrors.create(
            'NH_CONNECTION_OAUTH_FAILED',
            `the provider did not authorize: ${providerError}${params.get('error_description') ? ` (${params.get('error_description')})` : ''}`,
            { details: { providerError } },
          );
        const tokens = await deps.clientFor(workspaceId, flow.plugin_id).exchange(params, state, flow.redirect_uri, flow.code_verifier);
        if (flow.connection_id) {
          const row: Row = await rows.get(workspaceId, flow.connection_id);
          const creds = seal.open(row);
          await db
            .updateTable('connections')
            .set({
              ...seal.seal(row, { ...creds, tokens }),
              fields: JSON.stringify({ ...row.fields, ...flow.fields }),
              token_expires_at: tokens.expiresAt ? new Date(tokens.expiresAt) : null,
              status: 'active',
              last_error: null,
              last_error_at: null,
              ...(tokens.accountId ? { account_id: tokens.accountId } : {}),
              ...(tokens.accountName ? { account_name: tokens.accountName } : {}),
              updated_at: new Date(),
            })
            .where('id', '=', row.id)
            .execute();
          if (flow.make_default) await rows.makeDefault(workspaceId, row.plugin_id, row.id);
          return { workspaceId, connection: rows.toView(await rows.get(workspaceId, row.id)) };
        }
        const row = await rows.insert({
          workspaceId,
          pluginId: flow.plugin_id,
          label: flow.label,
          authType: 'oauth2',
          plain: flow.fields,
          creds: { secrets: {}, tokens },
          makeDefaultFlag: flow.make_default || undefined,
          createdBy: flow.user_id ?? 'operator',
        });
        return { workspaceId, connection: rows.toView(row) };
      } catch (err) {
        return { workspaceId, error: err instanceof Error ? err : new Error(String(err)) };
      }
    },
  };
}
