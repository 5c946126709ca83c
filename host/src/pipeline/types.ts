import type { Actor, Contract, NeonHubError, PluginManifest } from '@neonhub/schemas';
import type {
  AfterToolCallEvent,
  ChannelRouter,
  ConnectionContext,
  LlmAccess,
  PluginStore,
  ResultsReader,
  Scheduler,
  SendAttribution,
  ToolCallEvent,
} from '@neonhub/sdk';
import type { Logger } from 'pino';
import type { ToolRegistry } from '../registry.js';
import type { HookChain } from './hooks.js';

/** A workspace the caller has already resolved: the pipeline takes it as it is and does not look it up again. */
export interface WorkspaceRef {
  id: string;
  slug: string;
}

export interface CallToolRequest {
  /** Workspace slug or id, or the workspace the caller already resolved (then it is not looked up again). */
  workspace: string | WorkspaceRef;
  /** `plugin-id:tool_name`. */
  tool: string;
  input: unknown;
  actor: Actor;
  /** Carried to the tool; a retry of the same logical call must reuse it. Defaults to the call id. */
  idempotencyKey?: string;
  /** Set when executing an approval that was granted. */
  approvalId?: string;
  /**
   * A person must approve this call before it runs, whatever the policy says (a plan step marked `needsApproval`):
   * carried to the hooks; with no approval (`approvalId`, or the parent's) and no hook holding it, the call is
   * refused with NH_APPROVAL_NOT_HELD.
   */
  approvalRequested?: ToolCallEvent['approvalRequested'];
  /** Set for calls made by another tool (ctx.callTool); the pipeline fills it. */
  parent?: ToolCallEvent['parent'];
  /** Overrides the tool's timeout (never above it). */
  timeoutMs?: number;
}

export type CallToolResult =
  | { status: 'ok'; callId: string; output: unknown; durationMs: number }
  /** `expiresAt`: when the approval expires, when the provider said (ISO 8601). */
  | { status: 'pending_approval'; callId: string; approvalId?: string; expiresAt?: string; reason: string; plugin: string }
  | QueuedResult;

/**
 * An external send written to the outbox whose first attempt did not settle it within the caller's wait: the
 * dispatcher keeps trying (docs/outbox.md). The same call again (same idempotency key) reports it as it stands.
 */
export interface QueuedResult {
  status: 'queued';
  callId: string;
  messageId: string;
  /** The message's outbox status: queued, sending or retrying. */
  outboxStatus: string;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: { code: string; message: string } | null;
  reason: string;
}

/** A connector's external call as the outbox receives it, after governance allowed it. */
export interface OutboxSubmission {
  workspace: WorkspaceRef;
  pluginId: string;
  tool: string;
  manifest: PluginManifest;
  input: unknown;
  idempotencyKey: string;
  actor: Actor;
  callId: string;
  approvalId?: string;
  /** The tool's timeout: the caller waits about this long for the first attempt. */
  timeoutMs: number;
}

/** What became of a submission within the caller's wait. */
export type OutboxOutcome =
  | { kind: 'delivered'; output: unknown; durationMs: number }
  | { kind: 'failed'; error: NeonHubError }
  | { kind: 'queued'; result: Omit<QueuedResult, 'callId' | 'status'> };

/** The outbox as the pipeline sees it (host/src/outbox). */
export interface OutboxPort {
  submit(s: OutboxSubmission): Promise<OutboxOutcome>;
}

/** One delivery attempt of an outbox message: the call as it was allowed, made again by the dispatcher. */
export interface DeliveryRequest {
  workspaceId: string;
  tool: string;
  input: unknown;
  actor: Actor;
  idempotencyKey: string;
  callId: string;
  approvalId: string | null;
}

export type DeliveryOutcome = { ok: true; output: unknown; durationMs: number } | { ok: false; error: NeonHubError; durationMs: number };

/** What the pipeline needs of workspaces (the workspace service provides it). */
export interface WorkspaceAccess {
  resolve(slugOrId: string): Promise<WorkspaceRef>;
  isEnabled(workspaceId: string, pluginId: string): boolean | Promise<boolean>;
  getConfig(workspaceId: string, pluginId: string): Promise<Record<string, unknown>>;
  getSecret(workspaceId: string, pluginId: string, name: string): Promise<string | undefined>;
  /** The plugin's private store in the workspace. */
  store(workspaceId: string, pluginId: string): PluginStore;
  /** The workspace's language model. */
  llm(workspaceId: string): LlmAccess;
  /** The allow-list of the workspace's outbound guard (NEONHUB_OUTBOUND_ALLOW + its own); none = refuse every non-public target. */
  outboundAllow?(workspaceId: string): Promise<readonly string[]>;
  /** Connected accounts (host/src/connections): the account a connector's call uses (`ctx.connection`). */
  connections?: ConnectionAccess;
  /** `ctx.channels`: which connector serves a channel in the workspace. */
  channels?(workspaceId: string): ChannelRouter;
  /** `ctx.results`: the workspace's stored results, read only. */
  results?(workspaceId: string): ResultsReader;
  /** The enabled plugins of the workspace that provide a contract (manifest `provides`), in id order. */
  providers?(workspaceId: string, contract: Contract): Promise<string[]>;
}

/** What the pipeline needs of connected accounts. */
export interface ConnectionAccess {
  /** The connection named by the input's `connection` (id or label), else the plugin's default; undefined when none. */
  forCall(
    workspaceId: string,
    pluginId: string,
    ref: string | undefined,
  ): Promise<{ context: ConnectionContext; status: string } | undefined>;
  /** The provider refused the credentials: a fresh context to retry once with (OAuth refreshed), or undefined (marked failing). */
  authFailed(workspaceId: string, connectionId: string, message: string, retry: boolean): Promise<ConnectionContext | undefined>;
  /** A call through a failing connection succeeded. */
  succeeded(connectionId: string): Promise<void>;
}

export interface CallRecord {
  callId: string;
  workspaceId: string;
  plugin: string;
  tool: string;
  actor: Actor;
  status: AfterToolCallEvent['status'];
  errorCode?: string;
  durationMs: number;
  idempotencyKey: string;
}

export interface PipelineDeps {
  registry: ToolRegistry;
  hooks: HookChain;
  workspaces: WorkspaceAccess;
  logger: Logger;
  /** Receives every finished call (batched into tool_calls by the host). */
  record?(record: CallRecord): void;
  /**
   * Sees every call's request and result once it has returned, a nested call's too (the host notes the calls the
   * approvals provider holds outside runs: host/src/notifications/held.ts). Awaited before the caller gets the
   * result; it must not throw (it logs its own failures).
   */
  observe?(req: CallToolRequest, result: CallToolResult, startedAt: Date): Promise<void>;
  defaultTimeoutMs?: number;
  /** Plugins with hooks that are not loaded now (any workspace): a call that changes something fails closed where one is enabled. */
  missingPolicyPlugins?(): readonly string[];
  /**
   * Whether a plugin provides the approvals contract: a hold for approval by a plugin that does not is refused
   * (NH_APPROVALS_PROVIDER_MISSING), since nothing could decide it. Without it every hold is accepted.
   */
  providesApprovals?(pluginId: string): boolean;
  /** A plugin's start state (waiting, starting, retrying, failed): a call to a tool not loaded yet says why. */
  pluginState?(pluginId: string): { status: string; error?: { code: string; message: string }; retryAt?: string } | undefined;
  /** External calls of connectors go through it (written, then delivered by its dispatcher); without it they run at once. */
  outbox?: OutboxPort;
  /** `ctx.scheduler` of a call: the workspace's schedules of the plugin, created as the caller (docs/schedules.md). */
  scheduler?(workspace: WorkspaceRef, pluginId: string, actor: Actor): Scheduler;
  /**
   * Stores what a nested send is for (`ctx.callTool(..., { attribution })`) under its idempotency key before the
   * call; the outbox's delivery recorder writes it on the send's results (host/src/results/sent.ts). Answers the input
   * to send: with a draft named, its links tracked for that draft (host/src/results/track-links.ts).
   */
  attributeSend?(workspaceId: string, tool: string, idempotencyKey: string, attribution: SendAttribution, input: unknown): Promise<unknown>;
}
