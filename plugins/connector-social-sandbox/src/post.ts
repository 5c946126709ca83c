import { z } from 'zod';

export const NetworkSchema = z.enum(['x', 'linkedin', 'instagram', 'facebook']);
export type Network = z.infer<typeof NetworkSchema>;

/** One post in the sandbox feed: what a real network would have been asked to publish. */
export const RecordedPostSchema = z.object({
  postId: z.string(),
  idempotencyKey: z.string(),
  network: NetworkSchema,
  text: z.string(),
  mediaUrls: z.array(z.string()),
  /** ISO time the post should go live; absent = immediately. */
  scheduledAt: z.string().optional(),
  status: z.enum(['published', 'scheduled']),
  /** A URL shaped like the network's, on a sandbox host: nothing is live there. */
  url: z.string(),
  fingerprint: z.string(),
  recordedAt: z.string(),
  sandbox: z.literal(true),
});
export type RecordedPost = z.infer<typeof RecordedPostSchema>;

export const POSTS = 'posts';
