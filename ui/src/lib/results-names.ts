import { dateTime } from './format';

/**
 * What the results of sends that named no campaign are recorded under (host/src/results/sent.ts): a run's sends under
 * `run:<runId>`, anything else under `unattributed`. A marketer reads neither: the analytics page names them in words.
 */
const RUN_KEY = /^run:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;
export const UNATTRIBUTED = 'unattributed';

/** The run id of a results campaign that is a run's sends (`run:<uuid>`), else null. */
export const runOfCampaign = (key: string): string | null => RUN_KEY.exec(key)?.[1] ?? null;

export interface RunForName {
  id: string;
  goal: string;
  createdAt: string;
}

const GOAL_CHARS = 80;
const shortGoal = (goal: string) => {
  const one = goal.replace(/\s+/g, ' ').trim();
  return one.length > GOAL_CHARS ? `${one.slice(0, GOAL_CHARS - 1)}…` : one;
};

/**
 * Names in words for the results campaigns that are no campaign of the campaigns contract: a run's sends as
 * `Run “<goal>” · <when it started>` (the goal shortened to 80 characters; the date tells two runs of one goal apart),
 * a run that is not among `runs` as `An earlier run`, sends that named no campaign as `Not linked to a campaign`. Keys
 * it does not know are left out (they read as themselves: a tag a marketer typed).
 */
export function resultsCampaignNames(keys: readonly string[], runs: readonly RunForName[], timeZone: string): Record<string, string> {
  const byId = new Map(runs.map((r) => [r.id.toLowerCase(), r]));
  const names: Record<string, string> = {};
  for (const key of keys) {
    if (key === UNATTRIBUTED) {
      names[key] = 'Not linked to a campaign';
      continue;
    }
    const id = runOfCampaign(key);
    if (!id) continue;
    const run = byId.get(id.toLowerCase());
    names[key] = run ? `Run “${shortGoal(run.goal)}” · ${dateTime(run.createdAt, timeZone)}` : 'An earlier run';
  }
  return names;
}
