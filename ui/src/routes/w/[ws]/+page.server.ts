import type { CampaignDetail } from '$lib/campaigns';
import { TOOLS } from '$lib/capabilities';
import { api } from '$lib/server/api';
import { requireWorkspace } from '$lib/server/guard';
import { onboarding } from '$lib/server/onboarding';
import { callCapability } from '$lib/server/plugins';
import { waitingFor } from '$lib/server/waiting';
import type { PageServerLoad } from './$types';

const DAY = 86_400_000;

/** A post on the social calendar (the fields the home page shows). */
interface CalendarEntry {
  entryId: string;
  network: string;
  text: string;
  scheduledAt: string;
  status: string;
}

/**
 * The workspace's home, for a marketer: what waits for me (approvals, runs that failed), campaigns in flight
 * with their results, what goes out next (the coming week's posts), and the runs in progress.
 */
export const load: PageServerLoad = async (event) => {
  const ws = event.params.ws;
  requireWorkspace(event.locals, ws);
  const client = api(event);
  const waiting = await waitingFor(client, ws, event.locals.user?.id);
  const enabled = (id: string) => waiting.plugins.some((p) => p.id === id && p.enabled);
  const now = Date.now();
  const weekStart = new Date(now - (now % DAY));

  const [campaigns, calendar, checklist] = await Promise.all([
    enabled(TOOLS.campaign.plugin) ? campaignsInFlight(client, ws) : Promise.resolve(null),
    enabled(TOOLS.social.plugin)
      ? callCapability<{ entries: CalendarEntry[] }>(client, ws, TOOLS.social.calendar, {
          from: weekStart.toISOString(),
          to: new Date(weekStart.getTime() + 7 * DAY - 1).toISOString(),
        })
      : Promise.resolve(null),
    onboarding(client, ws),
  ]);
  const days = Array.from({ length: 7 }, (_, i) => {
    const d = new Date(weekStart.getTime() + i * DAY);
    const key = d.toISOString().slice(0, 10);
    return {
      key,
      label: d.toLocaleDateString('en', { weekday: 'short', day: 'numeric', timeZone: 'UTC' }),
      today: i === 0,
      entries: (calendar?.output?.entries ?? [])
        .filter((e) => e.scheduledAt.slice(0, 10) === key)
        .sort((a, b) => a.scheduledAt.localeCompare(b.scheduledAt)),
    };
  });
  const recentFailures = waiting.runs
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
  const inProgress = waiting.runs.filter((r) => ['planning', 'queued', 'running', 'waiting_approval'].includes(r.status)).slice(0, 5);

  return {
    checklist: checklist.steps,
    pendingItems: waiting.items
      .slice(0, 5)
      .map((i) => ({ key: i.key, title: i.title, runGoal: i.runGoal, askedBy: i.askedBy, askedAt: i.askedAt })),
    pendingCount: waiting.items.length,
    failures: recentFailures,
    campaigns,
    socialEnabled: calendar !== null,
    days,
    inProgress,
    recentRuns: waiting.runs.slice(0, 5),
    hasRuns: waiting.runs.length > 0,
  };
};

/** Active and scheduled campaigns (at most four) with their totals so far. */
async function campaignsInFlight(client: ReturnType<typeof api>, ws: string) {
  const list = await callCapability<{ campaigns: CampaignDetail['campaign'][] }>(client, ws, TOOLS.campaign.list, {
    limit: 200,
  });
  const live = (list.output?.campaigns ?? []).filter((c) => c.status !== 'ended').slice(0, 4);
  const details = await Promise.all(
    live.map((c) => callCapability<CampaignDetail>(client, ws, TOOLS.campaign.get, { campaignId: c.campaignId })),
  );
  return details.map((d, i) => ({ campaign: live[i]!, totals: d.output?.totals ?? null, remaining: d.output?.remainingBudget ?? null }));
}
