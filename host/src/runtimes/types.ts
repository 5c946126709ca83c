import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type { GetPromptResult, Prompt, ReadResourceResult, Resource, ResourceTemplate } from '@modelcontextprotocol/sdk/types.js';
import type { ValidationResult } from '@neonhub/json-schema';
import type { PluginManifest, RuntimeKind, ToolDefinition } from '@neonhub/schemas';
import type { PluginHooks, ToolContext, WebhookHandler } from '@neonhub/sdk';
import type { ToolsCheck } from './tool-gate.js';

/**
 * A workspace's OAuth provider for an outside MCP server: the SDK's, and `rememberScope` keeps the scope a call's
 * 403 insufficient_scope named with the grant, so the next connect asks for it too (host/src/mcp-oauth/provider.ts).
 */
export interface WorkspaceOAuthProvider extends OAuthClientProvider {
  rememberScope(scope: string): Promise<void>;
}

export type RuntimeStatus = 'starting' | 'ready' | 'restarting' | 'degraded' | 'stopped';

/** Everything a single invocation needs; the runtime builds the plugin-side ToolContext from it. */
export interface Invocation {
  /** Unqualified tool name inside the plugin. */
  tool: string;
  input: unknown;
  /** ToolContext minus what the runtime supplies itself (fetch is built from the manifest's hosts). */
  context: Omit<ToolContext, 'fetch' | 'signal' | 'logger' | 'store' | 'llm'> & {
    logger?: ToolContext['logger'];
    store?: ToolContext['store'];
    llm?: ToolContext['llm'];
  };
  timeoutMs: number;
  /** `input` is already checked and decoded by this runtime's `decodeInput` (the pipeline's one check): run it as it is. */
  decoded?: boolean;
  /**
   * The allow-list of the workspace's outbound guard (ctx.fetch): non-public targets it may reach. Absent = none
   * (loopback, private, link-local and metadata addresses refused).
   */
  outboundAllow?: readonly string[];
  /**
   * Hosts `ctx.fetch` may reach besides the manifest's network.hosts: the non-public host of the plugin's config
   * `baseUrl` (a local fake, a self-hosted instance), which the outbound guard still refuses unless allow-listed.
   */
  extraHosts?: readonly string[];
}

/**
 * One loaded plugin, however it runs: in-process, isolated (child process serving MCP over
 * stdio under Node's permission flags) or an outside MCP server (stdio command or Streamable HTTP).
 */
export interface PluginRuntime {
  readonly kind: RuntimeKind;
  readonly status: RuntimeStatus;
  /** Starts the plugin; for MCP runtimes, connects and lists tools. */
  start(): Promise<void>;
  /** Tools as the running plugin reports them (module plugins: from code; MCP: tools/list). */
  listTools(): Promise<ToolDefinition[]>;
  /**
   * Runs a tool. Rejects with a NeonHubError: NH_TOOL_TIMEOUT when past timeoutMs,
   * NH_TOOL_FAILED when the tool throws, NH_PLUGIN_UNAVAILABLE / NH_PLUGIN_DEGRADED when the
   * process is down. Never leaves the host hanging or crashed.
   */
  invoke(call: Invocation): Promise<unknown>;
  /**
   * Module plugins (trusted code in the host): checks a tool's input with the tool's own zod schema and returns
   * what `run` receives (defaults, transforms). The pipeline checks input with it instead of the JSON Schema, once
   * per call, and passes the value with `decoded: true`. Other runtimes are checked by their JSON Schema.
   */
  decodeInput?(tool: string, input: unknown): ValidationResult;
  /** Hooks, only for in-process plugins. */
  readonly hooks?: PluginHooks;
  /** A connector's webhook parser (`definePlugin({ webhook })`), only for in-process plugins. */
  readonly webhook?: WebhookHandler;
  /** Supervision figures (isolated and mcp-stdio runtimes): crashes, restarts, restart delays, pid. */
  stats?(): RuntimeStats;
  /**
   * Outside MCP servers: lists the tools again and judges them with `RuntimeOptions.checkTools`
   * (also done on `notifications/tools/list_changed`, on every restart and every
   * `relistIntervalMs`). Calls wait until the new listing has been judged.
   */
  recheckTools?(): Promise<void>;
  /** Outside MCP servers: tools refused until the lock approves them, with the reason. */
  quarantinedTools?(): ReadonlyMap<string, string>;
  /**
   * `mcp-http` behind OAuth: a workspace connected (its session is replaced and the tools listed through it) or
   * disconnected (its session is closed). Resolves once the tools are listed (and judged) through it.
   */
  grantChanged?(workspaceId: string, connected: boolean): Promise<void> | void;
  /** Outside MCP servers that offer resources and/or prompts (undefined when the server declares neither). */
  readonly passthrough?: McpPassthrough;
  stop(): Promise<void>;
}

/** An outside server's resources and prompts, as it serves them (names and URIs unchanged). */
export interface McpPassthrough {
  hasResources(): boolean;
  hasPrompts(): boolean;
  listResources(): Promise<Resource[]>;
  listResourceTemplates(): Promise<ResourceTemplate[]>;
  readResource(uri: string): Promise<ReadResourceResult['contents']>;
  listPrompts(): Promise<Prompt[]>;
  getPrompt(name: string, args: Record<string, string>): Promise<GetPromptResult>;
}

export interface RuntimeStats {
  status: RuntimeStatus;
  /** Crashes and failed restarts since start. */
  crashes: number;
  /** Successful restarts since start. */
  restarts: number;
  consecutiveFailures: number;
  /** Every restart delay scheduled, in order. */
  restartDelaysMs: number[];
  pid: number | undefined;
}

export interface RuntimeOptions {
  manifest: PluginManifest;
  /** Absolute path of the plugin folder. */
  dir: string;
  /** Directory for caches (isolated bundles) inside the data directory. */
  cacheDir: string;
  /** The plugin's own data folder (`<dataDir>/plugin-data/<id>`), given to MCP servers that ask for NEONHUB_PLUGIN_DATA_DIR. */
  dataDir?: string;
  logger: import('pino').Logger;
  /** Called on status changes (crash, restart, degraded). */
  onStatus?(status: RuntimeStatus, info?: { crashes: number; nextDelayMs?: number }): void;
  /**
   * Installation-level secrets (not per workspace), e.g. the bearer token of an `mcp-http`
   * runtime (`runtime.bearerSecret`). Per-call secrets come from `Invocation.context.secrets`.
   */
  resolveSecret?(name: string): Promise<string | undefined>;
  /**
   * `mcp-http`: non-public targets the host may reach (NEONHUB_OUTBOUND_ALLOW); the server's URL passes the
   * outbound guard like every other outbound request. Absent = none (loopback, private and metadata refused).
   */
  outboundAllow?: readonly string[];
  /** Largest result (one message) the plugin may send back; past it NH_TOOL_RESULT_TOO_LARGE. Default 4 MiB. */
  resultMaxBytes?: number;
  /** Outside MCP servers: judges every listing of their tools (the host compares it with the lock). */
  checkTools?: ToolsCheck;
  /** Outside MCP servers: every tool was quarantined because listing them again failed (after list_changed or a restart). */
  onToolsUnlisted?(tools: ToolDefinition[], reason: string): void;
  /** Outside MCP servers: called when the server says its resources or prompts changed (passed through to MCP clients). */
  onListChanged?(): void;
  /** Outside MCP servers: list the tools again this often (ms; 0 = only on list_changed and restarts). Default 5 minutes. */
  relistIntervalMs?: number;
  /**
   * `mcp-http` with `runtime.oauth`: each workspace's OAuth provider (host/src/mcp-oauth; NH_MCP_OAUTH_NOT_CONNECTED
   * when the workspace has not connected) and the workspaces that have, most recent first (the tools are listed
   * through one of them).
   */
  oauth?: {
    providerFor(workspaceId: string): Promise<WorkspaceOAuthProvider>;
    connectedWorkspaces(): Promise<string[]>;
  };
}
