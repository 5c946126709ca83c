import { z } from 'zod';
import { RoleSchema } from '../workspace.js';
import { EmailSchema, UuidSchema, WorkspaceRefSchema } from './common.js';

export const MemberViewSchema = z.object({ userId: z.string(), email: z.string(), name: z.string(), role: RoleSchema, since: z.string() });
export type MemberView = z.infer<typeof MemberViewSchema>;
export const InviteViewSchema = z.object({ workspaceId: z.uuid(), email: z.string(), role: RoleSchema, createdAt: z.string() });
export type InviteView = z.infer<typeof InviteViewSchema>;
export const MemberListSchema = z.object({ members: z.array(MemberViewSchema), invites: z.array(InviteViewSchema) });

export const InviteBodySchema = z.strictObject({ email: EmailSchema, role: RoleSchema.default('member') });
/** An existing account joins at once (`member`); otherwise a pending invite waits for sign-up (`invite`). */
export const InvitedSchema = z.union([
  z.object({ member: MemberViewSchema }),
  z.object({ invite: z.object({ email: z.string(), role: RoleSchema }) }),
]);
export const RoleBodySchema = z.strictObject({ role: RoleSchema });
export const MemberParamsSchema = z.strictObject({ ws: WorkspaceRefSchema, userId: UuidSchema });
export const RoleChangedSchema = z.object({ userId: z.string(), role: RoleSchema });
export const InviteParamsSchema = z.strictObject({ ws: WorkspaceRefSchema, email: EmailSchema });
