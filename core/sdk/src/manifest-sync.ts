import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { type ToolDefinition, ToolDefinitionSchema } from '@neonhub/schemas';
import { sdkErrors } from './errors.js';
import { toolDefinitionOf } from './tool-schema.js';
import type { PluginDefinition } from './types.js';

/** The `tools` array plugin.json must hold for this plugin: generated from the zod schemas in code. */
export function manifestToolsFromPlugin(def: PluginDefinition): ToolDefinition[] {
  return def.tools.map((t) => toolDefinitionOf(t));
}

export interface SyncResult {
  /** Absolute path of the plugin.json written (or left as it was). */
  path: string;
  /** False when plugin.json already held exactly these tools (the file is then not touched). */
  changed: boolean;
  tools: ToolDefinition[];
}

/** Reads `<dir>/plugin.json` as a plain JSON object (no schema defaults applied), with coded errors. */
export async function readManifestJson(pluginDir: string): Promise<{ path: string; json: Record<string, unknown> }> {
  const path = join(resolve(pluginDir), 'plugin.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw sdkErrors.create('NH_SDK_MANIFEST_NOT_FOUND', `cannot read ${path}`, { cause, details: { path } });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw sdkErrors.create('NH_SDK_MANIFEST_INVALID', `${path} is not valid JSON: ${(cause as Error).message}`, {
      cause,
      details: { path },
    });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw sdkErrors.create('NH_SDK_MANIFEST_INVALID', `${path} must hold a JSON object`, { details: { path } });
  }
  return { path, json: json as Record<string, unknown> };
}

/**
 * Rewrites the `tools` array of `<pluginDir>/plugin.json` from the plugin's code, keeping every
 * other field and the key order (a missing `tools` key is placed after `runtime`). Zod in code is
 * the single source; the host reads plugin.json without running code. Writes only when it changes.
 */
export async function syncManifestFile(pluginDir: string, def: PluginDefinition): Promise<SyncResult> {
  const { path, json } = await readManifestJson(pluginDir);
  if (json.id !== def.id) {
    throw sdkErrors.create('NH_SDK_PLUGIN_ID_MISMATCH', `plugin.json has id ${String(json.id)} but definePlugin has id ${def.id}`, {
      details: { manifestId: json.id, pluginId: def.id },
    });
  }
  const tools = manifestToolsFromPlugin(def);
  tools.forEach((t, i) => {
    const r = ToolDefinitionSchema.safeParse(t);
    if (!r.success) {
      throw sdkErrors.create(
        'NH_SDK_MANIFEST_INVALID',
        `tool ${t.name} does not make a valid manifest tool: ${r.error.issues[0]?.message}`,
        {
          details: { index: i, tool: t.name, issues: r.error.issues },
        },
      );
    }
  });
  if (isDeepStrictEqual(json.tools, tools)) return { path, changed: false, tools };

  let next: Record<string, unknown>;
  if ('tools' in json) {
    next = { ...json, tools };
  } else {
    next = {};
    for (const [k, v] of Object.entries(json)) {
      next[k] = v;
      if (k === 'runtime') next.tools = tools;
    }
    if (!('tools' in next)) next.tools = tools;
  }
  await writeFile(path, `${JSON.stringify(next, null, 2)}\n`);
  return { path, changed: true, tools };
}

/** Imports a plugin folder's `runtime.entry` (needs a TS-aware loader such as tsx or vitest for .ts entries). */
export async function loadPluginDefinition(pluginDir: string): Promise<PluginDefinition> {
  const { json } = await readManifestJson(pluginDir);
  const runtime = json.runtime as { type?: unknown; entry?: unknown } | undefined;
  if (runtime?.type !== 'module' || typeof runtime.entry !== 'string') {
    throw sdkErrors.create('NH_SDK_PLUGIN_LOAD_FAILED', 'only plugins with runtime.type "module" and an entry have code to load', {
      details: { runtime },
    });
  }
  const file = resolve(pluginDir, runtime.entry);
  let mod: { default?: unknown };
  try {
    mod = await import(pathToFileURL(file).href);
  } catch (cause) {
    throw sdkErrors.create('NH_SDK_PLUGIN_LOAD_FAILED', `cannot import ${file}: ${(cause as Error).message}`, { cause, details: { file } });
  }
  const def = mod.default as PluginDefinition | undefined;
  if (!def || typeof def !== 'object' || typeof def.id !== 'string' || !Array.isArray(def.tools)) {
    throw sdkErrors.create('NH_SDK_PLUGIN_LOAD_FAILED', `${file} must default-export definePlugin({ id, tools })`, { details: { file } });
  }
  return def;
}

/** `neonhub plugin sync <dir>`: loads the plugin's code and rewrites plugin.json's tools from it. */
export async function syncPluginDir(pluginDir: string): Promise<SyncResult> {
  return syncManifestFile(pluginDir, await loadPluginDefinition(pluginDir));
}
