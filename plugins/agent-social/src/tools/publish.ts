import { createHash, randomUUID } from 'node:crypto';
import { defineTool, type ToolContext } from '@neonhub/sdk';
import { z } from 'zod';
import { composePost } from '../compose-post.js';
import { socialErrors } from '../errors.js';
import { CALENDAR, type CalendarEntry, CONNECTOR_POST, CONNECTOR_POSTS, calendarKey, ENTRY_INDEX } from '../model.js';
import { NetworkInputSchema, NetworkSchema, normalizeNetwork } from '../networks.js';

const input = z
  .object({
    entryId: z.string().min(1).optional().describe('Publish this calendar entry (from schedule). Give entryId, or network with text.'),
    network: NetworkInputSchema.optional().describe('For a direct post: x (or twitter), linkedin, instagram or facebook.'),
    text: z.string().trim().min(1).max(63_206).optional().describe('For a direct post: the text, within the network limits.'),
    mediaUrls: z
      .array(z.url({ protocol: /^https?$/ }))
      .max(10)
      .default([])
      .describe('For a direct post: media to attach, http(s) URLs.'),
  })
  .refine((v) => (v.entryId !== undefined) !== (v.network !== undefined && v.text !== undefined), {
    message: 'give either entryId, or network with text',
    path: ['entryId'],
  });

const output = z.object({
  entryId: z.string().optional(),
  network: NetworkSchema,
  /** published: live (or queued on the network for a future entry); pending_approval: governance holds it. */
  status: z.enum(['published', 'scheduled_on_network', 'pending_approval']),
  postId: z.string().optional(),
  url: z.string().optional(),
  approvalId: z.string().optional(),
  reason: z.string().optional(),
  /** True when the connector had already recorded this post (a retry): nothing was posted twice. */
  duplicate: z.boolean(),
});

const ConnectorOutput = z.union([
  z.object({ postId: z.string(), duplicate: z.boolean(), status: z.enum(['published', 'scheduled']), url: z.string() }),
  z.object({ pendingApproval: z.object({ approvalId: z.string().optional(), reason: z.string() }) }),
]);

const PostsOutput = z.object({
  posts: z.array(z.object({ postId: z.string(), url: z.string(), status: z.enum(['published', 'scheduled']), recordedAt: z.string() })),
});

/** The post the connector recorded under `key`, if any (a read: no approval needed). */
async function findPosted(ctx: ToolContext, key: string) {
  const r = PostsOutput.parse(await ctx.callTool(CONNECTOR_POSTS, { idempotencyKey: key, limit: 1 }));
  return r.posts[0];
}

async function loadEntry(ctx: ToolContext, entryId: string) {
  const key = await ctx.store.get<string>(ENTRY_INDEX, entryId);
  const entry = key ? await ctx.store.get<CalendarEntry>(CALENDAR, key.value) : undefined;
  if (!key || !entry)
    throw socialErrors.create('NH_SOCIAL_ENTRY_NOT_FOUND', `no calendar entry ${entryId} in this workspace`, { details: { entryId } });
  return { key: key.value, entry: entry.value };
}

/**
 * A direct post (not scheduled first) goes on the calendar at the time it was published, so the calendar shows
 * what went out. Its entry id comes from the call's idempotency key: a retry rewrites the same entry.
 */
async function recordDirectPost(
  ctx: ToolContext,
  p: { network: CalendarEntry['network']; text: string; mediaUrls: string[]; postId: string; url: string },
) {
  const entryId = ctx.idempotencyKey
    ? `soc_${createHash('sha256').update(ctx.idempotencyKey).digest('hex').slice(0, 32)}`
    : `soc_${randomUUID()}`;
  const previous = await ctx.store.get<string>(ENTRY_INDEX, entryId);
  const now = new Date().toISOString();
  const entry: CalendarEntry = {
    entryId,
    network: p.network,
    text: p.text,
    mediaUrls: p.mediaUrls,
    scheduledAt: now,
    status: 'published',
    postId: p.postId,
    url: p.url,
    createdAt: now,
    publishedAt: now,
  };
  if (previous) return; // a retry of a post already on the calendar
  await ctx.store.put(CALENDAR, calendarKey(entry), entry);
  await ctx.store.put(ENTRY_INDEX, entryId, calendarKey(entry));
}

export const publish = defineTool({
  name: 'publish',
  description:
    'Publishes a calendar entry or a direct post through connector-social-sandbox:post, so governance approval applies; a retry never posts twice (the connector is called with a stable idempotency key). A future entry is handed to the network as scheduled.',
  sideEffect: 'external',
  input,
  output,
  async run(a, ctx) {
    let network = a.network ? normalizeNetwork(a.network) : undefined;
    let text = a.text;
    let mediaUrls = a.mediaUrls;
    let scheduledAt: string | undefined;
    let idempotencyKey = ctx.idempotencyKey;
    let stored: { key: string; entry: CalendarEntry } | undefined;
    if (a.entryId !== undefined) {
      stored = await loadEntry(ctx, a.entryId);
      const e = stored.entry;
      if (e.status === 'published')
        throw socialErrors.create('NH_SOCIAL_ALREADY_PUBLISHED', `entry ${e.entryId} was published at ${e.publishedAt} (${e.url})`);
      ({ network, text, mediaUrls } = e);
      if (new Date(e.scheduledAt).getTime() > Date.now() + 60_000) scheduledAt = e.scheduledAt;
      // One entry is one logical post: its key does not depend on which call publishes it.
      idempotencyKey = e.entryId;
      if (e.status === 'pending_approval') {
        // An approver may have executed the held connector call since (with this same key): if so, record it, do not post again.
        const found = await findPosted(ctx, e.entryId);
        if (found) {
          await ctx.store.put(CALENDAR, stored.key, {
            ...e,
            status: 'published',
            postId: found.postId,
            url: found.url,
            publishedAt: found.recordedAt,
          });
          return {
            entryId: e.entryId,
            network: e.network,
            status: found.status === 'scheduled' ? ('scheduled_on_network' as const) : ('published' as const),
            postId: found.postId,
            url: found.url,
            duplicate: true,
          };
        }
      }
    } else {
      const checked = composePost({ network: network!, text: text!, hashtags: [] });
      if (checked.trimmed || !checked.valid)
        throw socialErrors.create(
          'NH_SOCIAL_POST_INVALID',
          `the post does not fit ${network} (${checked.length}/${checked.maxLength}): compose it first`,
        );
    }
    const raw = await ctx.callTool(
      CONNECTOR_POST,
      { network, text, mediaUrls, ...(scheduledAt ? { scheduledAt } : {}) },
      { idempotencyKey },
    );
    const out = ConnectorOutput.parse(raw);
    const base = { ...(a.entryId ? { entryId: a.entryId } : {}), network: network! };
    if ('pendingApproval' in out) {
      if (stored)
        await ctx.store.put(CALENDAR, stored.key, {
          ...stored.entry,
          status: 'pending_approval',
          ...(out.pendingApproval.approvalId ? { approvalId: out.pendingApproval.approvalId } : {}),
        });
      return {
        ...base,
        status: 'pending_approval' as const,
        reason: out.pendingApproval.reason,
        duplicate: false,
        ...(out.pendingApproval.approvalId ? { approvalId: out.pendingApproval.approvalId } : {}),
      };
    }
    if (stored)
      await ctx.store.put(CALENDAR, stored.key, {
        ...stored.entry,
        status: 'published',
        postId: out.postId,
        url: out.url,
        publishedAt: new Date().toISOString(),
      });
    else await recordDirectPost(ctx, { network: network!, text: text!, mediaUrls, postId: out.postId, url: out.url });
    return {
      ...base,
      status: out.status === 'scheduled' ? ('scheduled_on_network' as const) : ('published' as const),
      postId: out.postId,
      url: out.url,
      duplicate: out.duplicate,
    };
  },
});
