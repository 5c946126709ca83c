import { DEFAULT_STOPPING_RULE, defineTool, splitAmount } from '@neonhub/sdk';
import { z } from 'zod';
import { decideAllocation } from '../allocator.js';
import { campaignErrors } from '../errors.js';
import { ALLOCATION_STATE, ALLOCATIONS, type AllocationState, campaignTotals, loadState, stateKey } from '../learning.js';
import { ChannelSchema, totalsOf } from '../model.js';
import { loadCampaign, resultsOf, variantsOf } from '../store.js';
import { RememberedWinnerSchema, rememberWinner } from '../winner.js';

const METRIC_WORDS = { clicked: 'click', opened: 'open', converted: 'conversion' } as const;

const input = z.object({
  campaignId: z.string().min(1).describe('The campaign whose budget to move.'),
  by: z.enum(['variant', 'channel']).default('variant').describe('Across its A/B variants (default) or its channels.'),
  channel: ChannelSchema.optional().describe('With by=variant: only the variants of this channel.'),
  metric: z
    .enum(['clicked', 'opened', 'converted'])
    .default('clicked')
    .describe('What counts as a success, per message sent (default clicked: the click rate).'),
  resultsCampaign: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .describe('The campaign name the sends were recorded under in the results (default the campaign id).'),
  amount: z.number().nonnegative().max(1e12).optional().describe('The amount to split; default the remaining budget.'),
  stopBelow: z
    .number()
    .min(0)
    .max(0.5)
    .default(DEFAULT_STOPPING_RULE.stopBelow)
    .describe(
      `A/B stopping threshold: a variant whose probability of being best falls below it is stopped (default ${DEFAULT_STOPPING_RULE.stopBelow}).`,
    ),
  minTrials: z
    .number()
    .int()
    .min(0)
    .max(1e9)
    .default(DEFAULT_STOPPING_RULE.minTrials)
    .describe(`Sends a variant needs before it can be stopped (default ${DEFAULT_STOPPING_RULE.minTrials.toLocaleString('en-US')}).`),
  minShare: z.number().min(0).max(0.5).default(0).describe('Least share each running arm keeps, for exploration (default 0).'),
  samples: z.number().int().min(100).max(200_000).default(4000).describe('Posterior draws (default 4000).'),
  seed: z.string().min(1).max(200).optional().describe('Seed of the draws (default: the campaign id and the day).'),
  everyHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 31)
    .optional()
    .describe('Run again every this many hours (through the host scheduler) until the campaign ends.'),
});

const ArmSchema = z.object({
  key: z.string(),
  label: z.string(),
  channel: z.string().optional(),
  variantId: z.string().optional(),
  successes: z.number(),
  trials: z.number(),
  /** Posterior mean of the rate (uniform prior). */
  rate: z.number(),
  probabilityBest: z.number(),
  share: z.number(),
  previousShare: z.number().nullable(),
  amount: z.number(),
  status: z.enum(['running', 'stopped']),
  stoppedReason: z.string().optional(),
});

export const AllocationSchema = z.object({
  campaignId: z.string(),
  decidedAt: z.string(),
  by: z.enum(['variant', 'channel']),
  metric: z.enum(['clicked', 'opened', 'converted']),
  amount: z.number(),
  currency: z.string(),
  arms: z.array(ArmSchema),
  winner: z.string().optional(),
  /** The winning variant's content, stored in the workspace's memory (when memory is enabled) for later drafts. */
  rememberedWinner: RememberedWinnerSchema.optional(),
  newlyStopped: z.array(z.string()),
  /** The change in words: who gets what, why, what was stopped. */
  reason: z.string(),
  nextRunAt: z.string().optional(),
});
export type Allocation = z.infer<typeof AllocationSchema>;

export const reallocate = defineTool({
  name: 'reallocate',
  description:
    "Moves a campaign's budget between its A/B variants (or channels) by Thompson sampling over the stored results (sends and clicks, opens or conversions from tracked links and provider webhooks): reports each variant's probability of being best, stops a variant whose probability falls below the threshold (when one variant is left, it wins and its content is remembered in the workspace's memory as winning content for later drafts), explains the change in words, keeps the decision in the history, and with everyHours runs itself again on the host scheduler.",
  sideEffect: 'write',
  input,
  output: AllocationSchema,
  async run(a, ctx) {
    if (!ctx.results)
      throw campaignErrors.create('NH_CAMPAIGN_RESULTS_UNAVAILABLE', 'this host gives the campaign agent no access to the stored results');
    const campaign = await loadCampaign(ctx.store, a.campaignId);
    const kinds = [a.metric, 'sent'];
    const totals = await campaignTotals(ctx.results, a.resultsCampaign ?? a.campaignId, campaign, kinds);
    const of = (t: Record<string, number> | undefined) => ({ successes: t?.[a.metric] ?? 0, trials: t?.sent ?? 0 });
    let arms: Array<{ key: string; label: string; channel?: string; variantId?: string; successes: number; trials: number }>;
    let variants: Awaited<ReturnType<typeof variantsOf>> = [];
    if (a.by === 'channel') {
      arms = campaign.channels.map((c) => ({ key: c, label: c, channel: c, ...of(totals.byChannel.get(c)) }));
    } else {
      variants = (await variantsOf(ctx.store, a.campaignId)).filter((v) => !a.channel || v.channel === a.channel);
      if (variants.length > 0) {
        // results name a variant by its id or its name
        arms = variants.map((v) => {
          const byId = totals.byVariant.get(v.variantId);
          const byName = totals.byVariant.get(v.name);
          const sum = (k: string) => (byId?.[k] ?? 0) + (byName?.[k] ?? 0);
          return {
            key: v.variantId,
            label: v.name,
            channel: v.channel,
            variantId: v.variantId,
            successes: sum(a.metric),
            trials: sum('sent'),
          };
        });
      } else {
        const seen = [...totals.byVariant.keys()].filter((k) => k !== '').sort();
        if (seen.length === 0)
          throw campaignErrors.create(
            'NH_CAMPAIGN_VARIANT_NOT_FOUND',
            `campaign ${a.campaignId} has no variants${a.channel ? ` on ${a.channel}` : ''} and its results name none: add_variant first`,
          );
        arms = seen.map((k) => ({ key: k, label: k, ...of(totals.byVariant.get(k)) }));
      }
    }
    const scope = stateKey(a.campaignId, a.by, a.channel);
    const previous = await loadState(ctx.store, scope);
    const decidedAt = new Date().toISOString();
    const decision = decideAllocation(arms, previous ?? {}, {
      stopBelow: a.stopBelow,
      minTrials: a.minTrials,
      minShare: a.minShare,
      draws: a.samples,
      seed: a.seed ?? `${a.campaignId}:${decidedAt.slice(0, 10)}`,
      metric: { success: METRIC_WORDS[a.metric], trial: 'send' },
    });
    const amount =
      a.amount ?? Math.max(0, Math.round((campaign.budget - totalsOf(await resultsOf(ctx.store, a.campaignId)).spend) * 100) / 100);
    const amounts = splitAmount(
      amount,
      decision.arms.map((x) => x.share),
    );

    let nextRunAt: string | undefined;
    let nextKey: string | undefined;
    if (previous?.nextKey && ctx.scheduler) {
      const pending = await ctx.scheduler.get(previous.nextKey);
      if (pending?.status === 'scheduled') await ctx.scheduler.cancel(previous.nextKey);
    }
    if (a.everyHours && ctx.scheduler) {
      const at = new Date(Date.now() + a.everyHours * 3_600_000);
      if (at.toISOString().slice(0, 10) <= campaign.endDate && !decision.winner) {
        nextKey = `reallocate:${scope}@${at.toISOString()}`;
        const s = await ctx.scheduler.schedule({
          key: nextKey,
          tool: 'agent-campaign:reallocate',
          input: a,
          runAt: at.toISOString(),
          calendar: { channel: 'budget', title: `Reallocate the budget of ${campaign.name}`.slice(0, 200) },
        });
        nextRunAt = s.runAt;
      }
    }

    const state: AllocationState = {
      shares: Object.fromEntries(decision.arms.map((x) => [x.key, x.share])),
      stopped: Object.fromEntries(decision.arms.filter((x) => x.stoppedReason).map((x) => [x.key, x.stoppedReason!])),
      decidedAt,
      ...(nextKey ? { nextKey } : {}),
    };
    await ctx.store.put(ALLOCATION_STATE, scope, state);
    // a decided test: the winning copy goes into the workspace's memory, with its figures, for later drafts
    const won = decision.winner ? variants.find((v) => v.variantId === decision.winner) : undefined;
    const wonArm = won ? decision.arms.find((x) => x.key === won.variantId) : undefined;
    const rememberedWinner =
      won && wonArm
        ? await rememberWinner(ctx, campaign, won, {
            metric: a.metric,
            successes: wonArm.successes,
            trials: wonArm.trials,
            rate: wonArm.rate,
            probabilityBest: wonArm.probabilityBest,
            decidedAt,
          })
        : undefined;
    const out = {
      campaignId: a.campaignId,
      decidedAt,
      by: a.by,
      metric: a.metric,
      amount,
      currency: campaign.currency,
      arms: decision.arms.map((x, i) => ({
        key: x.key,
        label: x.label,
        ...(arms[i]!.channel ? { channel: arms[i]!.channel } : {}),
        ...(arms[i]!.variantId ? { variantId: arms[i]!.variantId } : {}),
        successes: x.successes,
        trials: x.trials,
        rate: x.rate,
        probabilityBest: x.probabilityBest,
        share: x.share,
        previousShare: x.previousShare,
        amount: amounts[i]!,
        status: x.status,
        ...(x.stoppedReason ? { stoppedReason: x.stoppedReason } : {}),
      })),
      ...(decision.winner ? { winner: decision.winner } : {}),
      ...(rememberedWinner ? { rememberedWinner } : {}),
      newlyStopped: decision.newlyStopped,
      reason: decision.reason,
      ...(nextRunAt ? { nextRunAt } : {}),
    };
    await ctx.store.put(ALLOCATIONS, `${a.campaignId}/${decidedAt}`, out);
    return out;
  },
});
