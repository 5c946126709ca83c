import { createHash, randomUUID } from 'node:crypto';
import { type ConnectionsTable, type DB, isUuid, type Kysely, type Selectable } from '@neonhub/db';
import type { Connection, ConnectorAuth, ConnectorDeclaration, PluginManifest } from '@neonhub/schemas';
import { type ConnectionContext, connectorErrors } from '@neonhub/sdk';
import { oauthAppKey } from '../config.js';
import type { SecretBox } from '../secrets/index.js';
import { connectionErrors } from './errors.js';
import { createOAuthClient, type OAuthApp, type OAuthTokens } from './oauth-client.js';

type Row = Selectable<ConnectionsTable>;
type AuthField = { name: string; label: string; description: string; secret: boolean; required: boolean };

/** What is sealed in a connection's row: the secret field values and, for OAuth, the tokens. */
interface SealedCredentials {
  secrets: Record<string, string>;
  tokens?: OAuthTokens;
}

/** A token this close to expiry is refreshed before the call that would use it. */
const REFRESH_MARGIN_MS = 60_000;
/** How long an OAuth authorization may take between the start and the provider's callback. */
const FLOW_TTL_MS = 10 * 60_000;

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

/** What the call pipeline gets for a connector call: the context for the tool and what it needs to report back. */
export interface ResolvedConnection {
  context: ConnectionContext;
  status: Row['status'];
  authType: Row['auth_type'];
}

const hashState = (state: string) => createHash('sha256').update(state).digest('hex');
const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/** The connector declaration of an installed connector plugin, or NH_CONNECTION_INVALID. */
function connectorOf(
  manifest: PluginManifest | undefined,
  pluginId: string,
): { manifest: PluginManifest; connector: ConnectorDeclaration } {
  if (!manifest?.connector)
    throw connectionErrors.create(
      'NH_CONNECTION_INVALID',
      manifest
        ? `plugin ${pluginId} is not a connector (its manifest has no connector block)`
        : `no installed plugin has the id ${pluginId}`,
      { details: { plugin: pluginId } },
    );
  return { manifest, connector: manifest.connector };
}

/** The fields an admin types in for a connector (the webhook secret field counts as a secret field when not declared). */
function declaredFields(connector: ConnectorDeclaration): AuthField[] {
  const auth = connector.auth;
  const fields: AuthField[] = auth.type === 'none' ? [] : [...auth.fields];
  const secretField = connector.webhook?.secretField;
  if (secretField && !fields.some((f) => f.name === secretField) && secretField !== 'clientSecret')
    fields.push({
      name: secretField,
      label: 'Webhook signing secret',
      description: "Verifies the provider's webhook requests",
      secret: true,
      required: false,
    });
  return fields;
}

/** Splits given values into secret and plain ones; unknown names and (unless partial) missing required ones are refused. */
function checkFields(fields: AuthField[], values: Record<string, string>, partial: boolean) {
  const problems: { path: string; message: string }[] = [];
  const secret: Record<string, string> = {};
  const plain: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    const field = fields.find((f) => f.name === name);
    if (!field)
      problems.push({
        path: `fields.${name}`,
        message: `not a field of this connector (fields: ${fields.map((f) => f.name).join(', ') || 'none'})`,
      });
    else if (value.length === 0) problems.push({ path: `fields.${name}`, message: 'empty' });
    else (field.secret ? secret : plain)[name] = value;
  }
  if (!partial)
    for (const f of fields)
      if (f.required && !(f.name in values)) problems.push({ path: `fields.${f.name}`, message: `required (${f.label})` });
  if (problems.length)
    throw connectionErrors.create(
      'NH_CONNECTION_INVALID',
      `invalid connection fields: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`,
      {
        details: { issues: problems },
      },
    );
  return { secret, plain };
}

/**
 * Connected accounts of connector plugins (docs/connectors.md, "Connected accounts"): API-key connections, OAuth 2.0
 * authorization code + PKCE with token refresh and revocation, the connection a tool call uses (`ctx.connection`),
 * status and last error. Credentials are one AES-256-GCM sealed JSON per connection, bound to its workspace, plugin
 * and id; secret values never leave (the views list secret field names only).
 */
export function createConnectionService(deps: ConnectionServiceDeps) {
  const db = deps.db;
  const now = deps.now ?? Date.now;
  const refreshing = new Map<string, Promise<OAuthTokens>>();
  const binding = (r: Pick<Row, 'workspace_id' | 'plugin_id' | 'id'>) => ({
    workspaceId: r.workspace_id,
    pluginId: r.plugin_id,
    name: `connection:${r.id}`,
  });

  function seal(r: Pick<Row, 'workspace_id' | 'plugin_id' | 'id'>, creds: SealedCredentials) {
    const s = deps.box.seal(binding(r), JSON.stringify(creds));
    return { ciphertext: s.ciphertext, iv: s.iv, tag: s.tag, key_id: s.keyId };
  }

  function open(r: Row): SealedCredentials {
    if (!r.ciphertext || !r.iv || !r.tag || !r.key_id) return { secrets: {} };
    return JSON.parse(deps.box.open(binding(r), { ciphertext: r.ciphertext, iv: r.iv, tag: r.tag, keyId: r.key_id })) as SealedCredentials;
  }

  function toView(r: Row): Connection {
    let secretsSet: string[] = [];
    try {
      const c = open(r);
      secretsSet = Object.keys(c.secrets).sort();
      if (c.tokens) secretsSet.push('accessToken', ...(c.tokens.refreshToken ? ['refreshToken'] : []));
    } catch {
      // a credential that no longer decrypts (another key) shows as unset; `test` says why
    }
    const manifest = deps.getManifest(r.plugin_id);
    return {
      id: r.id,
      plugin: r.plugin_id,
      label: r.label,
      authType: r.auth_type,
      status: r.status,
      default: r.is_default,
      account: { id: r.account_id, name: r.account_name },
      fields: r.fields ?? {},
      secretsSet,
      tokenExpiresAt: iso(r.token_expires_at),
      lastError: r.last_error,
      lastErrorAt: iso(r.last_error_at),
      webhookPath: manifest?.connector?.webhook ? `/hooks/${r.plugin_id}/${r.id}` : null,
      createdAt: new Date(r.created_at).toISOString(),
      updatedAt: new Date(r.updated_at).toISOString(),
    };
  }

  async function rows(workspaceId: string, pluginId?: string): Promise<Row[]> {
    let q = db.selectFrom('connections').selectAll().where('workspace_id', '=', workspaceId);
    if (pluginId) q = q.where('plugin_id', '=', pluginId);
    return q.orderBy('plugin_id').orderBy('created_at').orderBy('id').execute();
  }

  /** A connection of the workspace by id or label (labels are unique per connector; `pluginId` narrows). */
  async function find(workspaceId: string, ref: string, pluginId?: string): Promise<Row | undefined> {
    let q = db.selectFrom('connections').selectAll().where('workspace_id', '=', workspaceId);
    if (pluginId) q = q.where('plugin_id', '=', pluginId);
    q = isUuid(ref) ? q.where((eb) => eb.or([eb('id', '=', ref), eb('label', '=', ref)])) : q.where('label', '=', ref);
    const found = await q.orderBy('created_at').execute();
    if (found.length > 1 && !found.some((r) => r.id === ref))
      throw connectionErrors.create(
        'NH_CONNECTION_INVALID',
        `${found.length} connections are labelled ${JSON.stringify(ref)} (one per connector): name it by id`,
        { details: { connections: found.map((r) => ({ id: r.id, plugin: r.plugin_id })) } },
      );
    return found.find((r) => r.id === ref) ?? found[0];
  }

  async function get(workspaceId: string, ref: string, pluginId?: string): Promise<Row> {
    const row = await find(workspaceId, ref, pluginId);
    if (!row)
      throw connectionErrors.create('NH_CONNECTION_NOT_FOUND', `no connection ${JSON.stringify(ref)} in this workspace`, {
        details: { connection: ref },
      });
    return row;
  }

  async function labelTaken(workspaceId: string, pluginId: string, label: string, except?: string) {
    let q = db
      .selectFrom('connections')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .where('plugin_id', '=', pluginId)
      .where('label', '=', label);
    if (except) q = q.where('id', '<>', except);
    return (await q.executeTakeFirst()) !== undefined;
  }

  function labelExists(pluginId: string, label: string) {
    return connectionErrors.create('NH_CONNECTION_EXISTS', `a connection of ${pluginId} is already labelled ${JSON.stringify(label)}`, {
      details: { plugin: pluginId, label },
    });
  }

  /** Makes `id` the default of its connector (in one transaction: the others lose the flag first). */
  async function makeDefault(workspaceId: string, pluginId: string, id: string) {
    await db.transaction().execute(async (tx) => {
      await tx
        .updateTable('connections')
        .set({ is_default: false })
        .where('workspace_id', '=', workspaceId)
        .where('plugin_id', '=', pluginId)
        .where('id', '<>', id)
        .execute();
      await tx.updateTable('connections').set({ is_default: true, updated_at: new Date() }).where('id', '=', id).execute();
    });
  }

  async function hasDefault(workspaceId: string, pluginId: string) {
    const r = await db
      .selectFrom('connections')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .where('plugin_id', '=', pluginId)
      .where('is_default', '=', true)
      .executeTakeFirst();
    return r !== undefined;
  }

  /** Inserts a connection with its sealed credentials; the first one of a connector (or `makeDefaultFlag`) is the default. */
  async function insert(input: {
    workspaceId: string;
    pluginId: string;
    label: string;
    authType: Row['auth_type'];
    plain: Record<string, string>;
    creds: SealedCredentials;
    makeDefaultFlag?: boolean | undefined;
    account?: { id?: string | undefined; name?: string | undefined } | undefined;
    createdBy?: string | undefined;
  }): Promise<Row> {
    if (await labelTaken(input.workspaceId, input.pluginId, input.label)) throw labelExists(input.pluginId, input.label);
    const id = randomUUID();
    const base = { id, workspace_id: input.workspaceId, plugin_id: input.pluginId };
    const isDefault = input.makeDefaultFlag === false ? false : !(await hasDefault(input.workspaceId, input.pluginId));
    try {
      await db
        .insertInto('connections')
        .values({
          ...base,
          label: input.label,
          auth_type: input.authType,
          status: 'active',
          is_default: isDefault,
          account_id: input.account?.id ?? input.creds.tokens?.accountId ?? null,
          account_name: input.account?.name ?? input.creds.tokens?.accountName ?? null,
          fields: JSON.stringify(input.plain),
          ...seal(base, input.creds),
          token_expires_at: input.creds.tokens?.expiresAt ? new Date(input.creds.tokens.expiresAt) : null,
          created_by: input.createdBy ?? null,
        })
        .execute();
    } catch (err) {
      if (await labelTaken(input.workspaceId, input.pluginId, input.label)) throw labelExists(input.pluginId, input.label);
      throw err;
    }
    if (input.makeDefaultFlag === true && !isDefault) await makeDefault(input.workspaceId, input.pluginId, id);
    return get(input.workspaceId, id);
  }

  async function setStatus(id: string, status: Row['status'], error?: string) {
    await db
      .updateTable('connections')
      .set({
        status,
        updated_at: new Date(),
        ...(error !== undefined ? { last_error: error.slice(0, 1000), last_error_at: new Date() } : {}),
      })
      .where('id', '=', id)
      .execute();
  }

  function oauthFor(workspaceId: string, pluginId: string, auth: Extract<ConnectorAuth, { type: 'oauth2' }>) {
    const app = deps.oauthApp(pluginId);
    if (!app) {
      throw connectionErrors.create(
        'NH_CONNECTION_OAUTH_APP_MISSING',
        `no OAuth app is configured for ${pluginId}: set ${oauthVariableHint(pluginId)} on the host (docs/connectors.md, "Connected accounts")`,
        { details: { plugin: pluginId } },
      );
    }
    return createOAuthClient(auth, app, deps.fetchFor(workspaceId));
  }

  function oauthAuth(pluginId: string): Extract<ConnectorAuth, { type: 'oauth2' }> {
    const { connector } = connectorOf(deps.getManifest(pluginId), pluginId);
    if (connector.auth.type !== 'oauth2')
      throw connectionErrors.create(
        'NH_CONNECTION_INVALID',
        `${pluginId} does not connect with OAuth (its auth is ${connector.auth.type})`,
        {
          details: { plugin: pluginId },
        },
      );
    return connector.auth;
  }

  /** Refreshes the row's OAuth tokens (one refresh at a time per connection) and stores them; marks it failing when refused. */
  function refresh(row: Row): Promise<OAuthTokens> {
    const running = refreshing.get(row.id);
    if (running) return running;
    const task = (async () => {
      const creds = open(row);
      if (!creds.tokens) throw connectionErrors.create('NH_CONNECTION_REFRESH_FAILED', `connection ${row.label} holds no OAuth token`);
      try {
        const tokens = await oauthFor(row.workspace_id, row.plugin_id, oauthAuth(row.plugin_id)).refresh(creds.tokens);
        await db
          .updateTable('connections')
          .set({
            ...seal(row, { ...creds, tokens }),
            token_expires_at: tokens.expiresAt ? new Date(tokens.expiresAt) : null,
            status: 'active',
            last_error: null,
            last_error_at: null,
            updated_at: new Date(),
          })
          .where('id', '=', row.id)
          .where('status', '<>', 'revoked')
          .execute();
        return tokens;
      } catch (err) {
        await setStatus(row.id, 'failing', `token refresh failed: ${err instanceof Error ? err.message : String(err)}`);
        throw err;
      }
    })().finally(() => refreshing.delete(row.id));
    refreshing.set(row.id, task);
    return task;
  }

  function contextOf(row: Row, creds: SealedCredentials): ConnectionContext {
    const credentials: Record<string, string> = { ...row.fields, ...creds.secrets };
    if (creds.tokens) {
      credentials.accessToken = creds.tokens.accessToken;
      credentials.tokenType = creds.tokens.tokenType;
      if (creds.tokens.scope) credentials.scope = creds.tokens.scope;
    }
    return {
      id: row.id,
      label: row.label,
      credentials: Object.freeze(credentials),
      ...(row.account_id || row.account_name
        ? { account: { ...(row.account_id ? { id: row.account_id } : {}), ...(row.account_name ? { name: row.account_name } : {}) } }
        : {}),
    };
  }

  /** The credentials a call uses: OAuth tokens refreshed first when they expire within a minute. */
  async function resolveRow(row: Row): Promise<ResolvedConnection> {
    let creds = open(row);
    const expiresAt = creds.tokens?.expiresAt;
    if (creds.tokens?.refreshToken && expiresAt !== undefined && expiresAt - now() < REFRESH_MARGIN_MS) {
      try {
        creds = { ...creds, tokens: await refresh(row) };
      } catch (err) {
        throw connectorErrors.create(
          'NH_CONNECTOR_AUTH_FAILED',
          `connection ${row.label} of ${row.plugin_id}: ${err instanceof Error ? err.message : String(err)}`,
          { details: { connection: row.id }, cause: err },
        );
      }
    }
    return { context: contextOf(row, creds), status: row.status, authType: row.auth_type };
  }

  async function webhookSecret(row: Row, secretField: string): Promise<string | undefined> {
    const creds = open(row);
    return (
      creds.secrets[secretField] ??
      row.fields[secretField] ??
      (secretField === 'clientSecret' ? deps.oauthApp(row.plugin_id)?.clientSecret : undefined)
    );
  }

  return {
    async list(workspaceId: string, pluginId?: string): Promise<Connection[]> {
      return (await rows(workspaceId, pluginId)).map(toView);
    },

    async view(workspaceId: string, ref: string): Promise<Connection> {
      return toView(await get(workspaceId, ref));
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
      const row = await insert({
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
      return toView(row);
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
      const row = await insert({
        workspaceId,
        pluginId: input.plugin,
        label: input.label,
        authType: connector.auth.type,
        plain,
        creds: { secrets: secret, tokens: input.tokens },
        createdBy: 'system',
      });
      return toView(row);
    },

    async update(
      workspaceId: string,
      ref: string,
      input: { label?: string | undefined; default?: true | undefined; fields?: Record<string, string> | undefined },
    ): Promise<Connection> {
      const row = await get(workspaceId, ref);
      if (input.label && input.label !== row.label) {
        if (await labelTaken(workspaceId, row.plugin_id, input.label, row.id)) throw labelExists(row.plugin_id, input.label);
        await db.updateTable('connections').set({ label: input.label, updated_at: new Date() }).where('id', '=', row.id).execute();
      }
      if (input.fields && Object.keys(input.fields).length > 0) {
        if (row.status === 'revoked')
          throw connectionErrors.create('NH_CONNECTION_INVALID', `connection ${row.label} is revoked: add or connect a new one`);
        const { connector } = connectorOf(deps.getManifest(row.plugin_id), row.plugin_id);
        const { secret, plain } = checkFields(declaredFields(connector), input.fields, true);
        const creds = open(row);
        await db
          .updateTable('connections')
          .set({
            fields: JSON.stringify({ ...row.fields, ...plain }),
            ...seal(row, { ...creds, secrets: { ...creds.secrets, ...secret } }),
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
        await makeDefault(workspaceId, row.plugin_id, row.id);
      }
      return toView(await get(workspaceId, row.id));
    },

    /**
     * Revokes a connection: its OAuth grant at the provider (revokeUrl) when it has one, then its credentials are
     * erased here whatever the provider answered (a provider error is kept as the last error).
     */
    async revoke(workspaceId: string, ref: string): Promise<Connection> {
      const row = await get(workspaceId, ref);
      let providerError: string | undefined;
      if (row.auth_type === 'oauth2' && row.status !== 'revoked') {
        try {
          const creds = open(row);
          if (creds.tokens) await oauthFor(workspaceId, row.plugin_id, oauthAuth(row.plugin_id)).revoke(creds.tokens);
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
      return toView(await get(workspaceId, row.id));
    },

    /** Revokes (when still connected, unless `revoke: false`) and deletes a connection; true when one was removed. */
    async remove(workspaceId: string, ref: string, opts: { revoke?: boolean } = {}): Promise<boolean> {
      const row = await get(workspaceId, ref);
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
        row = await find(workspaceId, ref, pluginId);
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
          .executeTakeFirst();
        if (!row) return undefined;
      }
      return resolveRow(row);
    },

    /**
     * The provider refused a call's credentials (NH_CONNECTOR_AUTH_FAILED). An OAuth connection with a refresh
     * token is refreshed once (when `retry`) and the fresh context returned for one more attempt; otherwise the
     * connection is marked failing with the error.
     */
    async authFailed(workspaceId: string, connectionId: string, message: string, retry: boolean): Promise<ConnectionContext | undefined> {
      const row = await find(workspaceId, connectionId);
      if (!row || row.status === 'revoked') return undefined;
      if (retry && row.auth_type === 'oauth2' && open(row).tokens?.refreshToken) {
        try {
          const tokens = await refresh(row);
          return contextOf(row, { ...open(row), tokens });
        } catch {
          return undefined; // refresh marked it failing
        }
      }
      await setStatus(row.id, 'failing', message);
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
      const row = await get(workspaceId, ref);
      await refresh(row);
      return toView(await get(workspaceId, row.id));
    },

    /** The connection's credentials open (a check for `test`; throws NH_SECRET_DECRYPT_FAILED when they do not). */
    async checkCredentials(workspaceId: string, ref: string): Promise<{ hasRefreshToken: boolean }> {
      const row = await get(workspaceId, ref);
      const creds = open(row);
      return { hasRefreshToken: creds.tokens?.refreshToken !== undefined };
    },

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
      const auth = oauthAuth(input.plugin);
      const client = oauthFor(workspaceId, input.plugin, auth);
      const { connector, manifest } = connectorOf(deps.getManifest(input.plugin), input.plugin);
      const { secret, plain } = checkFields(declaredFields(connector), input.fields ?? {}, true);
      if (Object.keys(secret).length > 0)
        throw connectionErrors.create(
          'NH_CONNECTION_INVALID',
          `set secret fields (${Object.keys(secret).join(', ')}) after connecting, with an update`,
        );
      let label = input.label;
      if (input.connection) {
        const existing = await get(workspaceId, input.connection, input.plugin);
        label = existing.label;
      } else {
        const base = label ?? manifest.name ?? input.plugin;
        label = base;
        for (let n = 2; await labelTaken(workspaceId, input.plugin, label); n++) {
          if (input.label) throw labelExists(input.plugin, input.label);
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
          connection_id: input.connection ? (await get(workspaceId, input.connection)).id : null,
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
        const auth = oauthAuth(flow.plugin_id);
        const tokens = await oauthFor(workspaceId, flow.plugin_id, auth).exchange(params, state, flow.redirect_uri, flow.code_verifier);
        if (flow.connection_id) {
          const row = await get(workspaceId, flow.connection_id);
          const creds = open(row);
          await db
            .updateTable('connections')
            .set({
              ...seal(row, { ...creds, tokens }),
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
          if (flow.make_default) await makeDefault(workspaceId, row.plugin_id, row.id);
          return { workspaceId, connection: toView(await get(workspaceId, row.id)) };
        }
        const row = await insert({
          workspaceId,
          pluginId: flow.plugin_id,
          label: flow.label,
          authType: 'oauth2',
          plain: flow.fields,
          creds: { secrets: {}, tokens },
          makeDefaultFlag: flow.make_default || undefined,
          createdBy: flow.user_id ?? 'operator',
        });
        return { workspaceId, connection: toView(row) };
      } catch (err) {
        return { workspaceId, error: err instanceof Error ? err : new Error(String(err)) };
      }
    },

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
      return { row, context: contextOf(row, open(row)) };
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
        .execute();
    },
  };
}

const oauthVariableHint = (pluginId: string) => {
  const base = `NEONHUB_OAUTH_${oauthAppKey(pluginId)}`;
  return `${base}_CLIENT_ID and ${base}_CLIENT_SECRET`;
};

export type ConnectionService = ReturnType<typeof createConnectionService>;
