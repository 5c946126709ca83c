import { z } from 'zod';
import { CreateWorkspaceSchema, RoleSchema, WorkspaceSchema } from '../workspace.js';
import { IsoDateTimeSchema } from './common.js';

export const WorkspaceViewSchema = WorkspaceSchema.extend({ createdAt: IsoDateTimeSchema }).meta({ id: 'Workspace' });
export const WorkspaceListSchema = z.object({ workspaces: z.array(WorkspaceViewSchema) });
export const CreateWorkspaceBodySchema = CreateWorkspaceSchema;
export const WorkspaceCreatedSchema = z.object({ workspace: WorkspaceViewSchema });
export const WorkspaceWithRoleSchema = WorkspaceViewSchema.extend({ role: RoleSchema });
