import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type PluginManifest, PluginManifestSchema } from '@neonhub/schemas';
import { type ParseError, parse as parseJsonc, printParseErrorCode } from 'jsonc-parser';
import semver from 'semver';
import { type HostErrorCode, hostErrors } from '../errors.js';
import { HOST_API_VERSION } from '../version.js';
import { type ManifestIssue, mapManifestIssues } from './manifest-issues.js';

/** plugin.json files larger than this are refused unread. */
export const MAX_MANIFEST_BYTES = 1024 * 1024;
export const MANIFEST_FILE = 'plugin.json';

function fail(code: HostErrorCode, message: string, details: Record<string, unknown>, cause?: unknown): never {
  throw hostErrors.create(code, message, { details, ...(cause === undefined ? {} : { cause }) });
}

async function readManifestText(file: string): Promise<string> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      fail('NH_MANIFEST_NOT_FOUND', `${file} does not exist: a plugin folder needs a plugin.json`, { file });
    fail('NH_MANIFEST_UNREADABLE', `${file} could not be read (${code ?? String(e)})`, { file }, e);
  }
  if (!info.isFile()) fail('NH_MANIFEST_UNREADABLE', `${file} is not a regular file (a directory?)`, { file });
  if (info.size > MAX_MANIFEST_BYTES)
    fail('NH_MANIFEST_UNREADABLE', `${file} is ${info.size} bytes; plugin.json may be at most ${MAX_MANIFEST_BYTES} bytes`, {
      file,
      size: info.size,
    });
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    fail('NH_MANIFEST_UNREADABLE', `${file} could not be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`, { file }, e);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (e) {
    fail('NH_MANIFEST_INVALID_JSON', `${file} is not UTF-8 text`, { file }, e);
  }
  // A UTF-8 byte order mark is accepted and ignored (editors on Windows add one). TextDecoder strips it already.
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Parses JSON; on failure reports the line and column of the first problem. */
function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const errors: ParseError[] = [];
    parseJsonc(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
    const first = errors[0];
    const offset = first?.offset ?? text.length;
    const before = text.slice(0, offset).split('\n');
    const line = before.length;
    const column = (before[before.length - 1]?.length ?? 0) + 1;
    // jsonc-parser names problems in CamelCase (`PropertyNameExpected`): make a phrase of it
    const what = first
      ? printParseErrorCode(first.error)
          .replace(/([a-z])([A-Z])/g, '$1 $2')
          .toLowerCase()
      : (e as Error).message;
    fail(
      'NH_MANIFEST_INVALID_JSON',
      `${file} is not valid JSON: ${what} at line ${line}, column ${column}`,
      { file, line, column, reason: what },
      e,
    );
  }
}

function issueError(file: string, issues: ManifestIssue[]): never {
  const first = issues[0] as ManifestIssue;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
  fail(first.code, `${file}: ${first.message}${more}`, { file, issues });
}

/** Checks the schema cannot express: semver ranges, cross-field references. */
function semanticIssues(m: PluginManifest): ManifestIssue[] {
  const issues: ManifestIssue[] = [];
  for (const [dep, range] of Object.entries(m.dependencies)) {
    if (!semver.validRange(range))
      issues.push({
        path: `dependencies.${dep}`,
        message: `dependencies.${dep}: "${range}" is not a semver range`,
        code: 'NH_MANIFEST_DEPENDENCY_INVALID',
      });
  }
  const bearer = m.runtime.type === 'mcp-http' ? m.runtime.bearerSecret : undefined;
  if (bearer && !m.secrets.some((s) => s.name === bearer)) {
    issues.push({
      path: 'runtime.bearerSecret',
      message: `runtime.bearerSecret names ${bearer}, which is not declared in secrets`,
      code: 'NH_MANIFEST_SECRET_INVALID',
    });
  }
  if (m.config && m.config.type !== 'object')
    issues.push({ path: 'config', message: 'config must be a JSON Schema with type "object"', code: 'NH_MANIFEST_CONFIG_INVALID' });
  return issues;
}

function checkHostRange(m: PluginManifest, file: string): void {
  if (!semver.validRange(m.host))
    fail('NH_MANIFEST_HOST_RANGE', `${file}: host "${m.host}" is not a semver range (try "^${HOST_API_VERSION}")`, {
      file,
      host: m.host,
      hostApiVersion: HOST_API_VERSION,
    });
  if (!semver.satisfies(HOST_API_VERSION, m.host, { includePrerelease: true }))
    fail('NH_MANIFEST_HOST_RANGE', `${file}: plugin ${m.id} needs host API ${m.host}, but this host provides ${HOST_API_VERSION}`, {
      file,
      host: m.host,
      hostApiVersion: HOST_API_VERSION,
    });
}

async function checkEntry(m: PluginManifest, dir: string, file: string): Promise<void> {
  if (m.runtime.type !== 'module') return;
  const entry = join(dir, m.runtime.entry);
  const ok = await stat(entry).then(
    (s) => s.isFile(),
    () => false,
  );
  if (!ok)
    fail('NH_MANIFEST_ENTRY_MISSING', `${file}: runtime.entry "${m.runtime.entry}" does not exist in ${dir}`, {
      file,
      entry: m.runtime.entry,
    });
}

async function checkPackageJson(m: PluginManifest, dir: string, file: string): Promise<void> {
  const pkgFile = join(dir, 'package.json');
  let text: string;
  try {
    text = await readFile(pkgFile, 'utf8');
  } catch {
    return; // no package.json (or unreadable): nothing to compare
  }
  let version: unknown;
  try {
    version = (JSON.parse(text) as { version?: unknown } | null)?.version;
  } catch (e) {
    fail('NH_MANIFEST_PACKAGE_MISMATCH', `${pkgFile} beside plugin.json is not valid JSON`, { file, packageJson: pkgFile }, e);
  }
  if (version !== undefined && version !== m.version)
    fail(
      'NH_MANIFEST_PACKAGE_MISMATCH',
      `${file}: version ${m.version} differs from package.json version ${String(version)}; make them equal`,
      {
        file,
        manifestVersion: m.version,
        packageVersion: version,
      },
    );
}

/**
 * Reads and validates `<dir>/plugin.json` without importing any plugin code.
 * Throws a NeonHubError with a specific NH_MANIFEST_* code; details carry `file` and, for
 * schema problems, `issues: [{ path, message, code }]`.
 */
export async function readManifest(dir: string): Promise<PluginManifest> {
  const abs = resolve(dir);
  const file = join(abs, MANIFEST_FILE);
  const raw = parseJson(await readManifestText(file), file);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    const got = raw === null ? 'null' : Array.isArray(raw) ? 'an array' : `a ${typeof raw}`;
    fail('NH_MANIFEST_NOT_OBJECT', `${file} must hold a JSON object, not ${got}`, { file });
  }
  const parsed = PluginManifestSchema.safeParse(raw);
  if (!parsed.success) issueError(file, mapManifestIssues(parsed.error.issues, raw as Record<string, unknown>));
  const manifest = parsed.data;
  checkHostRange(manifest, file);
  const semantic = semanticIssues(manifest);
  if (semantic.length) issueError(file, semantic);
  await checkEntry(manifest, abs, file);
  await checkPackageJson(manifest, abs, file);
  return manifest;
}
