import { z } from 'zod';
import { PluginIdSchema, SlugSchema } from './common.js';

export const RoleSchema = z.enum(['owner', 'admin', 'member', 'viewer']);
export type Role = z.infer<typeof RoleSchema>;

export const WorkspaceSchema = z.object({
  id: z.uuid(),
  slug: SlugSchema,
  name: z.string().min(1).max(100),
  createdAt: z.iso.datetime({ offset: true }),
});
export type Workspace = z.infer<typeof WorkspaceSchema>;

export const CreateWorkspaceSchema = z.strictObject({ slug: SlugSchema, name: z.string().min(1).max(100).optional() });
export type CreateWorkspace = z.infer<typeof CreateWorkspaceSchema>;

export const MemberSchema = z.object({
  workspaceId: z.uuid(),
  userId: z.string().min(1),
  role: RoleSchema,
  createdAt: z.iso.datetime({ offset: true }),
});
export type Member = z.infer<typeof MemberSchema>;

export const WorkspacePluginSchema = z.object({
  workspaceId: z.uuid(),
  pluginId: PluginIdSchema,
  enabled: z.boolean(),
  config: z.record(z.string(), z.unknown()),
  updatedAt: z.iso.datetime({ offset: true }),
});
export type WorkspacePlugin = z.infer<typeof WorkspacePluginSchema>;

/** Who is calling: a person, an API token, an agent step or the system itself. */
export const ActorSchema = z.object({
  type: z.enum(['user', 'token', 'agent', 'system']),
  id: z.string().min(1),
  role: RoleSchema.optional(),
});
export type Actor = z.infer<typeof ActorSchema>;
