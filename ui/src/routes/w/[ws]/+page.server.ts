import { addDays, type CalItem, localParts, scheduleItem } from '$lib/calendar';
import type { CampaignDetail } from '$lib/campaigns';
import { type Contracts, contractTool, providerOf } from '$lib/capabilities';
import { api } from '$lib/server/api';
import { requireWorkspace } from '$lib/server/guard';
import { onboarding } from '$lib/server/onboarding';
import { callCapability } from '$lib/server/plugins';
import { shellOf } from '$lib/server/shell';
import { waitingFor } from '$lib/server/waiting';
import type { PageServerLoad } from './$types';

const DAY = 86_400_000;

/**
 * The workspace's home, for a marketer: what waits for me (approvals, runs that failed), campaigns in flight
 * with their results, what goes out next (the coming week's posts), and the runs in progress.
 */
export const load: PageServerLoad = async (event) => {
  const ws = event.params.ws;
  requireWorkspace(event.locals, ws);
  const client = api(event);
  const now = Date.now();
  const weekStart = new Date(now - (now % DAY));
  // Above the fold, awaited, all at once: what waits (the runs holding steps and the calls held outside runs, each
  // one request shared with the layout's badge), the recent runs, the checklist.
  // the calls held outside runs as the host noted them (no provider tool call on the way to the first paint)
  const waitingP = waitingFor(event, ws, event.locals.user?.id);
  const runsP = client.request('listRuns', { params: { ws } }).then((r) => (r.ok ? r.data.runs : []));
  const [waiting, runs, checklist] = await Promise.all([
    waitingP,
    runsP,
    onboarding(client, ws, {
      plugins: waitingP.then((w) => w.plugins),
      hasRuns: runsP.then((r) => r.length > 0),
      contracts: waitingP.then((w) => w.contracts),
    }),
  ]);
  const contracts = waiting.contracts;

  // Below the fold, streamed: the campaigns' results and the week's posts (tool calls) paint when they come.
  const campaigns = providerOf(contracts, 'campaigns') ? campaignsInFlight(client, ws, contracts).catch(() => []) : null;
  // the coming seven days of the calendar (the /schedules API, every channel), in the workspace's time zone
  const days = client
    .request('listSchedules', {
      params: { ws },
      query: { from: new Date(weekStart.getTime() - DAY).toISOString(), to: new Date(weekStart.getTime() + 8 * DAY - 1).toISOString() },
    })
    .then((r) => {
      const timeZone = r.ok ? r.data.timeZone : 'UTC';
      const items = (r.ok ? r.data.schedules : []).map((x) => scheduleItem(x, timeZone)).filter((x): x is CalItem => x !== null);
      const today = localParts(new Date(now).toISOString(), timeZone).day;
      return {
        timeZone,
        days: Array.from({ length: 7 }, (_, i) => {
          const key = addDays(today, i);
          return {
            key,
            label: new Date(`${key}T00:00:00Z`).toLocaleDateString('en', { weekday: 'short', day: 'numeric', timeZone: 'UTC' }),
            today: i === 0,
            entries: items.filter((e) => e.day === key),
          };
        }),
      };
    })
    .catch(() => ({ timeZone: 'UTC', days: [] }));
  const recentFailures = runs
    .filter((r) => r.status === 'failed' && now - Date.parse(r.updatedAt) < 7 * DAY)
    .slice(0, 5)
    .map((r) => ({
      id: r.id,
      goal: r.goal,
      // a rejection reads as the reason the person gave, not the orchestrator's wording around it
      message:
        r.error?.code === 'NH_RUN_STEP_REJECTED'
          ? `“${r.error.message.replace(/^[\s\S]*rejected:\s*/, '')}”`
          : (r.error?.message ?? 'A step failed.'),
      rejected: r.error?.code === 'NH_RUN_STEP_REJECTED',
    }));
  const inProgress = runs.filter((r) => ['planning', 'queued', 'running', 'waiting_approval'].includes(r.status)).slice(0, 5);

  return {
    timeZone: (await shellOf(event, ws)).timeZone,
    checklist: checklist.steps,
    pendingItems: waiting.items
      .slice(0, 5)
      .map((i) => ({ key: i.key, title: i.title, runGoal: i.runGoal, askedBy: i.askedBy, askedAt: i.askedAt })),
    pendingCount: waiting.open,
    failures: recentFailures,
    campaigns,
    // posts are scheduled through the calendar contract's provider (the social agent as shipped)
    socialEnabled: providerOf(contracts, 'calendar') !== null,
    week: days,
    inProgress,
    recentRuns: runs.slice(0, 5),
    hasRuns: runs.length > 0,
  };
};

/** Active and scheduled campaigns (at most four) with their totals so far. */
async function campaignsInFlight(client: ReturnType<typeof api>, ws: string, contracts: Contracts) {
  const list = await callCapability<{ campaigns: CampaignDetail['campaign'][] }>(
    client,
    ws,
    contractTool(contracts, 'campaigns', 'list_campaigns')!,
    {
      limit: 200,
    },
  );
  const live = (list.output?.campaigns ?? []).filter((c) => c.status !== 'ended').slice(0, 4);
  const details = await Promise.all(
    live.map((c) =>
      callCapability<CampaignDetail>(client, ws, contractTool(contracts, 'campaigns', 'get_campaign')!, { campaignId: c.campaignId }),
    ),
  );
  return details.map((d, i) => ({ campaign: live[i]!, totals: d.output?.totals ?? null, remaining: d.output?.remainingBudget ?? null }));
}
