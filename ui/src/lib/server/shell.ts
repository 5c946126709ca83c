import type { HeldCall, RunWithSteps } from '@neonhub/schemas';
import type { RequestEvent } from '@sveltejs/kit';
import { type Contracts, NO_CONTRACTS } from '$lib/capabilities';
import { type ApiResult, api } from './api';
import type { Person } from './people';
import type { WorkspacePluginView } from './plugins';

/** What every page of a workspace reads: the host's `getConsoleShell` answer, with the members by user id. */
export interface Shell {
  plugins: WorkspacePluginView[];
  /** The workspace's provider of each contract with its tools (none when the shell could not be read). */
  contracts: Contracts;
  /** The members by user id (names for "asked by", "approved by"). */
  people: Map<string, Person>;
  held: HeldCall[];
  waiting: RunWithSteps[];
  /** The workspace's time zone: every date of its pages is written in it (`dateTime`), on the server and in the browser alike. */
  timeZone: string;
  /** Why the shell could not be read (then the lists are empty), else null. */
  error: Extract<ApiResult<never>, { ok: false }> | null;
}

/** At most this many runs holding steps are read (the oldest waiting beyond it show once these are decided). */
export const WAITING_RUNS = 100;

type Event = Pick<RequestEvent, 'locals' | 'url' | 'getClientAddress'>;
const perRequest = new WeakMap<object, Map<string, Promise<Shell>>>();

/**
 * The workspace's shell, read once per request with one host call (one check of the session and role, where the
 * five reads it replaces made five): the layout (the approvals badge) and the page load run at once for the same
 * request and share it through the request's `locals`. Page loads read the shell; form actions and endpoints, which
 * run without the layout, read only what they need.
 */
export function shellOf(event: Event, ws: string): Promise<Shell> {
  const reads = perRequest.get(event.locals) ?? new Map<string, Promise<Shell>>();
  perRequest.set(event.locals, reads);
  const known = reads.get(ws);
  if (known) return known;
  const read = api(event)
    .request('getConsoleShell', { params: { ws }, query: { waitingLimit: WAITING_RUNS } })
    .then(
      (r): Shell =>
        r.ok
          ? {
              plugins: r.data.plugins,
              contracts: r.data.contracts,
              people: new Map(r.data.members.members.map((m) => [m.userId, { name: m.name || m.email, email: m.email }])),
              held: r.data.held,
              waiting: r.data.waiting,
              timeZone: r.data.timeZone,
              error: null,
            }
          : { plugins: [], contracts: NO_CONTRACTS, people: new Map(), held: [], waiting: [], timeZone: 'UTC', error: r },
    );
  reads.set(ws, read);
  return read;
}
