import type { Health, HeldCall, Me, RunWithSteps } from '@neonhub/schemas';
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

/** The shell's answer as read: the shell, and the session's `me` and the host's health that came with it. */
interface ShellRead {
  shell: Shell;
  /** The caller (a console session), else null; null too when the read failed. */
  me: Me | null;
  /** The host's health when the caller manages some workspace, else null. */
  health: Health | null;
  /** The host's status for the read (200, or why it failed: 401 when the session is over). */
  status: number;
}
const perRequest = new WeakMap<object, Map<string, Promise<ShellRead>>>();

function read(event: Event, ws: string, token: string | null): Promise<ShellRead> {
  const reads = perRequest.get(event.locals) ?? new Map<string, Promise<ShellRead>>();
  perRequest.set(event.locals, reads);
  const known = reads.get(ws);
  if (known) return known;
  const answer = api(event, token)
    .request('getConsoleShell', { params: { ws }, query: { waitingLimit: WAITING_RUNS } })
    .then(
      (r): ShellRead =>
        r.ok
          ? {
              shell: {
                plugins: r.data.plugins,
                contracts: r.data.contracts,
                people: new Map(r.data.members.members.map((m) => [m.userId, { name: m.name || m.email, email: m.email }])),
                held: r.data.held,
                waiting: r.data.waiting,
                timeZone: r.data.timeZone,
                error: null,
              },
              me: r.data.me,
              health: r.data.health,
              status: r.status,
            }
          : {
              shell: { plugins: [], contracts: NO_CONTRACTS, people: new Map(), held: [], waiting: [], timeZone: 'UTC', error: r },
              me: null,
              health: null,
              status: r.status,
            },
    );
  reads.set(ws, answer);
  return answer;
}

/**
 * The workspace's shell, read once per request with one host call (one check of the session and role, where the
 * five reads it replaces made five): the layout (the approvals badge) and the page load run at once for the same
 * request and share it through the request's `locals`. Page loads read the shell; form actions and endpoints, which
 * run without the layout, read only what they need.
 */
export function shellOf(event: Event, ws: string): Promise<Shell> {
  return read(event, ws, event.locals.sessionToken).then((r) => r.shell);
}

/**
 * The session checked by reading a workspace page's shell (hooks.server.ts, before any load): the shell answers the
 * `me` of the session and, for an admin, the host's health, so a workspace page costs one host call where the session
 * check, the health and the shell made three. The loads' `shellOf` then reuses this read. `me` is null when the
 * shell could not be read (`status` says why: 401, the session is over; 403/404, not a workspace of theirs).
 */
export function sessionFromShell(event: Event, ws: string, token: string): Promise<Omit<ShellRead, 'shell'>> {
  return read(event, ws, token);
}
