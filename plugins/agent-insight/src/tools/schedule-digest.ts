import { defineTool } from '@neonhub/sdk';
import { z } from 'zod';
import { planDigest } from '../digest/plan.js';

export const scheduleDigest = defineTool({
  name: 'schedule_digest',
  description:
    "Plans the weekly results digest from the agent's config (digest: enabled, channel, recipients, day, time, timeZone): schedules the next one on the workspace calendar, moving or cancelling what was planned before. Call it after changing the config; each digest plans the next when it goes out.",
  sideEffect: 'write',
  input: z.object({}),
  output: z.discriminatedUnion('status', [
    z.object({ status: z.literal('off'), cancelled: z.boolean() }),
    z.object({
      status: z.literal('scheduled'),
      date: z.string(),
      runAt: z.string(),
      timeZone: z.string(),
      reports: z.object({ from: z.string(), to: z.string() }),
    }),
  ]),
  run: (_a, ctx) => planDigest(ctx),
});
