import { z } from 'zod';
import { RoleSchema } from '../workspace.js';
import { UuidSchema, WorkspaceRefSchema } from './common.js';

/** The public view of an API token: never its secret nor its hash. */
export const TokenInfoSchema = z.object({
  id: z.uuid(),
  workspaceId: z.uuid(),
  role: RoleSchema,
  name: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type TokenInfo = z.infer<typeof TokenInfoSchema>;
export const TokenListSchema = z.object({ tokens: z.array(TokenInfoSchema) });
export const TokensQuerySchema = z.strictObject({ all: z.enum(['true', 'false']).optional() });
export const TokenBodySchema = z.strictObject({ name: z.string().trim().min(1).max(100), role: RoleSchema.default('member') });
/** `token` is shown once. */
export const TokenCreatedSchema = z.object({ token: z.string(), info: TokenInfoSchema });
export const TokenParamsSchema = z.strictObject({ ws: WorkspaceRefSchema, id: UuidSchema });
