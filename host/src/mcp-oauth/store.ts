import { createHash } from 'node:crypto';
import type { OAuthDiscoveryState } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientInformationMixed, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import type { DB, Kysely, McpOAuthGrantsTable, Selectable } from '@neonhub/db';
import type { SecretBox } from '../secrets/index.js';

/** What is sealed in a grant: everything the SDK's OAuthClientProvider keeps for one workspace's session. */
export interface GrantState {
  /** As the SDK saved it (stamped with the authorization server's `issuer`). */
  clientInformation?: OAuthClientInformationMixed;
  /** As the SDK saved it (stamped with `issuer`); the refresh token is replaced when the server rotates it. */
  tokens?: OAuthTokens;
  /** Epoch ms when `tokens` expire (from expires_in at save time). */
  expiresAt?: number;
  discovery?: OAuthDiscoveryState;
  /** Client credentials this workspace supplied when it connected (pre-registered or machine-to-machine). */
  workspaceClient?: { clientId: string; clientSecret?: string };
  /** The redirect URL the grant was obtained with (this host's callback). */
  redirectUri?: string;
  /** Scopes the server asked for in a 403 insufficient_scope during a call: the next connect asks for them too. */
  stepUpScope?: string;
}

export type GrantRow = Selectable<McpOAuthGrantsTable>;
export type GrantMeta = Partial<Pick<GrantRow, 'status' | 'last_error' | 'connected_by'>> & { connected?: boolean };

export const hashState = (state: string) => createHash('sha256').update(state).digest('hex');

/**
 * The per-workspace encrypted store of upstream OAuth grants (migration 0019_mcp_oauth). A grant is one sealed JSON
 * bound to (workspace, plugin, server URL): moved to another workspace, plugin or server it no longer decrypts.
 * Updates of one grant are serialized in this process (read, change, seal, write).
 */
export function createMcpOAuthStore(deps: { db: Kysely<DB>; box: SecretBox; now?: () => number }) {
  const db = deps.db;
  const now = deps.now ?? Date.now;
  const chains = new Map<string, Promise<unknown>>();
  const binding = (workspaceId: string, pluginId: string, serverUrl: string) => ({
    workspaceId,
    pluginId,
    name: `mcp-oauth:${serverUrl}`,
  });

  const row = (workspaceId: string, pluginId: string) =>
    db
      .selectFrom('mcp_oauth_grants')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('plugin_id', '=', pluginId)
      .executeTakeFirst();

  function open(r: GrantRow): GrantState {
    return JSON.parse(
      deps.box.open(binding(r.workspace_id, r.plugin_id, r.server_url), {
        ciphertext: r.ciphertext,
        iv: r.iv,
        tag: r.tag,
        keyId: r.key_id,
      }),
    ) as GrantState;
  }

  /** One change at a time per grant in this process. */
  function serial<T>(key: string, task: () => Promise<T>): Promise<T> {
    const prior = chains.get(key) ?? Promise.resolve();
    const next = prior.then(task, task);
    const settled = next.catch(() => {});
    chains.set(key, settled);
    void settled.then(() => {
      if (chains.get(key) === settled) chains.delete(key);
    });
    return next;
  }

  return {
    /** The grant and its opened state; undefined when none, or when it was obtained for another server URL. */
    async get(workspaceId: string, pluginId: string, serverUrl: string): Promise<{ row: GrantRow; state: GrantState } | undefined> {
      const r = await row(workspaceId, pluginId);
      if (!r || r.server_url !== serverUrl) return undefined;
      return { row: r, state: open(r) };
    },

    /** Reads, changes and writes the grant's state (creating it as `pending`), with meta columns; returns the new state. */
    update(
      workspaceId: string,
      pluginId: string,
      serverUrl: string,
      change: (state: GrantState) => GrantState,
      meta: GrantMeta = {},
    ): Promise<GrantState> {
      return serial(`${workspaceId}/${pluginId}`, async () => {
        const r = await row(workspaceId, pluginId);
        const before = r && r.server_url === serverUrl ? open(r) : {};
        const state = change(before);
        const s = deps.box.seal(binding(workspaceId, pluginId, serverUrl), JSON.stringify(state));
        const expires = state.expiresAt ? new Date(state.expiresAt) : null;
        const values = {
          server_url: serverUrl,
          ciphertext: s.ciphertext,
          iv: s.iv,
          tag: s.tag,
          key_id: s.keyId,
          scope: state.tokens?.scope ?? null,
          token_expires_at: expires,
          updated_at: new Date(now()),
          ...(meta.status ? { status: meta.status } : {}),
          ...(meta.last_error !== undefined ? { last_error: meta.last_error?.slice(0, 1000) ?? null } : {}),
          ...(meta.connected_by !== undefined ? { connected_by: meta.connected_by } : {}),
          ...(meta.connected ? { connected_at: new Date(now()) } : {}),
        };
        if (r)
          await db
            .updateTable('mcp_oauth_grants')
            .set(values)
            .where('workspace_id', '=', workspaceId)
            .where('plugin_id', '=', pluginId)
            .execute();
        else
          await db
            .insertInto('mcp_oauth_grants')
            .values({ workspace_id: workspaceId, plugin_id: pluginId, status: 'pending', ...values })
            .execute();
        return state;
      });
    },

    /** Removes the workspace's grant; true when there was one. */
    async remove(workspaceId: string, pluginId: string): Promise<boolean> {
      const r = await db
        .deleteFrom('mcp_oauth_grants')
        .where('workspace_id', '=', workspaceId)
        .where('plugin_id', '=', pluginId)
        .executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },

    /** The grant's row without opening it (status views). */
    row,

    /** Workspaces whose grant for this plugin is connected, most recently connected first. */
    async connectedWorkspaces(pluginId: string, serverUrl: string): Promise<string[]> {
      const rows = await db
        .selectFrom('mcp_oauth_grants')
        .select('workspace_id')
        .where('plugin_id', '=', pluginId)
        .where('server_url', '=', serverUrl)
        .where('status', '=', 'connected')
        .orderBy('connected_at', 'desc')
        .orderBy('workspace_id')
        .execute();
      return rows.map((r) => r.workspace_id);
    },

    async addFlow(flow: {
      state: string;
      workspaceId: string;
      pluginId: string;
      userId: string | null;
      codeVerifier: string;
      redirectUri: string;
      expiresAt: Date;
    }): Promise<void> {
      await db.deleteFrom('mcp_oauth_flows').where('expires_at', '<', new Date(now())).execute();
      await db
        .insertInto('mcp_oauth_flows')
        .values({
          state_hash: hashState(flow.state),
          workspace_id: flow.workspaceId,
          plugin_id: flow.pluginId,
          user_id: flow.userId,
          code_verifier: flow.codeVerifier,
          redirect_uri: flow.redirectUri,
          expires_at: flow.expiresAt,
        })
        .execute();
    },

    /** The flow of this state, deleted as it is read (a replayed callback finds nothing); undefined when none. */
    async takeFlow(state: string) {
      const hash = hashState(state);
      const flow = await db.selectFrom('mcp_oauth_flows').selectAll().where('state_hash', '=', hash).executeTakeFirst();
      if (!flow) return undefined;
      const taken = await db.deleteFrom('mcp_oauth_flows').where('state_hash', '=', hash).executeTakeFirst();
      return Number(taken.numDeletedRows) === 1 ? flow : undefined;
    },

    /** The flow of this state without consuming it (to check who started it before taking it). */
    async peekFlow(state: string) {
      return db.selectFrom('mcp_oauth_flows').selectAll().where('state_hash', '=', hashState(state)).executeTakeFirst();
    },
  };
}

export type McpOAuthStore = ReturnType<typeof createMcpOAuthStore>;
