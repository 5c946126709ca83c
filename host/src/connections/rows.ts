import { randomUUID } from 'node:crypto';
import { type DB, isUuid, type Kysely } from '@neonhub/db';
import type { Connection, PluginManifest } from '@neonhub/schemas';
import type { CredentialSeal, ConnectionRow as Row, SealedCredentials } from './credentials.js';
import { connectionErrors } from './errors.js';

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export interface ConnectionRowsDeps {
  db: Kysely<DB>;
  seal: CredentialSeal;
  getManifest(pluginId: string): PluginManifest | undefined;
}

/**
 * The connections table: lookups by id or label, labels unique per connector, one default per connector, inserts
 * with sealed credentials, status, and the view an admin sees (secret field names only, never values).
 */
export function createConnectionRows(deps: ConnectionRowsDeps) {
  const { db, seal } = deps;

  function toView(r: Row): Connection {
    let secretsSet: string[] = [];
    try {
      const c = seal.open(r);
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
    const found = await q.orderBy('created_at').orderBy('id').execute();
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
          ...seal.seal(base, input.creds),
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

  return { toView, rows, find, get, labelTaken, labelExists, makeDefault, insert, setStatus };
}

export type ConnectionRows = ReturnType<typeof createConnectionRows>;
