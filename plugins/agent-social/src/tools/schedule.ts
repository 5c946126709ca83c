import { randomUUID } from 'node:crypto';
import { defineTool } from '@neonhub/sdk';
import { z } from 'zod';
import { composePost, weightedLength } from '../compose-post.js';
import { socialErrors } from '../errors.js';
import { CALENDAR, type CalendarEntry, CalendarEntrySchema, calendarKey, ENTRY_INDEX } from '../model.js';
import { NetworkInputSchema, normalizeNetwork, RULES } from '../networks.js';

const input = z.object({
  network: NetworkInputSchema.describe('x (or twitter), linkedin, instagram or facebook.'),
  text: z.string().trim().min(1).max(63_206).describe('The post as it will be published (use the post that compose returned).'),
  scheduledAt: z.iso.datetime({ offset: true }).describe('When to publish, ISO 8601 with a time zone offset; not in the past.'),
  mediaUrls: z
    .array(z.url({ protocol: /^https?$/ }))
    .max(10)
    .default([])
    .describe('Images or videos to attach, as http(s) URLs (at most 10).'),
  campaignId: z.string().max(200).optional().describe('The campaign this post belongs to (from agent-campaign), for reporting.'),
});

export const schedule = defineTool({
  name: 'schedule',
  description:
    'Puts a social post on the workspace content calendar at a time, after checking it against the network limits (a post that breaks one is refused: compose it first). Publishing happens with publish.',
  sideEffect: 'write',
  input,
  output: CalendarEntrySchema,
  async run(a, ctx) {
    const network = normalizeNetwork(a.network);
    const checked = composePost({ network, text: a.text, hashtags: [] });
    const hard = checked.warnings.filter((w) => ['trimmed', 'too_long', 'hashtags_over_limit'].includes(w.code));
    if (hard.length > 0) {
      throw socialErrors.create('NH_SOCIAL_POST_INVALID', `the post does not fit ${network}: ${hard.map((w) => w.message).join('; ')}`, {
        details: { network, length: weightedLength(a.text, RULES[network].urlLength), maxLength: checked.maxLength, warnings: hard },
      });
    }
    const at = new Date(a.scheduledAt);
    if (at.getTime() < Date.now() - 60_000) {
      throw socialErrors.create('NH_SOCIAL_TIME_INVALID', `scheduledAt ${a.scheduledAt} is in the past`, {
        details: { scheduledAt: a.scheduledAt },
      });
    }
    const entry: CalendarEntry = {
      entryId: `soc_${randomUUID()}`,
      network,
      text: a.text,
      mediaUrls: a.mediaUrls,
      scheduledAt: at.toISOString(),
      ...(a.campaignId ? { campaignId: a.campaignId } : {}),
      status: 'scheduled',
      createdAt: new Date().toISOString(),
    };
    await ctx.store.put(CALENDAR, calendarKey(entry), entry);
    await ctx.store.put(ENTRY_INDEX, entry.entryId, calendarKey(entry));
    return entry;
  },
});
