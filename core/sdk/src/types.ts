import type { Actor, Channel, ConnectorEvent, Role, ScheduledCall, ScheduleRequest, SideEffect } from '@neonhub/schemas';
import type { z } from 'zod';
import type { MemoryAccess } from './contracts/memory.js';

export interface Logger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
}

/** What a tool's `run` receives besides its input: only what the manifest grants. */
export interface ToolContext {
  workspace: { id: string; slug: string };
  actor: Actor;
  /** This plugin's per-workspace config, validated against the manifest's config schema. */
  config: Record<string, unknown>;
  /** Secrets by declared name; undeclared names throw NH_SDK_SECRET_UNDECLARED. */
  secrets: { get(name: string): Promise<string | undefined> };
  logger: Logger;
  /** `fetch` that refuses hosts the manifest did not declare (NH_SDK_HOST_NOT_ALLOWED). */
  fetch: typeof fetch;
  /** Stable per logical call: a retry of the same call carries the same key. */
  idempotencyKey: string;
  callId: string;
  signal: AbortSignal;
  /**
   * Calls another tool through the host pipeline (hooks, audit). The target plugin must be a declared
   * dependency, or match a pattern in the manifest's `calls`. Returns the tool's output, or
   * `{ pendingApproval: { approvalId, reason } }` when the target call waits for approval.
   */
  callTool(tool: string, input: unknown, options?: CallToolOptions): Promise<unknown>;
  /** This plugin's own storage in this workspace (in-process plugins; NH_SDK_CALL_UNSUPPORTED when isolated). */
  store: PluginStore;
  /**
   * The workspace's language model (the deterministic offline model unless the workspace configures a
   * provider); usage is reported to eco by the host. Not available isolated (NH_SDK_CALL_UNSUPPORTED).
   */
  llm: LlmAccess;
  /**
   * Connectors only: the workspace's connected account this call uses (the input's `connection`, else the
   * workspace's default connection for this plugin). Absent when the plugin declares `connector.auth` none,
   * or when nothing is connected (then a tool that needs one throws NH_CONNECTOR_NOT_CONNECTED).
   */
  connection?: ConnectionContext;
  /**
   * Which connector serves a channel in this workspace (agents use it to pick where a send goes): the enabled,
   * connected real connector for the channel (and network), else the enabled sandbox one, else undefined.
   * Absent where the host offers no routing (the harness without `channels`): fall back to the sandbox connectors.
   */
  channels?: ChannelRouter;
  /**
   * The workspace's scheduler (docs/schedules.md): the host calls a tool at a time, durably (it survives restarts,
   * fires once, can be moved or cancelled, shows on the calendar). Schedules are this plugin's, by its own keys.
   * Absent where the host offers none (isolated plugins, the harness without `scheduler`).
   */
  scheduler?: Scheduler;
  /**
   * Read-only view of the workspace's stored results (docs/analytics.md: the daily counts of sends, deliveries,
   * opens, clicks and conversions per campaign, variant and channel). Absent where the host offers none (isolated
   * plugins, the harness without `results`).
   */
  results?: ResultsReader;
  /**
   * The workspace's memory (the memory contract, core/sdk/src/contracts/memory.ts): recall chunks by hybrid search,
   * remember documents. Agents only (kind `agent`); absent when no enabled plugin provides `memory`, or isolated.
   */
  memory?: MemoryAccess;
}

/** One day's count of one kind of result event (`sent`, `delivered`, `opened`, `clicked`, `converted`, ...). */
export interface DailyResultRow {
  campaign: string;
  /** '' when the events named no variant. */
  variant: string;
  /** '' when the events named no channel. */
  channel: string;
  kind: string;
  /** The day in the workspace's time zone (UTC by default), YYYY-MM-DD. */
  day: string;
  count: number;
}

/** A plugin's read access to the workspace's results (the host scopes it to the workspace of the call). */
export interface ResultsReader {
  /**
   * Daily counts for days (the workspace's, in its time zone) in [from, to] (YYYY-MM-DD, at most 400 days), optionally
   * of one campaign and some kinds, ordered by day then campaign, variant, channel, kind. Days without events have no
   * row. A range that reaches today in UTC reaches today in the workspace's zone too (a zone east of UTC is a day
   * ahead for part of the day), so `to` = today by the UTC clock misses nothing recorded.
   */
  daily(query: { from: string; to: string; campaign?: string; kinds?: readonly string[] }): Promise<DailyResultRow[]>;
  /** Campaigns with results, the most recent event first (at most 200). */
  campaigns(): Promise<Array<{ campaign: string; events: number; lastAt: string }>>;
  /**
   * Counts per draft (the content id sends carried) and kind for events in [from, to] (the workspace's days, at most 400),
   * optionally of some kinds. Hosts before the learning loop lack it.
   */
  byContent?(query: { from: string; to: string; kinds?: readonly string[] }): Promise<ContentResultRow[]>;
}

/**
 * A plugin's view of the host's schedules in one workspace: only its own, by the keys it chose. A time is ISO 8601
 * with an offset, or a local date-time (`2027-03-29T09:00`) read in `timeZone` (default: the workspace's zone).
 */
export interface Scheduler {
  /**
   * Registers `tool(input)` to be called at `runAt` as the current caller, with idempotency key `schedule:<id>`.
   * The same key again replaces a schedule that has not run yet. A time more than a minute in the past is refused
   * (NH_SCHEDULE_TIME_PAST); the answer carries the UTC time.
   */
  schedule(request: ScheduleRequest): Promise<ScheduledCall>;
  /** Moves a schedule that has not run (or failed, or was cancelled: it is scheduled again) to another time. */
  move(key: string, runAt: string, opts?: { timeZone?: string }): Promise<ScheduledCall>;
  /** Cancels a schedule that has not run: it never fires. Cancelling a cancelled one answers it as it is. */
  cancel(key: string): Promise<ScheduledCall>;
  get(key: string): Promise<ScheduledCall | undefined>;
}

export interface ChannelRouter {
  resolve(channel: Channel, opts?: { network?: string; connection?: string }): Promise<ChannelRoute | undefined>;
}

/**
 * Where a channel's messages go. Tool names by channel: email `send` (the sandbox e-mail input), sms `send`
 * ({ to, body }), chat `post`, social `post` ({ text, mediaUrls?, link? }), crm `upsert_contacts`.
 * Pass `connection.id` as the tool input's `connection`.
 */
export interface ChannelRoute {
  plugin: string;
  /** Qualified tool to call, e.g. `connector-resend:send`. */
  tool: string;
  sandbox: boolean;
  connection?: { id: string; label: string };
}

/** A connected account as a connector sees it: the host decrypted the credentials and refreshed an OAuth token first. */
export interface ConnectionContext {
  id: string;
  /** The admin's name for it ("Brand X account"). */
  label: string;
  /**
   * apiKey auth: the declared fields by name. oauth2: `accessToken` (fresh: refreshed before expiry), `tokenType`,
   * `scope`, plus the declared non-secret fields. Never logged, never returned.
   */
  credentials: Readonly<Record<string, string>>;
  /** The provider-side account id and name learned at connect time (e.g. the X user id), when known. */
  account?: { id?: string; name?: string };
}

/** A provider's webhook request, already verified by the host (signature, timestamp tolerance). */
export interface WebhookRequest {
  method: string;
  /** Lower-cased header names. */
  headers: Readonly<Record<string, string>>;
  /** The raw body as received (verification used these exact bytes). */
  body: string;
  query: Readonly<Record<string, string>>;
}

/** Connectors that receive webhooks: turn one verified request into normalized events (the host stores and deduplicates them). */
export interface WebhookHandler {
  parse(request: WebhookRequest, ctx: { connection: ConnectionContext; logger: Logger }): ConnectorEvent[] | Promise<ConnectorEvent[]>;
}

export interface LlmGenerateInput {
  system?: string;
  prompt: string;
  maxOutputTokens?: number;
  temperature?: number;
  signal?: AbortSignal;
}

export interface LlmGenerateResult {
  text: string;
  provider: string;
  model: string;
  /** True when the offline model wrote it (its text also says so). */
  offline: boolean;
  usage: { inputTokens: number; outputTokens: number; totalTokens: number };
}

export interface LlmAccess {
  generate(input: LlmGenerateInput): Promise<LlmGenerateResult>;
}

export interface CallToolOptions {
  /** Executes an approval that was granted (the hook that asked for it checks and consumes it). */
  approvalId?: string;
  idempotencyKey?: string;
  /**
   * What a send (a connector's channel tool) is for, stored by the host under the call's idempotency key before the
   * call and written on the send's `sent` result and every event attributed to it (docs/analytics.md#learning).
   */
  attribution?: SendAttribution;
}

/** The campaign, A/B variant, draft (content) and prompt variant a send carries into the results. */
export interface SendAttribution {
  campaign?: string;
  variant?: string;
  /** The draft (content id, e.g. agent-content's `drf_...`) the send's text came from. */
  contentId?: string;
  /** The prompt variant that wrote that draft. */
  promptVariant?: string;
}

/** The results of the sends that carried one draft (content id), summed over a range of days. */
export interface ContentResultRow {
  contentId: string;
  /** The prompt variant the sends named ('' when none). */
  promptVariant: string;
  kind: string;
  count: number;
}

export interface StoredRecord<T = unknown> {
  key: string;
  value: T;
  /** Starts at 1; bumps on every write. */
  version: number;
  /** Global insertion order inside the collection (appends are ordered by it). */
  seq: number;
  updatedAt: string;
}

/**
 * A plugin's private, workspace-scoped storage: JSON records in named collections. The host scopes
 * every operation to (workspace, plugin); a plugin can never read another plugin's or workspace's records.
 */
export interface PluginStore {
  /**
   * `cached: true` for a record read on every call and rarely written (a policy): the host answers from memory and
   * drops it when any host writes it (treat the value as read-only). With several hosts on PostgreSQL, a `put`,
   * `putIf` or `delete` of a record of a collection read this way returns only when every host's next read sees it
   * (a few ms more per write; docs/data.md, "Several hosts: cached records"). Stores without a cache ignore the option.
   */
  get<T = unknown>(collection: string, key: string, opts?: { cached?: boolean }): Promise<StoredRecord<T> | undefined>;
  /** Writes unconditionally; returns the new version. */
  put(collection: string, key: string, value: unknown): Promise<number>;
  /**
   * Compare-and-set: writes only when the record's version equals `expectedVersion`
   * (`0` = must not exist yet). Returns the new version, or `null` when someone else wrote first.
   */
  putIf(collection: string, key: string, value: unknown, expectedVersion: number): Promise<number | null>;
  delete(collection: string, key: string): Promise<boolean>;
  /**
   * Deletes every record of the collection whose key sorts before `key`, in one statement; returns how many. For
   * pruning rows a log only needs the newest of. Not for records read with `cached: true` (other hosts' caches are
   * not told).
   */
  deleteBefore(collection: string, key: string): Promise<number>;
  /** Records ordered by key (or by seq with `order: 'seq'`), paged with `after` (a key or a seq). */
  list<T = unknown>(
    collection: string,
    opts?: { prefix?: string; limit?: number; after?: string | number; order?: 'key' | 'seq' },
  ): Promise<StoredRecord<T>[]>;
  /**
   * Inserts every record or none (one round trip): `false`, with nothing written, when any of the keys already
   * exists. For group commits: an audit log writing a batch of entries, counters flushed together. A record may
   * name another collection of the plugin (`collection`, default the first argument): a log's head row goes in
   * beside its entries, in the same statement.
   */
  insertAll(collection: string, records: ReadonlyArray<{ key: string; value: unknown; collection?: string }>): Promise<boolean>;
  /** Appends a record under a generated key and returns its seq (for append-only logs). */
  append(collection: string, value: unknown): Promise<number>;
  count(collection: string): Promise<number>;
}

export interface ToolSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  name: string;
  description: string;
  input: I;
  output: O;
  sideEffect: SideEffect;
  timeoutMs?: number;
  run(input: z.output<I>, ctx: ToolContext): Promise<z.input<O>> | z.input<O>;
}

export interface ToolCallEvent {
  callId: string;
  workspace: { id: string; slug: string };
  actor: Actor;
  plugin: string;
  /** Qualified name, `plugin-id:tool_name`. */
  tool: string;
  sideEffect: SideEffect;
  input: unknown;
  idempotencyKey: string;
  /** Set when the call is the execution of an approval that was granted. */
  approvalId?: string;
  /**
   * Set when another tool made this call through `ctx.callTool`. `approvalId` is the approval the
   * parent runs under (its own or inherited), so a policy can treat the nested call as covered.
   */
  parent?: { callId: string; tool: string; approvalId?: string };
  /**
   * Set when the caller asks that a person approve this call before it runs, whatever the policy says (host API
   * 0.2.1): a plan step marked `needsApproval`, not approved yet. An approvals provider's hook must hold such a call
   * (return `approval`) or deny it; if no hook holds it, the host refuses the call (`NH_APPROVAL_NOT_HELD`).
   */
  approvalRequested?: { reason: string };
}

export type HookDecision =
  | { action: 'allow' }
  | { action: 'deny'; reason: string; code?: string }
  /**
   * The call must wait for a person: the hook records the approval request and returns its id, and when the request
   * expires (`expiresAt`, ISO 8601; optional: without it the host counts the call as waiting until it is decided).
   */
  | { action: 'approval'; reason: string; approvalId?: string; expiresAt?: string };

export interface AfterToolCallEvent extends ToolCallEvent {
  status: 'ok' | 'error' | 'denied' | 'pending_approval';
  output?: unknown;
  error?: { code: string; message: string };
  durationMs: number;
  /** Language-model usage by this call's `ctx.llm` (absent when the tool used none). */
  llmUsage?: LlmUsageTotals;
}

export interface LlmUsageTotals {
  calls: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  /** `provider/model` of each model used. */
  models: string[];
  offline: boolean;
}

/** Context a hook receives: its own plugin's config and secrets for the workspace of the call. */
export interface HookContext {
  workspace: { id: string; slug: string };
  config: Record<string, unknown>;
  secrets: ToolContext['secrets'];
  logger: Logger;
  callTool: ToolContext['callTool'];
  store: PluginStore;
}

export interface PluginHooks {
  beforeToolCall?(event: ToolCallEvent, ctx: HookContext): Promise<HookDecision | undefined | void> | HookDecision | undefined | void;
  afterToolCall?(event: AfterToolCallEvent, ctx: HookContext): Promise<void> | void;
}

export interface PluginDefinition {
  /** Must equal the manifest's id. */
  id: string;
  tools: ToolSpec[];
  hooks?: PluginHooks;
  /** Connectors with `connector.webhook` in their manifest: parses /hooks/<plugin>/<connection> requests. */
  webhook?: WebhookHandler;
  /** Called when the host unloads the plugin (shutdown, reload, uninstall): write out what it buffers. In-process plugins. */
  stop?(): Promise<void> | void;
}

export type { Role };
