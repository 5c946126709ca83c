import { access, readdir, readFile } from 'node:fs/promises';
import { dirname, extname, isAbsolute, join, relative, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { isNeonHubError, type PluginManifest, PluginManifestSchema, type ToolDefinition } from '@neonhub/schemas';
import { manifestToolsFromPlugin } from '../manifest-sync.js';
import type { PluginDefinition } from '../types.js';
import { createHarness } from './harness.js';
import { workspaceReachesTools } from './workspace-check.js';

export type ConformanceCheckId =
  | 'manifest-schema'
  | 'plugin-id'
  | 'package-version'
  | 'package-name'
  | 'sdk-peer'
  | 'entry'
  | 'tools-sync'
  | 'tool-descriptions'
  | 'input-validation'
  | 'imports'
  | 'secrets-network'
  | 'hooks'
  | 'workspace-context';

/** One thing a plugin must fix, with a message that says how. */
export interface ConformanceIssue {
  check: ConformanceCheckId;
  message: string;
  details?: unknown;
}

/** What the checks look at: the folder, the code's definition, and the parsed files. */
export interface ConformanceSubject {
  dir: string;
  plugin: PluginDefinition;
  /** Parsed plugin.json (schema defaults applied); undefined when missing or invalid. */
  manifest?: PluginManifest;
  manifestProblem?: string;
  packageJson?: Record<string, unknown>;
  packageProblem?: string;
}

export interface ConformanceCheck {
  id: ConformanceCheckId;
  title: string;
  run(subject: ConformanceSubject): Promise<ConformanceIssue[]> | ConformanceIssue[];
}

async function readJson(path: string): Promise<{ json?: unknown; problem?: string }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return { problem: `${path} is missing or unreadable` };
  }
  try {
    return { json: JSON.parse(text) };
  } catch (e) {
    return { problem: `${path} is not valid JSON: ${(e as Error).message}` };
  }
}

/** Reads plugin.json and package.json of `dir` once for all checks. */
export async function loadConformanceSubject(dir: string, plugin: PluginDefinition): Promise<ConformanceSubject> {
  const abs = resolve(dir);
  const subject: ConformanceSubject = { dir: abs, plugin };
  const m = await readJson(join(abs, 'plugin.json'));
  if (m.problem) subject.manifestProblem = m.problem;
  else {
    const parsed = PluginManifestSchema.safeParse(m.json);
    if (parsed.success) subject.manifest = parsed.data;
    else
      subject.manifestProblem = `plugin.json does not match the manifest schema: ${parsed.error.issues
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ')}`;
  }
  const p = await readJson(join(abs, 'package.json'));
  if (p.problem) subject.packageProblem = p.problem;
  else if (typeof p.json !== 'object' || p.json === null || Array.isArray(p.json))
    subject.packageProblem = 'package.json must hold an object';
  else subject.packageJson = p.json as Record<string, unknown>;
  return subject;
}

const issue = (check: ConformanceCheckId, message: string, details?: unknown): ConformanceIssue =>
  details === undefined ? { check, message } : { check, message, details };

const SYNC_HINT = 'run `neonhub plugin sync` to regenerate plugin.json tools from the code';

function missingDescriptions(schema: unknown, path: string, out: string[]): void {
  if (typeof schema !== 'object' || schema === null) return;
  const s = schema as { properties?: Record<string, unknown>; items?: unknown };
  for (const [key, prop] of Object.entries(s.properties ?? {})) {
    const here = path ? `${path}.${key}` : key;
    const d = (prop as { description?: unknown }).description;
    if (typeof d !== 'string' || d.trim() === '') out.push(here);
    missingDescriptions(prop, here, out);
  }
  if (s.items) missingDescriptions(s.items, `${path}[]`, out);
}

const SOURCE_EXT = new Set(['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs', '.jsx']);

async function sourceFiles(dir: string): Promise<string[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules') out.push(...(await sourceFiles(p)));
    } else if (SOURCE_EXT.has(extname(e.name))) out.push(p);
  }
  return out;
}

const SPECIFIER_PATTERNS = [
  /\bfrom\s*['"]([^'"]+)['"]/g,
  /\bimport\s*['"]([^'"]+)['"]/g,
  /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
];

/** Module specifiers a source file imports (static, side-effect, dynamic with a literal, require). */
export function importSpecifiers(source: string): string[] {
  const found = new Set<string>();
  for (const re of SPECIFIER_PATTERNS) for (const m of source.matchAll(re)) if (m[1]) found.add(m[1]);
  return [...found];
}

function compareTools(code: ToolDefinition[], manifest: ToolDefinition[]): ConformanceIssue[] {
  const out: ConformanceIssue[] = [];
  const byName = new Map(manifest.map((t) => [t.name, t] as const));
  for (const t of code) {
    const m = byName.get(t.name);
    if (!m) out.push(issue('tools-sync', `tool ${t.name} is defined in code but not declared in plugin.json: ${SYNC_HINT}`));
    else {
      const fields = (['description', 'inputSchema', 'outputSchema', 'sideEffect', 'timeoutMs'] as const).filter(
        (f) => !isDeepStrictEqual(JSON.parse(JSON.stringify(t[f] ?? null)), JSON.parse(JSON.stringify(m[f] ?? null))),
      );
      if (fields.length > 0)
        out.push(
          issue('tools-sync', `tool ${t.name} differs between code and plugin.json in ${fields.join(', ')}: ${SYNC_HINT}`, { fields }),
        );
    }
    byName.delete(t.name);
  }
  for (const name of byName.keys())
    out.push(issue('tools-sync', `tool ${name} is declared in plugin.json but not defined in code: ${SYNC_HINT}`));
  if (out.length === 0 && code.map((t) => t.name).join() !== manifest.map((t) => t.name).join())
    out.push(issue('tools-sync', `plugin.json lists the tools in another order than the code: ${SYNC_HINT}`));
  return out;
}

async function rejectsBadInput(plugin: PluginDefinition, manifest: PluginManifest | undefined): Promise<ConformanceIssue[]> {
  const out: ConformanceIssue[] = [];
  const offline: typeof fetch = () => Promise.reject(new Error('the conformance suite does not reach the network'));
  const harness = createHarness(plugin, { ...(manifest ? { manifest } : {}), fetch: offline, defaultTimeoutMs: 5_000 });
  for (const tool of plugin.tools) {
    const def = manifestToolsFromPlugin({ ...plugin, tools: [tool] })[0]!;
    const required = (def.inputSchema as { required?: unknown }).required;
    const bad: unknown[] = [42];
    if (Array.isArray(required) && required.length > 0) bad.push({});
    for (const input of bad) {
      try {
        await harness.call(tool.name, input);
        out.push(
          issue('input-validation', `tool ${tool.name} accepted the input ${JSON.stringify(input)}: give it a stricter zod input schema`),
        );
      } catch (e) {
        if (!isNeonHubError(e) || e.code !== 'NH_SDK_INPUT_INVALID')
          out.push(
            issue('input-validation', `tool ${tool.name} crashed on the input ${JSON.stringify(input)} instead of failing validation`, {
              error: e instanceof Error ? e.message : String(e),
            }),
          );
      }
    }
  }
  return out;
}

/** Every check, in the order runConformance reports them. */
export const conformanceChecks: readonly ConformanceCheck[] = [
  {
    id: 'manifest-schema',
    title: 'plugin.json parses with the manifest schema',
    run: (s) => (s.manifestProblem ? [issue('manifest-schema', s.manifestProblem)] : []),
  },
  {
    id: 'plugin-id',
    title: "definePlugin's id equals plugin.json's id",
    run: ({ manifest, plugin }) =>
      manifest && manifest.id !== plugin.id
        ? [issue('plugin-id', `definePlugin has id ${plugin.id} but plugin.json has id ${manifest.id}: make them equal`)]
        : [],
  },
  {
    id: 'package-version',
    title: "plugin.json's version equals package.json's version",
    run: ({ manifest, packageJson, packageProblem }) => {
      if (packageProblem) return [issue('package-version', packageProblem)];
      if (manifest && packageJson && packageJson.version !== manifest.version)
        return [
          issue(
            'package-version',
            `plugin.json has version ${manifest.version} but package.json has ${String(packageJson.version)}: make them equal`,
          ),
        ];
      return [];
    },
  },
  {
    id: 'package-name',
    title: 'package.json has a name (@neonhub/plugin-<id> for first-party plugins) and packs plugin.json',
    run: ({ manifest, packageJson }) => {
      if (!packageJson) return [];
      const out: ConformanceIssue[] = [];
      const name = packageJson.name;
      if (typeof name !== 'string' || name.trim() === '') out.push(issue('package-name', 'package.json has no name'));
      else if (manifest && name.startsWith('@neonhub/') && name !== `@neonhub/plugin-${manifest.id}`)
        out.push(issue('package-name', `a first-party plugin package is named @neonhub/plugin-${manifest.id}, not ${name}`));
      const files = packageJson.files;
      if (Array.isArray(files) && !files.includes('plugin.json'))
        out.push(issue('package-name', 'package.json "files" must include plugin.json, or the packed plugin has no manifest'));
      return out;
    },
  },
  {
    id: 'sdk-peer',
    title: 'package.json declares @neonhub/sdk as a peer dependency, not a dependency',
    run: ({ packageJson }) => {
      if (!packageJson) return [];
      const out: ConformanceIssue[] = [];
      const peers = (packageJson.peerDependencies ?? {}) as Record<string, unknown>;
      const deps = (packageJson.dependencies ?? {}) as Record<string, unknown>;
      if (typeof peers['@neonhub/sdk'] !== 'string')
        out.push(issue('sdk-peer', 'declare "@neonhub/sdk" under peerDependencies so the host provides the one SDK instance'));
      if (deps['@neonhub/sdk'] !== undefined)
        out.push(issue('sdk-peer', 'move "@neonhub/sdk" from dependencies to peerDependencies (and devDependencies for tests)'));
      return out;
    },
  },
  {
    id: 'entry',
    title: 'runtime.entry exists',
    run: async ({ manifest, dir }) => {
      if (manifest?.runtime.type !== 'module') return [];
      const file = join(dir, manifest.runtime.entry);
      try {
        await access(file);
        return [];
      } catch {
        return [issue('entry', `runtime.entry ${manifest.runtime.entry} does not exist in the plugin folder`)];
      }
    },
  },
  {
    id: 'tools-sync',
    title: 'the tools in code equal the tools in plugin.json',
    run: ({ manifest, plugin }) => (manifest ? compareTools(manifestToolsFromPlugin(plugin), manifest.tools) : []),
  },
  {
    id: 'tool-descriptions',
    title: 'every tool description has ≥ 20 characters and every input property a description',
    run: ({ plugin }) => {
      const out: ConformanceIssue[] = [];
      for (const def of manifestToolsFromPlugin(plugin)) {
        if (def.description.trim().length < 20)
          out.push(
            issue('tool-descriptions', `tool ${def.name}: write a description of at least 20 characters (models choose tools by it)`),
          );
        const missing: string[] = [];
        missingDescriptions(def.inputSchema, '', missing);
        if (missing.length > 0)
          out.push(
            issue('tool-descriptions', `tool ${def.name}: add .describe('...') to the input properties ${missing.join(', ')}`, { missing }),
          );
      }
      return out;
    },
  },
  {
    id: 'input-validation',
    title: 'each tool rejects obviously wrong input with NH_SDK_INPUT_INVALID',
    run: ({ plugin, manifest }) => rejectsBadInput(plugin, manifest),
  },
  {
    id: 'imports',
    title: 'the source imports neither @neonhub/host nor files outside the plugin folder',
    run: async ({ dir }) => {
      const out: ConformanceIssue[] = [];
      for (const file of await sourceFiles(join(dir, 'src'))) {
        const text = await readFile(file, 'utf8');
        const rel = relative(dir, file);
        for (const spec of importSpecifiers(text)) {
          if (spec === '@neonhub/host' || spec.startsWith('@neonhub/host/'))
            out.push(issue('imports', `${rel} imports ${spec}: plugins use @neonhub/sdk only, never the host`));
          else if (spec.startsWith('.') || isAbsolute(spec) || spec.startsWith('file:')) {
            const target = spec.startsWith('file:') ? spec : resolve(dirname(file), spec);
            const inside = !spec.startsWith('file:') && !relative(dir, target).startsWith('..') && !isAbsolute(relative(dir, target));
            if (!inside)
              out.push(issue('imports', `${rel} imports ${spec}, outside the plugin folder: a packed plugin would not contain it`));
          }
        }
      }
      return out;
    },
  },
  {
    id: 'secrets-network',
    title: 'declared secrets and network hosts are well-formed',
    run: ({ manifest }) => {
      if (!manifest) return [];
      const out: ConformanceIssue[] = [];
      for (const s of manifest.secrets)
        if (s.description.trim() === '')
          out.push(issue('secrets-network', `secret ${s.name}: add a description (admins see it when they enter the value)`));
      for (const h of manifest.network.hosts) {
        const name = h.replace(/:\d+$/, '');
        if (name.startsWith('*.') && !name.slice(2).includes('.'))
          out.push(issue('secrets-network', `network host ${h} allows a whole top-level domain: name the service's domain`));
        if (/^\d+(\.\d+){3}$/.test(name)) out.push(issue('secrets-network', `network host ${h} is an IP address: declare a host name`));
      }
      const names = new Set(manifest.secrets.map((s) => s.name));
      if (manifest.runtime.type === 'mcp-http' && manifest.runtime.bearerSecret && !names.has(manifest.runtime.bearerSecret))
        out.push(issue('secrets-network', `runtime.bearerSecret ${manifest.runtime.bearerSecret} is not declared under secrets`));
      return out;
    },
  },
  {
    id: 'hooks',
    title: 'hooks declared in plugin.json equal the hooks in code',
    run: ({ manifest, plugin }) => {
      if (!manifest) return [];
      const out: ConformanceIssue[] = [];
      const declared = new Set(manifest.hooks.map((h) => h.event));
      const inCode = new Set((['beforeToolCall', 'afterToolCall'] as const).filter((h) => typeof plugin.hooks?.[h] === 'function'));
      for (const h of inCode)
        if (!declared.has(h))
          out.push(issue('hooks', `hook ${h} is defined in code but not declared in plugin.json hooks: the host would never run it`));
      for (const h of declared)
        if (!inCode.has(h)) out.push(issue('hooks', `hook ${h} is declared in plugin.json but not defined in code`));
      return out;
    },
  },
  {
    id: 'workspace-context',
    title: 'each tool receives the calling workspace as ctx.workspace when served over MCP (isolated, mcp-stdio, mcp-http)',
    run: async ({ plugin }) => (await workspaceReachesTools(plugin)).map((m) => issue('workspace-context', m)),
  },
];

/** Runs every conformance check on a plugin folder and its definition; an empty list means it conforms. */
export async function checkConformance(dir: string, plugin: PluginDefinition): Promise<ConformanceIssue[]> {
  const subject = await loadConformanceSubject(dir, plugin);
  const out: ConformanceIssue[] = [];
  for (const check of conformanceChecks) out.push(...(await check.run(subject)));
  return out;
}

/** Issues as lines a person reads in a test failure or the CLI. */
export function formatIssues(issues: readonly ConformanceIssue[]): string {
  return issues.map((i) => `[${i.check}] ${i.message}`).join('\n');
}
