import { randomUUID } from 'node:crypto';
import { connectorErrors, defineTool, fingerprint, recordOnce } from '@neonhub/sdk';
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
    const fp = fingerprint(request);
    const { record, duplicate } = await recordOnce<RecordedPost>(ctx.store, POSTS, ctx.idempotencyKey, () => {
      const postId = `sandbox-${a.network}-${randomUUID()}`;
      return {
        postId,
        idempotencyKey: ctx.idempotencyKey,
        ...request,
        status: request.scheduledAt !== undefined ? 'scheduled' : 'published',
        url: `https://sandbox.neonhub.local/${a.network}/${postId}`,
        fingerprint: fp,
        recordedAt: new Date().toISOString(),
        sandbox: true,
      };
    });
    if (duplicate && record.fingerprint !== fp) {
      throw connectorErrors.create(
        'NH_CONNECTOR_IDEMPOTENCY_CONFLICT',
        `idempotency key ${ctx.idempotencyKey} already recorded a different post (${record.postId}): use a new key for a new post`,
        { details: { idempotencyKey: ctx.idempotencyKey, postId: record.postId } },
      );
    }
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
