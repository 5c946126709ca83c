import { type ToolContext, WINNING_CONTENT_COLLECTION } from '@neonhub/sdk';
import { z } from 'zod';
import type { Campaign, Variant } from './model.js';

export const RememberedWinnerSchema = z.object({
  documentId: z.string(),
  collection: z.string(),
  /** The same content and figures were remembered before: nothing new was stored. */
  deduplicated: z.boolean(),
});
export type RememberedWinner = z.infer<typeof RememberedWinnerSchema>;

export interface WinnerFigures {
  metric: 'clicked' | 'opened' | 'converted';
  successes: number;
  trials: number;
  rate: number;
  probabilityBest: number;
  decidedAt: string;
}

/**
 * Stores the content of the variant that won a campaign's A/B test in the workspace's memory (collection
 * `winning-content`, tagged `winner`, with its figures), through the memory contract, so that later drafts recall it
 * as an example of what worked. Keyed by campaign and variant: deciding again replaces the figures, never adds a copy.
 * Undefined without memory (or when the recall provider fails: the allocation stands, the failure is logged).
 */
export async function rememberWinner(
  ctx: Pick<ToolContext, 'memory' | 'logger'>,
  campaign: Campaign,
  variant: Variant,
  figures: WinnerFigures,
): Promise<RememberedWinner | undefined> {
  if (!ctx.memory || !variant.content.trim()) return undefined;
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  try {
    const r = await ctx.memory.remember({
      title: `Winning ${variant.channel} variant "${variant.name}" of ${campaign.name}`.slice(0, 500),
      // the copy itself is what a draft learns from; the figures are in the metadata
      content: variant.content,
      collection: WINNING_CONTENT_COLLECTION,
      collectionKind: 'agent_memory',
      source: `agent-campaign:${campaign.campaignId}/${variant.variantId}`,
      key: `winner:${campaign.campaignId}:${variant.variantId}`.toLowerCase().replace(/[^a-z0-9_:.-]/g, '-'),
      metadata: {
        tags: ['winner', 'winning-content'],
        campaignId: campaign.campaignId,
        campaign: campaign.name,
        variantId: variant.variantId,
        variant: variant.name,
        channel: variant.channel,
        ...figures,
        summary: `${variant.name} won on ${figures.metric} rate ${pct(figures.rate)} over ${figures.trials} sends (P(best) ${pct(figures.probabilityBest)})`,
      },
    });
    ctx.logger.info(
      { campaignId: campaign.campaignId, variantId: variant.variantId, documentId: r.documentId },
      'winning variant remembered',
    );
    return { documentId: r.documentId, collection: WINNING_CONTENT_COLLECTION, deduplicated: r.deduplicated };
  } catch (err) {
    ctx.logger.warn({ err, campaignId: campaign.campaignId, variantId: variant.variantId }, 'the winning variant could not be remembered');
    return undefined;
  }
}
