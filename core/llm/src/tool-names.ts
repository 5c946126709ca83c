import { createHash } from 'node:crypto';
import { llmErrors } from './errors.js';

/** What OpenAI and Anthropic accept as a function/tool name. */
export const PROVIDER_TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const NEONHUB_TOOL_NAME = /^([a-z][a-z0-9-]*:)?[a-zA-Z][a-zA-Z0-9_-]*$/;
const SEPARATOR = '__';

/**
 * `agent-seo:analyze_page` → `agent-seo__analyze_page`. Plugin ids cannot contain `_`, so the
 * first `__` always marks the boundary. Names longer than 64 characters are cut to 55 and
 * suffixed with `_` + 8 hex characters of their SHA-256 (stable, so the mapping is too).
 */
export function toProviderToolName(name: string): string {
  if (!NEONHUB_TOOL_NAME.test(name)) {
    throw llmErrors.create('NH_LLM_BAD_REQUEST', `tool name "${name}" is not a NeonHub tool name (plugin-id:tool_name or tool_name)`, {
      details: { name },
    });
  }
  const mapped = name.replace(':', SEPARATOR);
  if (mapped.length <= 64) return mapped;
  const digest = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `${mapped.slice(0, 55)}_${digest}`;
}

/** `agent-seo__analyze_page` → `agent-seo:analyze_page`; a name without `__` is returned unchanged. */
export function fromProviderToolName(name: string): string {
  const at = name.indexOf(SEPARATOR);
  if (at <= 0) return name;
  const plugin = name.slice(0, at);
  return /^[a-z][a-z0-9-]*$/.test(plugin) ? `${plugin}:${name.slice(at + SEPARATOR.length)}` : name;
}

/**
 * Maps a set of NeonHub tool names both ways. Use it for a call's tool set: it also resolves
 * hashed (shortened) names, which `fromProviderToolName` alone cannot.
 */
export function createToolNameMap(names: Iterable<string>) {
  const toProvider = new Map<string, string>();
  const toNeonHub = new Map<string, string>();
  for (const name of names) {
    const provider = toProviderToolName(name);
    const clash = toNeonHub.get(provider);
    if (clash !== undefined && clash !== name) {
      throw llmErrors.create('NH_LLM_BAD_REQUEST', `tools "${clash}" and "${name}" map to the same provider name "${provider}"`, {
        details: { names: [clash, name], provider },
      });
    }
    toProvider.set(name, provider);
    toNeonHub.set(provider, name);
  }
  return {
    toProvider: (name: string) => toProvider.get(name) ?? toProviderToolName(name),
    toNeonHub: (provider: string) => toNeonHub.get(provider) ?? fromProviderToolName(provider),
  };
}
