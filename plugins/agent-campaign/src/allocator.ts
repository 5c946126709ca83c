import { type BetaPrior, betaPosterior, probabilityBest, UNIFORM_PRIOR } from '@neonhub/sdk';

/**
 * The campaign agent's learning step, pure (no storage, no clock): from each arm's successes and trials (clicks
 * per send, by default) it computes every arm's probability of being best, stops losers, and splits the traffic or
 * budget among the arms still running by Thompson sampling — and says why, in words.
 */
export interface AllocatorArm {
  key: string;
  /** How people know it (the variant's name, the channel). */
  label: string;
  successes: number;
  trials: number;
}

export interface AllocatorOptions {
  /** Stop an arm whose probability of being best falls below this (the reallocate tool's default: DEFAULT_STOPPING_RULE, 0.01). */
  stopBelow: number;
  /** ... but only once it has this many trials (default 1,000): early noise stops nothing. */
  minTrials: number;
  /** Least share each running arm keeps, for exploration (default 0). */
  minShare: number;
  draws: number;
  seed: string;
  prior?: BetaPrior;
  /** What a success and a trial are called in the explanation ("click", "send"). */
  metric: { success: string; trial: string };
}

export interface ArmDecision extends AllocatorArm {
  /** Posterior mean rate and its Beta parameters. */
  rate: number;
  alpha: number;
  beta: number;
  /** P(this arm has the highest rate), over all arms (stopped ones too). */
  probabilityBest: number;
  share: number;
  previousShare: number | null;
  status: 'running' | 'stopped';
  /** Why it was stopped, when it was (now or earlier). */
  stoppedReason?: string;
}

export interface AllocationDecision {
  arms: ArmDecision[];
  /** The arm left alone after the others were stopped. */
  winner?: string;
  /** Arms stopped by this decision. */
  newlyStopped: string[];
  reason: string;
}

const pct = (x: number, digits = 1) => `${(x * 100).toFixed(digits)}%`;
const prob = (x: number) => (x >= 0.995 ? '> 0.99' : x < 0.005 ? '< 0.01' : x.toFixed(2));
const count = (n: number) => n.toLocaleString('en-US');

/**
 * One decision. `previous` holds each arm's share from the last decision and the arms stopped earlier (a stopped arm
 * stays stopped: an A/B test that stopped a loser does not restart it on a lucky day).
 */
export function decideAllocation(
  arms: readonly AllocatorArm[],
  previous: { shares?: Record<string, number>; stopped?: Record<string, string> },
  o: AllocatorOptions,
): AllocationDecision {
  const prior = o.prior ?? UNIFORM_PRIOR;
  // What the A/B test reports: each arm's probability of being best among all of them.
  const pBest = probabilityBest(arms, { draws: o.draws, seed: `${o.seed}:best`, prior });
  const stopped = new Map(Object.entries(previous.stopped ?? {}).filter(([k]) => arms.some((a) => a.key === k)));
  // Stopping and shares are decided among the arms still running (a stopped arm no longer competes).
  const runningNow = () => arms.map((a, i) => ({ a, i })).filter(({ a }) => !stopped.has(a.key));
  const among = (r: ReturnType<typeof runningNow>, salt: string) =>
    r.length === arms.length
      ? pBest
      : probabilityBest(
          r.map(({ a }) => a),
          { draws: o.draws, seed: `${o.seed}:${salt}`, prior },
        );
  const before = runningNow();
  const pBefore = among(before, 'running');
  const leader = before.reduce((best, _r, j) => (pBefore[j]! > pBefore[best]! ? j : best), 0);
  const newlyStopped: string[] = [];
  before.forEach(({ a }, j) => {
    const p = pBefore[j]!;
    if (j === leader || a.trials < o.minTrials || p >= o.stopBelow) return;
    stopped.set(
      a.key,
      `probability of being best ${prob(p)} fell below the ${o.stopBelow} threshold after ${count(a.trials)} ${o.metric.trial}s`,
    );
    newlyStopped.push(a.key);
  });
  const running = runningNow();
  // Thompson sampling among the arms still running: each one's share is its probability of being best among them.
  const pRunning = newlyStopped.length === 0 ? pBefore : among(running, 'share');
  const floor = running.length > 0 ? Math.min(o.minShare, 1 / running.length) : 0;
  const shares = new Array<number>(arms.length).fill(0);
  // nothing sent yet: the posteriors are all the prior, an exact even split (not the draws' noise)
  const blank = running.every(({ a }) => a.trials === 0);
  running.forEach(({ i }, j) => {
    shares[i] = blank ? 1 / running.length : floor + (1 - floor * running.length) * pRunning[j]!;
  });
  const decided: ArmDecision[] = arms.map((a, i) => {
    const post = betaPosterior(a, prior);
    const why = stopped.get(a.key);
    return {
      ...a,
      rate: post.mean,
      alpha: post.alpha,
      beta: post.beta,
      probabilityBest: pBest[i]!,
      share: shares[i]!,
      previousShare: previous.shares?.[a.key] ?? null,
      status: why ? 'stopped' : 'running',
      ...(why ? { stoppedReason: why } : {}),
    };
  });
  const winner = running.length === 1 && arms.length > 1 ? running[0]!.a.key : undefined;
  return { arms: decided, ...(winner ? { winner } : {}), newlyStopped, reason: explain(decided, newlyStopped, winner, o) };
}

function explain(arms: readonly ArmDecision[], newlyStopped: readonly string[], winner: string | undefined, o: AllocatorOptions): string {
  const { success, trial } = o.metric;
  if (arms.length === 0) return 'Nothing to allocate: the campaign has no arms.';
  const total = arms.reduce((s, a) => s + a.trials, 0);
  const top = [...arms].sort((a, b) => b.share - a.share)[0]!;
  const parts: string[] = [];
  if (total === 0) {
    parts.push(`No ${trial}s recorded yet: the budget is split evenly (${arms.map((a) => `${a.label} ${pct(a.share, 0)}`).join(', ')}).`);
    return parts.join(' ');
  }
  const moved = top.previousShare === null ? `gets ${pct(top.share, 0)}` : `${pct(top.share, 0)} (was ${pct(top.previousShare, 0)})`;
  const others = arms.filter((a) => a.key !== top.key);
  parts.push(
    `${top.label} ${moved}: its ${success} rate is ${pct(top.successes / Math.max(1, top.trials), 2)} (${count(top.successes)} ${success}s of ${count(top.trials)} ${trial}s)` +
      (others.length
        ? ` against ${others.map((a) => `${a.label}'s ${pct(a.successes / Math.max(1, a.trials), 2)} (${count(a.trials)} ${trial}s)`).join(', ')}`
        : '') +
      `, and it is the best with probability ${prob(top.probabilityBest)}.`,
  );
  for (const key of newlyStopped) {
    const a = arms.find((x) => x.key === key)!;
    parts.push(`Stopped ${a.label}: ${a.stoppedReason}.`);
  }
  if (winner) parts.push(`${arms.find((a) => a.key === winner)!.label} is the only variant left running: it wins the test.`);
  const small = arms.filter((a) => a.status === 'running' && a.trials < o.minTrials);
  if (small.length)
    parts.push(`Too few ${trial}s to stop anything yet for ${small.map((a) => a.label).join(', ')} (fewer than ${o.minTrials}).`);
  return parts.join(' ');
}
