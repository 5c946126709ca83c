import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { ToolDefinition } from '@neonhub/schemas';

// canonicalize is CommonJS (`module.exports = fn`) while its typings declare a default export,
// which TypeScript's NodeNext resolution cannot call: load it through require.
const canonicalize = createRequire(import.meta.url)('canonicalize') as (input: unknown) => string | undefined;

/** The parts of a tool the lock pins: what a model reads and what the host enforces. */
export const HASHED_TOOL_FIELDS = ['name', 'description', 'inputSchema', 'outputSchema', 'sideEffect'] as const;
export type HashedToolField = (typeof HASHED_TOOL_FIELDS)[number];

function sha256(text: string): string {
  return `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`;
}

function canonical(value: unknown): string {
  return canonicalize(value) ?? 'null';
}

/** `sha256-<base64>` over RFC 8785 canonical JSON of { name, description, inputSchema, outputSchema, sideEffect }. */
export function toolHash(tool: ToolDefinition): string {
  const pinned: Record<string, unknown> = {};
  for (const field of HASHED_TOOL_FIELDS) if (tool[field] !== undefined) pinned[field] = tool[field];
  return sha256(canonical(pinned));
}

/** One hash per pinned field (a missing outputSchema hashes as null), to say which part of a tool changed. */
export function toolFieldHashes(tool: ToolDefinition): Record<HashedToolField, string> {
  const out = {} as Record<HashedToolField, string>;
  for (const field of HASHED_TOOL_FIELDS) out[field] = sha256(canonical(tool[field] ?? null));
  return out;
}

/** Fields whose hashes differ between a locked tool and the current one (empty when unknown). */
export function changedToolFields(locked: Record<string, string> | undefined, current: Record<string, string>): string[] {
  if (!locked) return [];
  return HASHED_TOOL_FIELDS.filter((f) => locked[f] !== current[f]);
}
