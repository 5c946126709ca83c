import { z } from 'zod';
import { PluginIdSchema, SemverSchema } from '../common.js';
import { ContractSchema } from '../contracts.js';
import { PluginRuntimeKindSchema } from '../lockfile.js';
import { PluginManifestSchema } from '../manifest.js';
import { SideEffectSchema } from '../tool.js';

export const RuntimeStatusViewSchema = z.string();

export const PluginSummarySchema = z.object({
  id: PluginIdSchema,
  version: SemverSchema,
  kind: z.string(),
  description: z.string(),
  runtime: PluginRuntimeKindSchema,
  status: RuntimeStatusViewSchema,
  tools: z.array(z.object({ name: z.string(), sideEffect: SideEffectSchema })),
});
export const PluginListSchema = z.object({ plugins: z.array(PluginSummarySchema) });
export const PluginDetailSchema = z.object({
  manifest: PluginManifestSchema,
  runtime: PluginRuntimeKindSchema,
  status: RuntimeStatusViewSchema,
});
export const PluginParamsSchema = z.strictObject({ id: PluginIdSchema });

/** A plugin as a workspace sees it: manifest facts and this workspace's state; secret values never leave. */
export const WorkspacePluginViewSchema = z
  .object({
    id: PluginIdSchema,
    name: z.string(),
    version: SemverSchema,
    kind: z.string(),
    description: z.string(),
    runtime: PluginRuntimeKindSchema,
    status: RuntimeStatusViewSchema,
    enabled: z.boolean(),
    config: z.record(z.string(), z.unknown()),
    configSchema: z.record(z.string(), z.unknown()).nullable(),
    networkHosts: z.array(z.string()),
    secrets: z.array(z.object({ name: z.string(), description: z.string(), required: z.boolean(), set: z.boolean() })),
    tools: z.array(z.object({ name: z.string(), description: z.string(), sideEffect: SideEffectSchema })),
    /**
     * The tools plugins.lock.json pins for this plugin (`plugin-id:tool` and the hash of its definition): for an
     * outside MCP server (mcp-stdio, mcp-http) the only list of its tools that does not come from the server.
     * `served`: the loaded server serves it as pinned; `quarantined`: it serves something else (reason says
     * what); `not-served`: the server does not list it now (or is not loaded).
     */
    pinnedTools: z.array(
      z.object({
        name: z.string(),
        hash: z.string(),
        state: z.enum(['served', 'quarantined', 'not-served']),
        reason: z.string().optional(),
      }),
    ),
    /** The contracts its manifest says it provides (policy, approvals, consent, memory, content, calendar, campaigns). */
    provides: z.array(ContractSchema).optional(),
  })
  .meta({ id: 'WorkspacePlugin' });
export const WorkspacePluginListSchema = z.object({ plugins: z.array(WorkspacePluginViewSchema) });

export const EnableBodySchema = z.strictObject({ config: z.record(z.string(), z.unknown()).optional() }).nullish();
export const EnabledSchema = z.object({ enabled: z.boolean() });
export const ConfigBodySchema = z.strictObject({ config: z.record(z.string(), z.unknown()) });
export const ConfigSchema = z.object({ config: z.record(z.string(), z.unknown()) });
export const SecretBodySchema = z.strictObject({ value: z.string().min(1).max(65_536) });
