import type { ScheduledCall } from '@neonhub/schemas';
import { withHost } from '../cli/context.js';
import { out } from '../cli/output.js';
import { hostApi, runningHost } from '../cli/running-host.js';
import { localTime } from './time.js';

const DAY = 86_400_000;

/** Runs `fn` against the running host's API when one holds the data directory, else against the database directly. */
async function schedulesOf<T>(
  purpose: string,
  viaApi: (url: string) => Promise<T>,
  direct: (host: import('../host.js').Host, workspaceId: string) => Promise<T>,
  slug: string,
): Promise<T> {
  const running = runningHost();
  if (running) return viaApi(running);
  return withHost({ plugins: false, purpose, quiet: true }, async (host) =>
    direct(host, (await host.storage.service.resolveWorkspace(slug)).id),
  );
}

function print(s: ScheduledCall, zone: string) {
  const why = s.error ? ` (${s.error.code}: ${s.error.message})` : '';
  out.line(
    `${s.id}  ${localTime(s.runAt, s.timeZone ?? zone)} ${s.timeZone}  ${s.status}${why}  ${s.channel}${s.network ? `/${s.network}` : ''}  ${s.title}`,
  );
}

/** `neonhub schedule list -w <slug>`: the calendar from `--from` (default: a day ago) to `--to` (default: in 90 days). */
export async function listCommand(opts: {
  workspace: string;
  from?: string;
  to?: string;
  channel?: string;
  status?: string;
  json?: boolean;
}) {
  const now = Date.now();
  const query = {
    from: new Date(opts.from ?? now - DAY).toISOString(),
    to: new Date(opts.to ?? now + 90 * DAY).toISOString(),
    ...(opts.channel ? { channel: opts.channel } : {}),
    ...(opts.status ? { status: opts.status as ScheduledCall['status'] } : {}),
  };
  const view = await schedulesOf(
    'neonhub schedule list',
    (url) => hostApi(url, 'listSchedules', { params: { ws: opts.workspace }, query }),
    (host, ws) => host.schedules.list(ws, query),
    opts.workspace,
  );
  if (opts.json) return out.json(view);
  if (view.schedules.length === 0) return out.line(`nothing scheduled between ${query.from} and ${query.to}`);
  out.line(`times in each item's zone (workspace: ${view.timeZone})`);
  for (const s of view.schedules) print(s, view.timeZone);
}

/** `neonhub schedule move <id> <time> -w <slug>`: a time with an offset, or local (read in --time-zone, else the item's zone). */
export async function moveCommand(id: string, runAt: string, opts: { workspace: string; timeZone?: string; json?: boolean }) {
  const body = { runAt, ...(opts.timeZone ? { timeZone: opts.timeZone } : {}) };
  const { schedule } = await schedulesOf(
    'neonhub schedule move',
    (url) => hostApi(url, 'moveSchedule', { params: { ws: opts.workspace, id }, body }),
    async (host, ws) => ({ schedule: await host.schedules.move(ws, id, runAt, opts.timeZone) }),
    opts.workspace,
  );
  if (opts.json) return out.json(schedule);
  out.ok(`schedule ${schedule.id} now runs at ${localTime(schedule.runAt, schedule.timeZone)} ${schedule.timeZone} (${schedule.runAt})`);
}

/** `neonhub schedule cancel <id> -w <slug>`. */
export async function cancelCommand(id: string, opts: { workspace: string; json?: boolean }) {
  const { schedule } = await schedulesOf(
    'neonhub schedule cancel',
    (url) => hostApi(url, 'cancelSchedule', { params: { ws: opts.workspace, id } }),
    async (host, ws) => ({ schedule: await host.schedules.cancel(ws, id) }),
    opts.workspace,
  );
  if (opts.json) return out.json(schedule);
  out.ok(`schedule ${schedule.id} cancelled: it will not run`);
}

/** `neonhub schedule timezone [zone] -w <slug>`: shows or sets the workspace's IANA time zone. */
export async function timeZoneCommand(zone: string | undefined, opts: { workspace: string; json?: boolean }) {
  const params = { ws: opts.workspace };
  const view = await schedulesOf(
    'neonhub schedule timezone',
    (url) => (zone ? hostApi(url, 'setTimeZone', { params, body: { timeZone: zone } }) : hostApi(url, 'getTimeZone', { params })),
    async (host, ws) => ({ timeZone: zone ? await host.schedules.setTimeZone(ws, zone) : await host.schedules.timeZone(ws) }),
    opts.workspace,
  );
  if (opts.json) return out.json(view);
  out.line(`${opts.workspace}: ${view.timeZone}`);
}
