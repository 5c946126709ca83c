import { z } from 'zod';
import { PluginIdSchema, SemverSchema } from './common.js';

export const IntegritySchema = z.string().regex(/^sha512-[A-Za-z0-9+/]+={0,2}$/, 'an SRI sha512 integrity string');
export const ToolHashSchema = z.string().regex(/^sha256-[A-Za-z0-9+/]+={0,2}$/, 'a sha256 SRI hash');

export const PluginSourceSchema = z.discriminatedUnion('type', [
  /** A folder of this repository (plugins/, mcp-servers/). */
  z.strictObject({ type: z.literal('workspace'), path: z.string() }),
  /** An npm package, installed into the data directory. */
  z.strictObject({ type: z.literal('npm'), spec: z.string(), path: z.string() }),
  /** A tarball, unpacked into the data directory. */
  z.strictObject({ type: z.literal('tarball'), file: z.string(), path: z.string() }),
]);
export type PluginSource = z.infer<typeof PluginSourceSchema>;

/**
 * How a plugin's code runs, the one owner of the runtime concept: a module in the host's process, a module in its
 * own process, or an MCP server the host reaches over stdio or Streamable HTTP. The narrower views below derive
 * from it (issue 18: it used to be four unrelated enums).
 */
export const RuntimeKindSchema = z.enum(['in-process', 'isolated', 'mcp-stdio', 'mcp-http']);
export type RuntimeKind = z.infer<typeof RuntimeKindSchema>;
/** Where a module plugin runs (the lock's `isolation`). */
export const IsolationSchema = RuntimeKindSchema.extract(['in-process', 'isolated']);
export type Isolation = z.infer<typeof IsolationSchema>;
/** The API's and the registry's view: a module's isolation, or `mcp` for an MCP server over either transport. */
export const PluginRuntimeKindSchema = z.enum([...IsolationSchema.options, 'mcp']);
export type PluginRuntimeKind = z.infer<typeof PluginRuntimeKindSchema>;

export const LockEntrySchema = z.strictObject({
  version: SemverSchema,
  source: PluginSourceSchema,
  /** SRI sha512 of the packed contents (the files `npm pack` would include, in a canonical order). */
  integrity: IntegritySchema,
  /** How a module plugin runs; MCP server plugins are always out of process. */
  isolation: IsolationSchema.default('in-process'),
  /** Tool name -> sha256 over RFC 8785 canonical JSON of { name, description, inputSchema, outputSchema, sideEffect }. */
  tools: z.record(z.string(), ToolHashSchema),
  /** Tool name -> field -> sha256 of that field alone, so a mismatch can say what changed (description, inputSchema, ...). */
  toolFields: z.record(z.string(), z.record(z.string(), ToolHashSchema)).optional(),
  /** Packed file (relative path) -> sha256 of its bytes, so an integrity mismatch can name the files that changed. */
  files: z.record(z.string(), ToolHashSchema).optional(),
});
export type LockEntry = z.infer<typeof LockEntrySchema>;

export const LockfileSchema = z.strictObject({
  lockfileVersion: z.literal(1),
  plugins: z.record(PluginIdSchema, LockEntrySchema),
});
export type Lockfile = z.infer<typeof LockfileSchema>;
