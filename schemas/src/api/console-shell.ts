import { z } from 'zod';
import { ContractProvidersSchema } from '../contracts.js';
import { MeSchema } from './auth.js';
import { HealthSchema } from './health.js';
import { MemberListSchema } from './members.js';
import { HeldCallsSchema } from './notifications.js';
import { WorkspacePluginListSchema } from './plugins.js';
import { WaitingRunsQuerySchema, WaitingRunsSchema } from './runs.js';

/**
 * What every console page of a workspace reads (its shell: the approvals badge, who people are, which plugin
 * provides what, the time zone dates are written in), in one answer: the same bodies as `listWorkspacePlugins`,
 * `getContracts`, `listMembers`, `listHeldCalls`, `listWaitingRuns` and `getTimeZone`, behind one check of the
 * caller's session and role instead of six — and, for a console session, what `me` answers (the console's check of
 * the session on every page) and, for someone who manages a workspace, what `health` answers (the host banner):
 * a workspace page of the console costs one host call.
 */
export const ConsoleShellSchema = z.object({
  plugins: WorkspacePluginListSchema.shape.plugins,
  contracts: ContractProvidersSchema,
  members: MemberListSchema,
  held: HeldCallsSchema.shape.held,
  waiting: WaitingRunsSchema.shape.runs,
  /** The workspace's time zone (IANA): the console writes every date in it, so the server's page and the browser's agree. */
  timeZone: z.string(),
  /** The caller as `GET /api/auth/me` answers (a console session), else null (an API token). */
  me: MeSchema.nullable(),
  /** The host's health as `GET /health` answers, when the caller is an owner or admin of some workspace (they see why the host is degraded), else null. */
  health: HealthSchema.nullable(),
});
export type ConsoleShell = z.infer<typeof ConsoleShellSchema>;

/** `waitingLimit`: at most this many runs holding steps (as `listWaitingRuns`' `limit`). */
export const ConsoleShellQuerySchema = z.strictObject({ waitingLimit: WaitingRunsQuerySchema.shape.limit });
