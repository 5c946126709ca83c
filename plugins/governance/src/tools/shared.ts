import { ActorSchema } from '@neonhub/schemas';
import { z } from 'zod';
import { PolicySchema } from '../policy/schema.js';

export const PolicyVersionSchema = z.object({
  version: z.number().int(),
  policy: PolicySchema,
  setBy: ActorSchema.nullable(),
  setAt: z.string().nullable(),
  note: z.string().nullable(),
});

export const ApprovalIdSchema = z.string().min(1).max(200).describe('The approval id (from the pending_approval result or list_approvals)');
