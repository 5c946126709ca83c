import { type DB, isUuid, type Kysely } from '@neonhub/db';
import type { Connection, ConnectorDeclaration, PluginManifest } from '@neonhub/schemas';
import { type ConnectionContext, connectorErrors } from '@neonhub/sdk';
import type { SecretBox } from '../secrets/index.js';
import { contextOf, createCredentialSeal, type ResolvedConnection, type ConnectionRow as Row } from './credentials.js';
import { connectionErrors } from './errors.js';
import { checkFields, connectorOf, declaredFields } from './fields.js';
import { oauthClientFor } from './oauth-apps.js';
import type { OAuthApp, OAuthTokens } from './oauth-client.js';
import { createOAuthFlow } from './oauth-flow.js';
import { createConnectionRows } from './rows.js';
import { createTokenRefresh } from './token-refresh.js';

export type { ResolvedConnection } from './credentials.js';

export interface ConnectionServiceDeps {
  db: Kysely<DB>;
  box: SecretBox;
  getManifest(pluginId: string): PluginManifest | undefined;
  /** The OAuth app (client id and secret) of a connector: NEONHUB_OAUTH_<PLUGIN>_CLIENT_ID/_SECRET by default. */
  oauthApp(pluginId: string): OAuthApp | undefined;
  /** The workspace's guarded fetch (its outbound allow-list applies to token and revocation endpoints). */
  fetchFor(workspaceId: string): typeof globalThis.fetch;
  now?: () => number;
  logger?: { warn(obj: object, msg: string): void };
}

/**
 * Connected accounts of connector plugins (docs/connectors.md, "Connected accounts"): API-key connections, OAuth 2.0
 * authorization code + PKCE with token refresh and revocation, the connection a tool call uses (`ctx.connection`),
 * status and last error. Credentials are one AES-256-GCM sealed JSON per connection, bound to its workspace, plugin
 * and id; secret values never leave (the views list secret field names only).
 *
 * The parts: fields.ts (what a connector asks for), credentials.ts (sealing, the tool's context), rows.ts (the table
 * and the admin's view), oauth-apps.ts (a connector's OAuth client), oauth-flow.ts (start and callback),
 * token-refresh.ts (refresh before a call, one at a time).
 */
export function createConnectionService(deps: ConnectionServiceDeps) {
  const db = deps.db;
  const now = deps.now ?? Date.now;
  const seal = createCredentialSeal(deps.box);
  const rows = createConnectionRows({ db, seal, getManifest: deps.getManifest });
  const refresher = createTokenRefresh({
    db,
    seal,
    rows,
    refreshAt: (row, current) => oauthClientFor(deps, row.workspace_id, row.plugin_id).refresh(current),
    now,
  });
  const flow = createOAuthFlow({
    db,
    seal,
    rows,
    getManifest: deps.getManifest,
    clientFor: (workspaceId, pluginId) => oauthClientFor(deps, workspaceId, pluginId),
    now,
  });

  async function webhookSecret(row: Row, secretField: string): Promise<string | undefined> {
    const creds = seal.open(row);
    return (
      creds.secrets[secretField] ??
      row.fields[secretField] ??
      (secretField === 'clientSecret' ? deps.oauthApp(row.plugin_id)?.clientSecret : undefined)
    );
  }

  return {
    async list(workspaceId: string, pluginId?: string): Promise<Connection[]> {
      return (await rows.rows(workspaceId, pluginId)).map(rows.toView);
    },

    async view(workspaceId: string, ref: string): Promise<Connection> {
      return rows.toView(await rows.get(workspaceId, ref));
    },

    /** The connectors installed on the host and what connecting to each needs. */
    connectors(isEnabled: (pluginId: string) => boolean, pluginIds: readonly string[]) {
      return pluginIds
        .map((id) => deps.getManifest(id))
        .filter((m): m is PluginManifest & { connector: ConnectorDeclaration } => m?.connector !== undefined)
        .map((m) => ({
          plugin: m.id,
          name: m.name ?? m.id,
          enabled: isEnabled(m.id),
          sandbox: m.connector.sandbox,
          channels: m.connector.channels,
          networks: m.connector.networks,
          authType: m.connector.auth.type,
          fields: declaredFields(m.connector),
          oauthReady: m.connector.auth.type === 'oauth2' && deps.oauthApp(m.id) !== undefined,
          webhookScheme: m.connector.webhook?.scheme ?? null,
        }));
    },

    /** An API-key connection (or one of field values only). NH_CONNECTION_INVALID for a field that does not fit. */
    async add(
      workspaceId: string,
      input: {
        plugin: string;
        label: string;
        fields?: Record<string, string>;
        default?: boolean | undefined;
        account?: { id?: string | undefined; name?: string | undefined } | undefined;
      },
      createdBy?: string,
    ): Promise<Connection> {
      const { connector } = connectorOf(deps.getManifest(input.plugin), input.plugin);
      if (connector.auth.type === 'oauth2')
        throw connectionErrors.create(
          'NH_CONNECTION_INVALID',
          `${input.plugin} connects with OAuth: start it with \`neonhub connection connect\` or the Connections page`,
          { details: { plugin: input.plugin } },
        );
      if (connector.auth.type === 'none' && !connector.webhook)
        throw connectionErrors.create('NH_CONNECTION_INVALID', `${input.plugin} needs no account: enable it and use it`, {
          details: { plugin: input.plugin },
        });
      const { secret, plain } = checkFields(declaredFields(connector), input.fields ?? {}, false);
      const row = await rows.insert({
        workspaceId,
        pluginId: input.plugin,
        label: input.label,
        authType: connector.auth.type,
        plain,
        creds: { secrets: secret },
        makeDefaultFlag: input.default,
        account: input.account,
        createdBy,
      });
      return rows.toView(row);
    },

    /**
     * A connection with OAuth tokens obtained elsewhere (the local-fakes demo mode). The tokens are sealed like
     * those of a callback; refresh and revocation work the same.
     */
    async addWithTokens(
      workspaceId: string,
      input: { plugin: string; label: string; tokens: OAuthTokens; fields?: Record<string, string> },
    ): Promise<Connection> {
      const { connector } = connectorOf(deps.getManifest(input.plugin), input.plugin);
      const { secret, plain } = checkFields(declaredFields(connector), input.fields ?? {}, true);
      const row = await rows.insert({
        workspaceId,
        pluginId: input.plugin,
        label: input.label,
        authType: connector.auth.type,
        plain,
        creds: { secrets: secret, tokens: input.tokens },
        createdBy: 'system',
      });
      return rows.toView(row);
    },

    async update(
      workspaceId: string,
      ref: string,
      input: { label?: string | undefined; default?: true | undefined; fields?: Record<string, string> | undefined },
    ): Promise<Connection> {
      const row = await rows.get(workspaceId, ref);
      if (input.label && input.label !== row.label) {
        if (await rows.labelTaken(workspaceId, row.plugin_id, input.label, row.id)) throw rows.labelExists(row.plugin_id, input.label);
        await db.updateTable('connections').set({ label: input.label, updated_at: new Date() }).where('id', '=', row.id).execute();
      }
      if (input.fields && Object.keys(input.fields).length > 0) {
        if (row.status === 'revoked')
          throw connectionErrors.create('NH_CONNECTION_INVALID', `connection ${row.label} is revoked: add or connect a new one`);
        const { connector } = connectorOf(deps.getManifest(row.plugin_id), row.plugin_id);
        const { secret, plain } = checkFields(declaredFields(connector), input.fields, true);
        const creds = seal.open(row);
        await db
          .updateTable('connections')
          .set({
            fields: JSON.stringify({ ...row.fields, ...plain }),
            ...seal.seal(row, { ...creds, secrets: { ...creds.secrets, ...secret } }),
            status: 'active',
            last_error: null,
            last_error_at: null,
            updated_at: new Date(),
          })
          .where('id', '=', row.id)
          .execute();
      }
      if (input.default) {
        if (row.status === 'revoked') throw connectionErrors.create('NH_CONNECTION_INVALID', `connection ${row.label} is revoked`);
        await rows.makeDefault(workspaceId, row.plugin_id, row.id);
      }
      return rows.toView(await rows.get(workspaceId, row.id));
    },

    /**
     * Revokes a connection: its OAuth grant at the provider (revokeUrl) when it has one, then its credentials are
     * erased here whatever the provider answered (a provider error is kept as the last error).
     */
    async revoke(workspaceId: string, ref: string): Promise<Connection> {
      const row = await rows.get(workspaceId, ref);
      let providerError: string | undefined;
      if (row.auth_type === 'oauth2' && row.status !== 'revoked') {
        try {
          const creds = seal.open(row);
          if (creds.tokens) await oauthClientFor(deps, workspaceId, row.plugin_id).revoke(creds.tokens);
        } catch (err) {
          providerError = `the provider did not confirm the revocation: ${err instanceof Error ? err.message : String(err)}`;
          deps.logger?.warn({ err, connection: row.id }, 'revoking a connection at the provider failed');
        }
      }
      await db
        .updateTable('connections')
        .set({
          status: 'revoked',
          is_default: false,
          ciphertext: null,
          iv: null,
          tag: null,
          key_id: null,
          token_expires_at: null,
          updated_at: new Date(),
          ...(providerError ? { last_error: providerError, last_error_at: new Date() } : {}),
        })
        .where('id', '=', row.id)
        .execute();
      return rows.toView(await rows.get(workspaceId, row.id));
    },

    /** Revokes (when still connected, unless `revoke: false`) and deletes a connection; true when one was removed. */
    async remove(workspaceId: string, ref: string, opts: { revoke?: boolean } = {}): Promise<boolean> {
      const row = await rows.get(workspaceId, ref);
      if (row.status !== 'revoked' && opts.revoke !== false) await this.revoke(workspaceId, row.id);
      const r = await db.deleteFrom('connections').where('id', '=', row.id).where('workspace_id', '=', workspaceId).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },

    /**
     * The connection a call of a connector tool uses: the input's `connection` (id or label), else the plugin's
     * default (else its oldest connection that is not revoked). Undefined for connectors without auth and when
     * nothing is connected; a named connection that is missing or revoked is NH_CONNECTOR_NOT_CONNECTED.
     */
    async forCall(workspaceId: string, pluginId: string, ref: string | undefined): Promise<ResolvedConnection | undefined> {
      const connector = deps.getManifest(pluginId)?.connector;
      if (!connector || connector.auth.type === 'none') return undefined;
      let row: Row | undefined;
      if (ref !== undefined) {
        row = await rows.find(workspaceId, ref, pluginId);
        if (!row || row.status === 'revoked')
          throw connectorErrors.create(
            'NH_CONNECTOR_NOT_CONNECTED',
            `${pluginId} has no connection ${JSON.stringify(ref)} in this workspace${row ? ' (it was revoked)' : ''}`,
            { details: { plugin: pluginId, connection: ref } },
          );
      } else {
        row = await db
          .selectFrom('connections')
          .selectAll()
          .where('workspace_id', '=', workspaceId)
          .where('plugin_id', '=', pluginId)
          .where('status', '<>', 'revoked')
          .orderBy('is_default', 'desc')
          .orderBy('created_at')
          .orderBy('id')
          .executeTakeFirst();
        if (!row) return undefined;
      }
      return refresher.resolveRow(row);
    },

    /**
     * The provider refused a call's credentials (NH_CONNECTOR_AUTH_FAILED). An OAuth connection with a refresh
     * token is refreshed once (when `retry`) and the fresh context returned for one more attempt; otherwise the
     * connection is marked failing with the error.
     */
    async authFailed(workspaceId: string, connectionId: string, message: string, retry: boolean): Promise<ConnectionContext | undefined> {
      const row = await rows.find(workspaceId, connectionId);
      if (!row || row.status === 'revoked') return undefined;
      if (retry && row.auth_type === 'oauth2' && seal.open(row).tokens?.refreshToken) {
        try {
          const tokens = await refresher.refresh(row);
          return contextOf(row, { ...seal.open(row), tokens });
        } catch {
          return undefined; // refresh marked it failing
        }
      }
      await rows.setStatus(row.id, 'failing', message);
      return undefined;
    },

    /** A call through a failing connection succeeded: it is active again. */
    async succeeded(connectionId: string): Promise<void> {
      await db
        .updateTable('connections')
        .set({ status: 'active', updated_at: new Date() })
        .where('id', '=', connectionId)
        .where('status', '=', 'failing')
        .execute();
    },

    /** Refreshes an OAuth connection's token now (the `test` command); returns the view. */
    async refreshNow(workspaceId: string, ref: string): Promise<Connection> {
      const row = await rows.get(workspaceId, ref);
      await refresher.refresh(row);
      return rows.toView(await rows.get(workspaceId, row.id));
    },

    /** The connection's credentials open (a check for `test`; throws NH_SECRET_DECRYPT_FAILED when they do not). */
    async checkCredentials(workspaceId: string, ref: string): Promise<{ hasRefreshToken: boolean }> {
      const row = await rows.get(workspaceId, ref);
      const creds = seal.open(row);
      return { hasRefreshToken: creds.tokens?.refreshToken !== undefined };
    },

    startOAuth: flow.startOAuth,
    finishOAuth: flow.finishOAuth,

    /** The connection a webhook request names, across workspaces (the URL carries its id), or undefined. */
    async forWebhook(pluginId: string, connectionId: string): Promise<{ row: Row; context: ConnectionContext } | undefined> {
      if (!isUuid(connectionId)) return undefined;
      const row = await db
        .selectFrom('connections')
        .selectAll()
        .where('id', '=', connectionId)
        .where('plugin_id', '=', pluginId)
        .executeTakeFirst();
      if (!row || row.status === 'revoked') return undefined;
      return { row, context: contextOf(row, seal.open(row)) };
    },

    webhookSecret,

    /** Rows for the channel router: every connection of the workspace that is not revoked, defaults first. */
    async usable(workspaceId: string): Promise<Pick<Row, 'id' | 'label' | 'plugin_id' | 'status' | 'is_default'>[]> {
      return db
        .selectFrom('connections')
        .select(['id', 'label', 'plugin_id', 'status', 'is_default'])
        .where('workspace_id', '=', workspaceId)
        .where('status', '<>', 'revoked')
        .orderBy('is_default', 'desc')
        .orderBy('created_at')
        .orderBy('id')
        .execute();
    },
  };
}

export type ConnectionService = ReturnType<typeof createConnectionService>;
