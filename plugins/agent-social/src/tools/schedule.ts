import { randomUUID } from 'node:crypto';
import { ContentIdSchema, PromptVariantIdSchema } from '@neonhub/schemas';
import { defineTool } from '@neonhub/sdk';
import { z } from 'zod';
import { composePost, weightedLength } from '../compose-post.js';
import { hasOffset, saveEntry } from '../entries.js';
import { socialErrors } from '../errors.js';
import { type CalendarEntry, CalendarEntrySchema, PUBLISH_TOOL } from '../model.js';
import { NetworkInputSchema, normalizeNetwork, RULES } from '../networks.js';

const input = z.object({
  network: NetworkInputSchema.describe('x (or twitter), linkedin, instagram or facebook.'),
  text: z.string().trim().min(1).max(63_206).describe('The post as it will be published (use the post that compose returned).'),
  scheduledAt: z.iso
    .datetime({ offset: true, local: true })
    .describe(
      "When to publish: ISO 8601 with an offset, or a local time such as 2027-03-29T09:00 read in the workspace's time zone (or timeZone); not in the past.",
    ),
  timeZone: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .describe('IANA time zone of a local scheduledAt, e.g. Europe/Paris (default: the workspace’s).'),
  mediaUrls: z
    .array(z.url({ protocol: /^https?$/ }))
    .max(10)
    .default([])
    .describe('Images or videos to attach, as http(s) URLs (at most 10).'),
  campaignId: z.string().max(200).optional().describe('The campaign this post belongs to (from agent-campaign), for reporting.'),
  contentId: ContentIdSchema.optional().describe(
    "The draft the text came from (e.g. agent-content's draftId): the post carries it into the results.",
  ),
  promptVariant: PromptVariantIdSchema.optional().describe(
    'The prompt variant that wrote that draft, carried with it (the draft prompt is scored by what it earns).',
  ),
});

export const schedule = defineTool({
  name: 'schedule',
  description:
    'Puts a social post on the workspace content calendar at a time, after checking it against the network limits (a post that breaks one is refused: compose it first). The host publishes it when it is due (it survives restarts; move or edit it with update_entry, cancel it with cancel).',
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
    const entryId = `soc_${randomUUID()}`;
    let scheduledAt: string;
    let timeZone: string | undefined;
    if (ctx.scheduler) {
      // The host fires publish({ entryId }) at the time; it resolves a local time in the workspace's zone.
      const s = await ctx.scheduler.schedule({
        key: entryId,
        tool: PUBLISH_TOOL,
        input: { entryId },
        runAt: a.scheduledAt,
        ...(a.timeZone ? { timeZone: a.timeZone } : {}),
        calendar: { channel: 'social', network, title: a.text.slice(0, 120) },
      });
      scheduledAt = s.runAt;
      timeZone = s.timeZone;
    } else {
      if (!hasOffset(a.scheduledAt))
        throw socialErrors.create(
          'NH_SOCIAL_TIME_INVALID',
          `${a.scheduledAt} has no UTC offset and this host has no scheduler to read it in a time zone`,
        );
      const at = new Date(a.scheduledAt);
      if (at.getTime() < Date.now() - 60_000) {
        throw socialErrors.create('NH_SOCIAL_TIME_INVALID', `scheduledAt ${a.scheduledAt} is in the past`, {
          details: { scheduledAt: a.scheduledAt },
        });
      }
      scheduledAt = at.toISOString();
    }
    const entry: CalendarEntry = {
      entryId,
      network,
      text: a.text,
      mediaUrls: a.mediaUrls,
      scheduledAt,
      ...(timeZone ? { timeZone } : {}),
      ...(a.campaignId ? { campaignId: a.campaignId } : {}),
      ...(a.contentId ? { contentId: a.contentId } : {}),
      ...(a.promptVariant ? { promptVariant: a.promptVariant } : {}),
      status: 'scheduled',
      createdAt: new Date().toISOString(),
    };
    await saveEntry(ctx, entry);
    return entry;
  },
});
