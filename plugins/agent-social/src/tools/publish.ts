import { createHash, randomUUID } from 'node:crypto';
import { ContentIdSchema, PromptVariantIdSchema, SocialPostOutputSchema } from '@neonhub/schemas';
import { defineTool, type SendAttribution, type ToolContext } from '@neonhub/sdk';
import { z } from 'zod';
import { composePost } from '../compose-post.js';
import { loadEntry, saveEntry } from '../entries.js';
import { socialErrors } from '../errors.js';
import { type CalendarEntry, CONNECTOR_POST, CONNECTOR_POSTS, ENTRY_INDEX } from '../model.js';
import { type Network, NetworkInputSchema, NetworkSchema, normalizeNetwork } from '../networks.js';

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
    contentId: ContentIdSchema.nullish().describe(
      "The draft the text came from (e.g. agent-content's draftId, or compose's contentId): a direct post carries it into the results.",
    ),
    promptVariant: PromptVariantIdSchema.nullish().describe(
      'The prompt variant that wrote that draft, carried with it (the draft prompt is scored by what it earns).',
    ),
  })
  .refine((v) => (v.entryId !== undefined) !== (v.network !== undefined && v.text !== undefined), {
    message: 'give either entryId, or network with text',
    path: ['entryId'],
  });

const output = z.object({
  entryId: z.string().optional(),
  network: NetworkSchema,
  /** published: live (or queued on the network for a future entry); pending_approval: governance holds it. */
  status: z.enum(['published', 'scheduled_on_network', 'pending_approval', 'queued']),
  postId: z.string().optional(),
  url: z.string().optional(),
  approvalId: z.string().optional(),
  reason: z.string().optional(),
  /** True when the connector had already recorded this post (a retry): nothing was posted twice. */
  duplicate: z.boolean(),
});

const Held = z.object({ pendingApproval: z.object({ approvalId: z.string().optional(), reason: z.string() }) });
/** The host's outbox took the post but its first attempt did not settle in time: it keeps delivering (same key). */
const Queued = z.object({ queued: z.object({ messageId: z.string(), status: z.string(), reason: z.string() }) });
const SandboxOutput = z.union([
  z.object({ postId: z.string(), duplicate: z.boolean(), status: z.enum(['published', 'scheduled']), url: z.string() }),
  Held,
  Queued,
]);
/** A connected network's `post` answers by the social channel contract (SocialPostOutputSchema). */
const RoutedOutput = z.union([Held, Queued, SocialPostOutputSchema]);

const PostsOutput = z.object({
  posts: z.array(z.object({ postId: z.string(), url: z.string(), status: z.enum(['published', 'scheduled']), recordedAt: z.string() })),
});

/** The post the sandbox connector recorded under `key`, if any (a read: no approval needed). */
async function findPosted(ctx: ToolContext, key: string) {
  const r = PostsOutput.parse(await ctx.callTool(CONNECTOR_POSTS, { idempotencyKey: key, limit: 1 }));
  return r.posts[0];
}

/**
 * A direct post (not scheduled first) goes on the calendar at the time it was published, so the calendar shows
 * what went out. Its entry id comes from the call's idempotency key: a retry rewrites the same entry.
 */
async function recordDirectPost(
  ctx: ToolContext,
  p: { network: CalendarEntry['network']; text: string; mediaUrls: string[]; postId: string; url?: string },
) {
  const entryId = ctx.idempotencyKey
    ? `soc_${createHash('sha256').update(ctx.idempotencyKey).digest('hex').slice(0, 32)}`
    : `soc_${randomUUID()}`;
  if (await ctx.store.get<string>(ENTRY_INDEX, entryId)) return; // a retry of a post already on the calendar
  const now = new Date().toISOString();
  await saveEntry(ctx, {
    entryId,
    network: p.network,
    text: p.text,
    mediaUrls: p.mediaUrls,
    scheduledAt: now,
    status: 'published',
    postId: p.postId,
    ...(p.url ? { url: p.url } : {}),
    createdAt: now,
    publishedAt: now,
    publishKey: ctx.idempotencyKey,
  });
}

type Delivered =
  | { held: { approvalId?: string; reason: string } }
  | { queued: { messageId: string; reason: string } }
  | { postId: string; url?: string; duplicate: boolean; scheduled: boolean; sandbox: boolean };

/**
 * Posts through the workspace's connected connector for the network (ctx.channels), or the sandbox connector when
 * none is connected or the host routes nothing. A connected network publishes now (its contract has no future time).
 */
async function deliver(
  ctx: ToolContext,
  post: { network: Network; text: string; mediaUrls: string[]; scheduledAt?: string; campaign?: string },
  idempotencyKey: string,
  attribution: SendAttribution | undefined,
): Promise<Delivered> {
  // the draft the text came from rides with the post into the results (docs/analytics.md#learning)
  const options = { idempotencyKey, ...(attribution ? { attribution } : {}) };
  // the entry's campaign rides with the post to the connector (and its outbox row), so its results are attributed to it
  const campaign = post.campaign ? { campaign: post.campaign } : {};
  const route = await ctx.channels?.resolve('social', { network: post.network });
  if (route && !route.sandbox) {
    const raw = await ctx.callTool(
      route.tool,
      { text: post.text, mediaUrls: post.mediaUrls, ...(route.connection ? { connection: route.connection.id } : {}), ...campaign },
      options,
    );
    const out = RoutedOutput.parse(raw);
    if ('pendingApproval' in out) return { held: out.pendingApproval };
    if ('queued' in out) return { queued: out.queued };
    return { postId: out.postId, url: out.url, duplicate: out.duplicate, scheduled: false, sandbox: false };
  }
  const raw = await ctx.callTool(
    route?.tool ?? CONNECTOR_POST,
    {
      network: post.network,
      text: post.text,
      mediaUrls: post.mediaUrls,
      ...(post.scheduledAt ? { scheduledAt: post.scheduledAt } : {}),
      ...campaign,
    },
    options,
  );
  const out = SandboxOutput.parse(raw);
  if ('pendingApproval' in out) return { held: out.pendingApproval };
  if ('queued' in out) return { queued: out.queued };
  return { postId: out.postId, url: out.url, duplicate: out.duplicate, scheduled: out.status === 'scheduled', sandbox: true };
}

export const publish = defineTool({
  name: 'publish',
  description:
    "Publishes a calendar entry or a direct post through the workspace's connected social connector for the network (the sandbox connector when none is connected), so governance approval applies; a retry never posts twice (the connector is called with a stable idempotency key). A future entry is handed to the sandbox network as scheduled; the host's scheduler calls this when an entry is due.",
  sideEffect: 'external',
  input,
  output,
  async run(a, ctx) {
    let network = a.network ? normalizeNetwork(a.network) : undefined;
    let text = a.text;
    let mediaUrls = a.mediaUrls;
    let scheduledAt: string | undefined;
    let campaign: string | undefined;
    let contentId = a.contentId ?? undefined;
    let promptVariant = a.promptVariant ?? undefined;
    let idempotencyKey = ctx.idempotencyKey;
    let stored: { key: string; entry: CalendarEntry } | undefined;
    let schedule: Awaited<ReturnType<NonNullable<ToolContext['scheduler']>['get']>>;
    if (a.entryId !== undefined) {
      stored = await loadEntry(ctx, a.entryId);
      const e = stored.entry;
      if (e.status === 'published') {
        // The same call again (the scheduler retrying after a crash): the same answer, nothing posted.
        if (e.publishKey === ctx.idempotencyKey)
          return { entryId: e.entryId, network: e.network, status: 'published' as const, postId: e.postId, url: e.url, duplicate: true };
        throw socialErrors.create('NH_SOCIAL_ALREADY_PUBLISHED', `entry ${e.entryId} was published at ${e.publishedAt} (${e.url})`);
      }
      ({ network, text, mediaUrls } = e);
      campaign = e.campaignId;
      contentId = e.contentId;
      promptVariant = e.promptVariant;
      // The host's scheduler holds the entry's time (it may have been moved on the calendar).
      schedule = await ctx.scheduler?.get(e.entryId);
      const at = schedule?.runAt ?? e.scheduledAt;
      if (new Date(at).getTime() > Date.now() + 60_000) scheduledAt = at;
      // One entry is one logical post: its key does not depend on which call publishes it.
      idempotencyKey = e.entryId;
      if (e.status === 'pending_approval') {
        // An approver may have executed the held connector call since (with this same key): if so, record it, do not post again.
        // (The sandbox keeps a readable log; a connected network's outbox deduplicates the key instead.)
        const route = await ctx.channels?.resolve('social', { network: e.network });
        const found = !route || route.sandbox ? await findPosted(ctx, e.entryId) : undefined;
        if (found) {
          await saveEntry(ctx, {
            ...e,
            status: 'published',
            postId: found.postId,
            url: found.url,
            publishedAt: found.recordedAt,
            publishKey: ctx.idempotencyKey,
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
    const out = await deliver(
      ctx,
      { network: network!, text: text!, mediaUrls, ...(scheduledAt ? { scheduledAt } : {}), ...(campaign ? { campaign } : {}) },
      idempotencyKey,
      contentId ? { contentId, ...(promptVariant ? { promptVariant } : {}) } : undefined,
    );
    const base = { ...(a.entryId ? { entryId: a.entryId } : {}), network: network! };
    if ('held' in out) {
      if (stored)
        await saveEntry(ctx, {
          ...stored.entry,
          status: 'pending_approval',
          ...(out.held.approvalId ? { approvalId: out.held.approvalId } : {}),
        });
      return {
        ...base,
        status: 'pending_approval' as const,
        reason: out.held.reason,
        duplicate: false,
        ...(out.held.approvalId ? { approvalId: out.held.approvalId } : {}),
      };
    }
    if ('queued' in out) {
      if (stored) await saveEntry(ctx, { ...stored.entry, status: 'queued' });
      return { ...base, status: 'queued' as const, reason: out.queued.reason, duplicate: false };
    }
    if (stored) {
      await saveEntry(ctx, {
        ...stored.entry,
        status: 'published',
        postId: out.postId,
        ...(out.url ? { url: out.url } : {}),
        publishedAt: new Date().toISOString(),
        publishKey: ctx.idempotencyKey,
      });
      // Published by hand before its time: the scheduler must not run it again.
      if (schedule?.status === 'scheduled' && schedule.idempotencyKey !== ctx.idempotencyKey)
        await ctx.scheduler!.cancel(stored.entry.entryId).catch((err) => ctx.logger.warn({ err }, 'could not cancel the entry schedule'));
    } else
      await recordDirectPost(ctx, { network: network!, text: text!, mediaUrls, postId: out.postId, ...(out.url ? { url: out.url } : {}) });
    return {
      ...base,
      status: out.scheduled ? ('scheduled_on_network' as const) : ('published' as const),
      ...(out.postId ? { postId: out.postId } : {}),
      ...(out.url ? { url: out.url } : {}),
      duplicate: out.duplicate,
    };
  },
});
