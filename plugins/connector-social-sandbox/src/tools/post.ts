import { randomUUID } from 'node:crypto';
import { defineTool, deliverOnce, fingerprint } from '@neonhub/sdk';
import { z } from 'zod';
import { NetworkSchema, POSTS, type RecordedPost } from '../post.js';

const input = z.object({
  network: NetworkSchema.describe('The network to publish on: x, linkedin, instagram or facebook.'),
  text: z
    .string()
    .trim()
    .min(1)
    .max(63_206)
    .describe('The post text, already within the network limits (agent-social:compose checks them).'),
  mediaUrls: z
    .array(z.url({ protocol: /^https?$/ }))
    .max(10)
    .default([])
    .describe('Images or videos to attach, as http(s) URLs (at most 10).'),
  scheduledAt: z.iso.datetime({ offset: true }).optional().describe('ISO 8601 time to publish at; omit to publish now.'),
  campaign: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .describe('The campaign the post belongs to: its results are attributed to it (as on a real network connector).'),
});

const output = z.object({
  postId: z.string(),
  /** True when this idempotency key had already recorded the post: nothing new was recorded. */
  duplicate: z.boolean(),
  status: z.enum(['published', 'scheduled']),
  url: z.string(),
  sandbox: z.literal(true),
  recordedAt: z.string(),
});

export const post = defineTool({
  name: 'post',
  description:
    'Publishes a social post in sandbox mode: records what would be posted on x, linkedin, instagram or facebook instead of posting it. Idempotent: a retry with the same idempotency key records nothing new and returns the original post id with duplicate: true.',
  sideEffect: 'external',
  input,
  output,
  async run(a, ctx) {
    const request = {
      network: a.network,
      text: a.text,
      mediaUrls: a.mediaUrls,
      ...(a.scheduledAt !== undefined ? { scheduledAt: new Date(a.scheduledAt).toISOString() } : {}),
    };
    // The "network" here is the posts collection; deliverOnce keeps one post per idempotency key.
    const { result: record, duplicate } = await deliverOnce<RecordedPost>({
      store: ctx.store,
      key: ctx.idempotencyKey,
      request,
      noun: 'post',
      send: async () => {
        const postId = `sandbox-${a.network}-${randomUUID()}`;
        const recorded: RecordedPost = {
          postId,
          idempotencyKey: ctx.idempotencyKey,
          ...request,
          status: request.scheduledAt !== undefined ? 'scheduled' : 'published',
          url: `https://sandbox.neonhub.local/${a.network}/${postId}`,
          fingerprint: fingerprint(request),
          recordedAt: new Date().toISOString(),
          sandbox: true,
        };
        if ((await ctx.store.putIf(POSTS, ctx.idempotencyKey, recorded, 0)) !== null) return recorded;
        // Recorded before deliveries were tracked: that post is the delivery.
        return (await ctx.store.get<RecordedPost>(POSTS, ctx.idempotencyKey))!.value;
      },
    });
    ctx.logger.info({ postId: record.postId, network: record.network, duplicate }, 'sandbox social post recorded');
    return {
      postId: record.postId,
      duplicate,
      status: record.status,
      url: record.url,
      sandbox: true as const,
      recordedAt: record.recordedAt,
    };
  },
});
