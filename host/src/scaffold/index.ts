import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { PluginIdSchema, type PluginKind, PluginKindSchema, PluginManifestSchema } from '@neonhub/schemas';
import { toolDefinitionOf } from '@neonhub/sdk/host';
import { hostErrors } from '../errors.js';
import { HOST_API_VERSION } from '../version.js';
import { exampleTool } from './example-tool.js';
import { pluginTemplate } from './templates.js';

export interface ScaffoldOptions {
  /** Folder to create; it may exist only if empty. */
  dir: string;
  /** Plugin id, lowercase kebab-case (e.g. `agent-social`); the package is named `@neonhub/plugin-<id>`. */
  id: string;
  kind: PluginKind | string;
  description?: string;
  /**
   * Range for the `@neonhub/sdk` peer and dev dependency. Default `^` + HOST_API_VERSION (the published SDK of this API); inside
   * the NeonHub repo pass `workspace:^` so pnpm links the local SDK.
   */
  sdkRange?: string;
  /** The plugin.json `host` range. Default `^` + this host's API version (HOST_API_VERSION). */
  hostRange?: string;
}

export interface ScaffoldResult {
  /** Absolute folder written. */
  dir: string;
  /** Files written, relative to `dir`, sorted. */
  files: string[];
}

async function assertEmptyTarget(dir: string): Promise<void> {
  let info: import('node:fs').Stats;
  try {
    info = await stat(dir);
  } catch {
    return; // does not exist: fine
  }
  if (!info.isDirectory()) throw hostErrors.create('NH_SCAFFOLD_DIR_NOT_EMPTY', `${dir} exists and is a file`, { details: { dir } });
  const entries = await readdir(dir);
  if (entries.length > 0)
    throw hostErrors.create('NH_SCAFFOLD_DIR_NOT_EMPTY', `${dir} is not empty; choose a new folder`, {
      details: { dir, entries: entries.slice(0, 10) },
    });
}

/** Writes a new plugin folder: plugin.json (tools generated), package.json, an example tool with its test, the conformance test and a README. */
export async function scaffoldPlugin(opts: ScaffoldOptions): Promise<ScaffoldResult> {
  const id = PluginIdSchema.safeParse(opts.id);
  if (!id.success)
    throw hostErrors.create('NH_SCAFFOLD_ID_INVALID', `"${opts.id}" is not a plugin id: ${id.error.issues[0]?.message}`, {
      details: { id: opts.id },
    });
  const kind = PluginKindSchema.safeParse(opts.kind);
  if (!kind.success)
    throw hostErrors.create('NH_SCAFFOLD_KIND_INVALID', `"${opts.kind}" is not a plugin kind: use agent, connector or capability`, {
      details: { kind: opts.kind },
    });
  const dir = resolve(opts.dir);
  await assertEmptyTarget(dir);
  const files = pluginTemplate({
    id: id.data,
    kind: kind.data,
    description: opts.description?.trim() || `A NeonHub ${kind.data} plugin.`,
    sdkRange: opts.sdkRange ?? `^${HOST_API_VERSION}`,
    hostRange: opts.hostRange ?? `^${HOST_API_VERSION}`,
    tools: [toolDefinitionOf(exampleTool)],
  });
  const manifest = PluginManifestSchema.safeParse(JSON.parse(files['plugin.json']!));
  if (!manifest.success)
    throw hostErrors.create('NH_MANIFEST_INVALID', `the new plugin.json would be invalid: ${manifest.error.issues[0]?.message}`, {
      details: { issues: manifest.error.issues },
    });
  for (const [rel, text] of Object.entries(files)) {
    const path = join(dir, rel);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text, { flag: 'wx' });
  }
  return { dir, files: Object.keys(files).sort() };
}
