import type { z } from 'zod';
import { hostErrors } from '../errors.js';

/** Parses a request body; a mismatch is NH_REQUEST_INVALID listing each problem. */
export function parseBody<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value ?? {});
  if (!r.success) {
    const issues = r.error.issues.map((i) => ({ path: i.path.join('.') || '(body)', message: i.message }));
    throw hostErrors.create('NH_REQUEST_INVALID', `invalid request body: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`, {
      details: { issues },
    });
  }
  return r.data;
}
