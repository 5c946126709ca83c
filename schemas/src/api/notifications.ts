import { z } from 'zod';
import { ActorSchema } from '../workspace.js';
import { WsParamsSchema } from './common.js';
import { defineRoute } from './route.js';

/** How a member hears that something waits for them: in the console only (the badge), by e-mail, or on Slack. */
export const NotifyViaSchema = z.enum(['in_app', 'email', 'slack']);
export type NotifyVia = z.infer<typeof NotifyViaSchema>;

export const NotificationPrefsSchema = z.object({
  via: NotifyViaSchema,
  /** Where Slack messages go (a channel id, #name or member id); null = the Slack connection's default channel. */
  slackChannel: z.string().nullable(),
  /** Whether the workspace has a connector for each (e-mail: any e-mail connector, the sandbox too; Slack: a chat connector for Slack). */
  available: z.object({ email: z.boolean(), slack: z.boolean() }),
});
export type NotificationPrefs = z.infer<typeof NotificationPrefsSchema>;

export const NotificationPrefsBodySchema = z.strictObject({
  via: NotifyViaSchema,
  slackChannel: z.string().trim().min(1).max(200).nullish(),
});

/**
 * A call held for approval outside a run (over MCP, the API, the console's Call tool, a schedule) that still waits,
 * as the host saw it held: what the console's badge counts beside the runs' waiting steps.
 */
export const HeldCallSchema = z.object({
  callId: z.string(),
  approvalId: z.string().nullable(),
  /** The plugin providing the approvals contract that holds it. */
  provider: z.string(),
  tool: z.string(),
  actor: ActorSchema.pick({ type: true, id: true }),
  reason: z.string(),
  /** The held call's input, for its preview (null when too large to keep, or noted before it was kept). */
  input: z.unknown().nullable(),
  createdAt: z.string(),
  /** When its approval expires, as the provider said when it held the call (null: not said); past it, it no longer waits. */
  expiresAt: z.string().nullable(),
  /**
   * The workspace's tracked links in its input (`<base>/r/<code>`, made for a draft's send before it was held), each
   * with the URL it redirects to: the approver reads the draft with its original links (docs/approvals.md).
   */
  links: z.record(z.string(), z.string()),
});
export type HeldCall = z.infer<typeof HeldCallSchema>;
export const HeldCallsSchema = z.object({ held: z.array(HeldCallSchema) });

const ws = '/api/workspaces/:ws';

/** The signed-in person's notification preference in a workspace (docs/console.md#notifications). */
export const notificationRoutes = {
  getNotificationPrefs: defineRoute({
    method: 'GET',
    path: `${ws}/notifications/preferences`,
    access: 'viewer',
    tag: 'notifications',
    summary: 'How you hear that something waits for you here (a console session only: preferences are a person’s)',
    params: WsParamsSchema,
    response: { 200: NotificationPrefsSchema },
  }),
  setNotificationPrefs: defineRoute({
    method: 'PUT',
    path: `${ws}/notifications/preferences`,
    access: 'viewer',
    tag: 'notifications',
    summary: 'Choose in the console only, e-mail or Slack for approvals waiting and sends that failed',
    params: WsParamsSchema,
    body: NotificationPrefsBodySchema,
    response: { 200: NotificationPrefsSchema },
  }),
  listHeldCalls: defineRoute({
    method: 'GET',
    path: `${ws}/approvals/held`,
    access: 'viewer',
    tag: 'notifications',
    summary: 'Calls held for approval outside a run that still wait, oldest first (no tool call: what the badge counts)',
    params: WsParamsSchema,
    response: { 200: HeldCallsSchema },
  }),
} as const;
