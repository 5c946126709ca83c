import type { DB, Kysely } from '@neonhub/db';
import {
  createOutboundGuards,
  type OutboundGuard,
  type OutboundGuards,
  outboundErrors,
  parseAllowEntry,
  type Resolver,
} from '@neonhub/sdk/outbound';

/** At most this many entries in one workspace's list. */
const MAX_ENTRIES = 100;

/** What the API shows: the host-wide entries (NEONHUB_OUTBOUND_ALLOW) and the workspace's own. */
export interface WorkspaceOutboundView {
  host: string[];
  workspace: string[];
}

/**
 * Every outbound request the host makes for a workspace (its model's baseURL, ctx.fetch of its in-process and
 * isolated plugins) goes through one guard (@neonhub/sdk/outbound) whose allow-list is the host's
 * NEONHUB_OUTBOUND_ALLOW plus the workspace's own list (set by the operator only: a workspace admin who could
 * allow-list 127.0.0.1:5432 would undo the guard). Lists are cached for `cacheMs`, dropped at once when set here.
 */
export function createWorkspaceOutbound(deps: {
  db: Kysely<DB>;
  idOf(slugOrId: string): Promise<string>;
  hostAllow: readonly string[];
  /** Name resolution for the guards (tests map names to chosen addresses). */
  resolve?: Resolver;
  cacheMs?: number;
}) {
  const guards: OutboundGuards = createOutboundGuards(deps.resolve ? { resolve: deps.resolve } : {});
  const cacheMs = deps.cacheMs ?? 10_000;
  const cache = new Map<string, { at: number; list: Promise<string[]> }>();

  async function stored(workspaceId: string): Promise<string[]> {
    const row = await deps.db.selectFrom('workspaces').select('outbound_allow').where('id', '=', workspaceId).executeTakeFirst();
    const list = row?.outbound_allow;
    return Array.isArray(list) ? list.filter((e): e is string => typeof e === 'string') : [];
  }

  function workspaceList(workspaceId: string): Promise<string[]> {
    const hit = cache.get(workspaceId);
    if (hit && Date.now() - hit.at < cacheMs) return hit.list;
    const list = stored(workspaceId);
    cache.set(workspaceId, { at: Date.now(), list });
    list.catch(() => cache.delete(workspaceId));
    return list;
  }

  /** The whole allow-list in effect for a workspace: the host's entries, then its own. */
  async function allowList(workspaceId: string): Promise<string[]> {
    return [...deps.hostAllow, ...(await workspaceList(workspaceId))];
  }

  async function guard(workspaceId: string): Promise<OutboundGuard> {
    return guards.for(await allowList(workspaceId));
  }

  function validate(input: unknown): string[] {
    const entries = (input as { allow?: unknown } | null)?.allow;
    if (!Array.isArray(entries) || entries.length > MAX_ENTRIES || entries.some((e) => typeof e !== 'string'))
      throw outboundErrors.create(
        'NH_OUTBOUND_ALLOW_INVALID',
        `give the allow-list as { "allow": [ ... ] }, at most ${MAX_ENTRIES} strings such as "127.0.0.1:11434" or "10.0.0.0/8"`,
      );
    const list = entries.map((e: string) => e.trim()).filter(Boolean);
    for (const entry of list) parseAllowEntry(entry);
    return [...new Set(list)];
  }

  return {
    allowList,
    guard,
    /** A fetch for the workspace: the guard is looked up on each call, so a changed list applies at once. */
    fetchFor(workspaceId: string): typeof globalThis.fetch {
      return async (input, init) => (await guard(workspaceId)).fetch(input, init);
    },
    /** Checks a URL a setting is about to store. Throws NH_OUTBOUND_BLOCKED (400) or NH_OUTBOUND_URL_INVALID. */
    async check(workspaceId: string, url: string | URL): Promise<void> {
      await (await guard(workspaceId)).check(url);
    },
    /** The guard for host-level outbound requests that belong to no workspace (outside MCP servers). */
    hostGuard(): OutboundGuard {
      return guards.for(deps.hostAllow);
    },
    async get(ws: string): Promise<WorkspaceOutboundView> {
      return { host: [...deps.hostAllow], workspace: await stored(await deps.idOf(ws)) };
    },
    /** Replaces the workspace's list. NH_OUTBOUND_ALLOW_INVALID (nothing stored) for a bad entry. */
    async set(ws: string, input: unknown): Promise<WorkspaceOutboundView> {
      const workspaceId = await deps.idOf(ws);
      const list = validate(input);
      await deps.db
        .updateTable('workspaces')
        .set({ outbound_allow: list.length > 0 ? JSON.stringify(list) : null })
        .where('id', '=', workspaceId)
        .execute();
      cache.delete(workspaceId);
      return { host: [...deps.hostAllow], workspace: list };
    },
    close: () => guards.close(),
  };
}

export type WorkspaceOutbound = ReturnType<typeof createWorkspaceOutbound>;
