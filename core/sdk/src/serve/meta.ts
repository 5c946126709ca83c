import { ActorSchema, type SideEffect } from '@neonhub/schemas';
import { z } from 'zod';

/** `_meta` key of a tools/call request carrying the NeonHub call context. */
export const CONTEXT_META_KEY = 'neonhub/context';
/** `_meta` key of an `isError` tools/call result carrying `{ code, message, details }`. */
export const ERROR_META_KEY = 'neonhub/error';
/** `_meta` keys of a listed tool carrying NeonHub's own side effect and timeout. */
export const SIDE_EFFECT_META_KEY = 'neonhub/sideEffect';
export const TIMEOUT_META_KEY = 'neonhub/timeoutMs';

/** The per-call context the host sends with every tools/call, under `_meta["neonhub/context"]`. */
export const CallContextMetaSchema = z.object({
  workspace: z.object({ id: z.string(), slug: z.string() }),
  actor: ActorSchema,
  config: z.record(z.string(), z.unknown()).default({}),
  /** Values of the secrets the manifest declares (null when unset); no other name is readable. */
  secrets: z.record(z.string(), z.string().nullable()).default({}),
  idempotencyKey: z.string().min(1),
  callId: z.string().min(1),
  /** The manifest's network.hosts: the only hosts `ctx.fetch` may reach. */
  hosts: z.array(z.string()).default([]),
  /** The workspace's outbound allow-list: non-public targets `ctx.fetch` may reach (none = every one refused). */
  outboundAllow: z.array(z.string()).default([]),
  /** Connectors: the connected account the call uses (ctx.connection), its credentials decrypted by the host. */
  connection: z
    .object({
      id: z.string(),
      label: z.string(),
      credentials: z.record(z.string(), z.string()),
      account: z.object({ id: z.string().optional(), name: z.string().optional() }).optional(),
    })
    .optional(),
});
export type CallContextMeta = z.infer<typeof CallContextMetaSchema>;
export type CallContextMetaInput = z.input<typeof CallContextMetaSchema>;

/** A tool failure as it travels in an `isError` result. */
export const ToolErrorPayloadSchema = z.object({
  code: z.string().optional(),
  message: z.string(),
  details: z.unknown().optional(),
  /** Set for a NeonHubError: lets the host keep a plugin's own user error (4xx) as it is. */
  status: z.number().int().optional(),
  category: z.enum(['user', 'transient', 'third_party', 'internal']).optional(),
});
export type ToolErrorPayload = z.infer<typeof ToolErrorPayloadSchema>;

/** MCP tool annotations for a NeonHub side effect (the reverse mapping lives in the host's MCP runtimes). */
export function annotationsOf(sideEffect: SideEffect): { readOnlyHint: boolean; destructiveHint: boolean; openWorldHint: boolean } {
  switch (sideEffect) {
    case 'none':
    case 'read':
      return { readOnlyHint: true, destructiveHint: false, openWorldHint: false };
    case 'write':
      return { readOnlyHint: false, destructiveHint: true, openWorldHint: false };
    case 'external':
      return { readOnlyHint: false, destructiveHint: true, openWorldHint: true };
  }
}
