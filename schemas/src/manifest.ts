import { z } from 'zod';
import { PluginIdSchema, SemverSchema } from './common.js';
import { ConnectorDeclarationSchema } from './connector.js';
import { CONTRACT_REQUIREMENTS, ownToolFor, ProvidedContractSchema, providedName } from './contracts.js';
import { ServesEntrySchema } from './planning.js';
import { ToolDefinitionSchema } from './tool.js';

export const PluginKindSchema = z.enum(['agent', 'connector', 'capability']);
export type PluginKind = z.infer<typeof PluginKindSchema>;

export const HookNameSchema = z.enum(['beforeToolCall', 'afterToolCall']);
export type HookName = z.infer<typeof HookNameSchema>;

/** Code the host can run in-process or isolated (a child process serving it over MCP stdio). */
export const ModuleRuntimeSchema = z.strictObject({
  type: z.literal('module'),
  /** Path of the module, relative to the plugin folder, whose default export is `definePlugin(...)`. */
  entry: z
    .string()
    .min(1)
    .refine((p) => !p.startsWith('/') && !p.split(/[\\/]/).includes('..'), 'entry must stay inside the plugin folder'),
});

/** An outside MCP server started as a command speaking stdio. */
export const McpStdioRuntimeSchema = z.strictObject({
  type: z.literal('mcp-stdio'),
  command: z.string().min(1),
  args: z.array(z.string()).default([]),
  /** Names of host environment variables passed through to the server. */
  env: z.array(z.string().regex(/^[A-Z_][A-Z0-9_]*$/)).default([]),
});

const SecretNameRefSchema = z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'a declared secret name (UPPER_SNAKE_CASE)');

export const McpOAuthTokenAuthSchema = z.enum(['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt']);
export type McpOAuthTokenAuth = z.infer<typeof McpOAuthTokenAuthSchema>;

/**
 * OAuth 2.1 for an outside MCP server (the MCP authorization spec): each workspace connects its own account
 * (`neonhub plugin connect <id> -w <slug>` or the console's plugin page); the host discovers the authorization server
 * from the server's 401 (RFC 9728, RFC 8414), registers itself (pre-registered client, a Client ID Metadata Document,
 * or dynamic registration), and keeps each workspace's tokens encrypted. docs/mcp.md, "Connecting an OAuth-protected
 * MCP server".
 */
export const McpHttpOAuthSchema = z.strictObject({
  /** `authorization_code` (a person approves in a browser, default) or `client_credentials` (machine to machine). */
  grant: z.enum(['authorization_code', 'client_credentials']).default('authorization_code'),
  /** Scopes to ask for when the server's WWW-Authenticate and metadata name none (space-separated). */
  scope: z.string().max(1000).optional(),
  /** A client id registered at the authorization server beforehand (else dynamic registration or `clientMetadataUrl`). */
  clientId: z.string().min(1).max(500).optional(),
  /** Declared secret (installation level, NEONHUB_PLUGIN_<ID>__<NAME>) holding the pre-registered client's secret. */
  clientSecret: SecretNameRefSchema.optional(),
  /** Declared secret holding the private key (PEM or JWK JSON) for `private_key_jwt`. */
  privateKeySecret: SecretNameRefSchema.optional(),
  /** Signing algorithm of the `private_key_jwt` assertion. */
  privateKeyAlg: z.enum(['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA']).default('RS256'),
  /** How the client authenticates at the token endpoint (default: chosen from the server's metadata). */
  tokenEndpointAuthMethod: McpOAuthTokenAuthSchema.optional(),
  /** An https URL of this host's Client ID Metadata Document, used as the client id where the server supports it. */
  clientMetadataUrl: z.url({ protocol: /^https$/ }).optional(),
});
export type McpHttpOAuth = z.infer<typeof McpHttpOAuthSchema>;

/** An outside MCP server reached over Streamable HTTP. */
export const McpHttpRuntimeSchema = z.strictObject({
  type: z.literal('mcp-http'),
  url: z.url({ protocol: /^https?$/ }),
  /** Name of a declared secret sent as a bearer token. */
  bearerSecret: z.string().optional(),
  /** The server is behind OAuth: each workspace connects its own account (exclusive with bearerSecret). */
  oauth: McpHttpOAuthSchema.optional(),
});

export const RuntimeSchema = z.discriminatedUnion('type', [ModuleRuntimeSchema, McpStdioRuntimeSchema, McpHttpRuntimeSchema]);
export type PluginRuntimeSpec = z.infer<typeof RuntimeSchema>;

export const SecretDeclarationSchema = z.strictObject({
  name: z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'secret names are UPPER_SNAKE_CASE'),
  description: z.string().default(''),
  required: z.boolean().default(false),
});

export const HookDeclarationSchema = z.strictObject({
  event: HookNameSchema,
  /** Lower runs first; ties are broken by plugin id. */
  priority: z.number().int().min(0).max(1000).default(500),
});

export const PromptDeclarationSchema = z.strictObject({
  name: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_-]*$/),
  description: z.string().default(''),
  arguments: z
    .array(z.strictObject({ name: z.string().min(1), description: z.string().default(''), required: z.boolean().default(false) }))
    .default([]),
  template: z.string().min(1),
});

/** Per-plugin limits declared in plugin.json; unset fields take the host's defaults. */
export const PluginLimitsSchema = z.strictObject({
  /** How long one start (spawn + MCP handshake + tool listing) may take; retries double it (default 15 s). */
  startTimeoutMs: z.number().int().min(100).max(600_000).optional(),
  /** Largest result one call may send back, in bytes (default 4 MiB). */
  resultMaxBytes: z
    .number()
    .int()
    .min(1024)
    .max(1024 * 1024 * 1024)
    .optional(),
});
export type PluginLimits = z.infer<typeof PluginLimitsSchema>;

const HostnameSchema = z
  .string()
  .regex(
    /^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$/,
    'a host name such as api.example.com, *.example.com or localhost:8080',
  );

/** `plugin.json`: what a plugin is, read by the host without running any of its code. */
export const PluginManifestSchema = z
  .strictObject({
    $schema: z.string().optional(),
    id: PluginIdSchema,
    version: SemverSchema,
    kind: PluginKindSchema,
    name: z.string().min(1).max(100).optional(),
    description: z.string().min(1).max(1000),
    /** Semver range of the host API this plugin works with. */
    host: z.string().min(1),
    runtime: RuntimeSchema,
    tools: z.array(ToolDefinitionSchema).default([]),
    /** JSON Schema (type object) of the per-workspace config. */
    config: z.record(z.string(), z.unknown()).optional(),
    secrets: z.array(SecretDeclarationSchema).default([]),
    network: z.strictObject({ hosts: z.array(HostnameSchema).default([]) }).default({ hosts: [] }),
    /** Plugin id -> semver range. */
    dependencies: z.record(PluginIdSchema, z.string().min(1)).default({}),
    hooks: z.array(HookDeclarationSchema).default([]),
    /**
     * Tools this plugin may call through `ctx.callTool` besides those of its dependencies:
     * `plugin-id:tool_name`, `plugin-id:*` or `*` (e.g. governance executing an approved call).
     */
    calls: z
      .array(
        z.string().regex(/^(\*|[a-z][a-z0-9-]*:(\*|[a-zA-Z][a-zA-Z0-9_-]*))$/, 'patterns look like plugin-id:tool_name, plugin-id:* or *'),
      )
      .default([]),
    prompts: z.array(PromptDeclarationSchema).default([]),
    /** What the host allows this plugin (an admin can override either with NEONHUB_PLUGIN_LIMITS; docs/runtimes.md). */
    limits: PluginLimitsSchema.optional(),
    /** What a connector serves and how accounts connect to it (kind `connector` only; docs/connectors.md). */
    connector: ConnectorDeclarationSchema.optional(),
    /**
     * Contracts this plugin provides (`policy`, `approvals`, `consent`, `memory`, `content`, `calendar`,
     * `campaigns`), by name or with a map from the contract's tool names to its own: the host, core and the console
     * reach it through them, never by its id, so another plugin providing the same contracts can replace it
     * (docs/plugin-authors.md, "Contracts").
     */
    provides: z.array(ProvidedContractSchema).default([]),
    /**
     * The planner catalogue: which goals this plugin's tools serve, at which stage, with what input (the offline
     * planner composes plans from it; docs/plugin-authors.md, "Being planned").
     */
    serves: z.array(ServesEntrySchema).default([]),
  })
  .superRefine((m, ctx) => {
    const seen = new Set<string>();
    m.tools.forEach((t, i) => {
      if (seen.has(t.name)) ctx.addIssue({ code: 'custom', path: ['tools', i, 'name'], message: `duplicate tool name ${t.name}` });
      seen.add(t.name);
    });
    const secrets = new Set<string>();
    m.secrets.forEach((s, i) => {
      if (secrets.has(s.name)) ctx.addIssue({ code: 'custom', path: ['secrets', i, 'name'], message: `duplicate secret ${s.name}` });
      secrets.add(s.name);
    });
    const hooks = new Set<string>();
    m.hooks.forEach((h, i) => {
      if (hooks.has(h.event)) ctx.addIssue({ code: 'custom', path: ['hooks', i, 'event'], message: `hook ${h.event} declared twice` });
      hooks.add(h.event);
    });
    if (m.connector && m.kind !== 'connector')
      ctx.addIssue({ code: 'custom', path: ['connector'], message: 'only a plugin of kind connector declares `connector`' });
    if (m.dependencies[m.id]) ctx.addIssue({ code: 'custom', path: ['dependencies', m.id], message: 'a plugin cannot depend on itself' });
    if (m.runtime.type === 'mcp-http' && m.runtime.oauth) {
      const o = m.runtime.oauth;
      if (m.runtime.bearerSecret)
        ctx.addIssue({
          code: 'custom',
          path: ['runtime', 'oauth'],
          message: 'an mcp-http runtime has either bearerSecret or oauth, not both',
        });
      for (const key of ['clientSecret', 'privateKeySecret'] as const) {
        const name = o[key];
        if (name && !secrets.has(name))
          ctx.addIssue({ code: 'custom', path: ['runtime', 'oauth', key], message: `names ${name}, which is not declared in secrets` });
      }
      if (o.tokenEndpointAuthMethod === 'private_key_jwt' && !o.privateKeySecret)
        ctx.addIssue({ code: 'custom', path: ['runtime', 'oauth', 'privateKeySecret'], message: 'private_key_jwt needs privateKeySecret' });
    }
    const named = m.provides.map(providedName);
    for (const [i, contract] of named.entries()) {
      if (named.indexOf(contract) !== i) ctx.addIssue({ code: 'custom', path: ['provides', i], message: `${contract} listed twice` });
      const needs = CONTRACT_REQUIREMENTS[contract];
      const entry = m.provides[i]!;
      if (typeof entry !== 'string')
        for (const name of Object.keys(entry.tools))
          if (!needs.tools.includes(name) && !needs.optional?.includes(name))
            ctx.addIssue({ code: 'custom', path: ['provides', i, 'tools', name], message: `${contract} has no tool ${name}` });
      for (const t of needs.tools) {
        const own = ownToolFor(m.provides, contract, t);
        if (!m.tools.some((x) => x.name === own))
          ctx.addIssue({
            code: 'custom',
            path: ['provides', i],
            message: `providing ${contract} needs a tool named ${own}${own === t ? '' : ` (its ${t})`}`,
          });
      }
      for (const h of needs.hooks)
        if (!m.hooks.some((x) => x.event === h))
          ctx.addIssue({ code: 'custom', path: ['provides', i], message: `providing ${contract} needs a ${h} hook` });
    }
    m.serves.forEach((e, i) => {
      if (!m.tools.some((t) => t.name === e.tool))
        ctx.addIssue({
          code: 'custom',
          path: ['serves', i, 'tool'],
          message: `serves names ${e.tool}, which this plugin does not declare`,
        });
      if (e.each && e.stage !== 'compose')
        ctx.addIssue({ code: 'custom', path: ['serves', i, 'each'], message: 'only a compose entry fans out with `each`' });
    });
    if (m.runtime.type === 'module' && m.tools.length === 0 && m.hooks.length === 0)
      ctx.addIssue({ code: 'custom', path: ['tools'], message: 'a module plugin must declare at least one tool or hook' });
  });
export type PluginManifest = z.infer<typeof PluginManifestSchema>;
export type PluginManifestInput = z.input<typeof PluginManifestSchema>;
