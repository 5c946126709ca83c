import { createHash } from 'node:crypto';
import { existsSync, realpathSync } from 'node:fs';
import { mkdir, readFile, realpath, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { build } from 'esbuild';
import { hostErrors } from '../errors.js';
import { isInside } from '../plugins/contained.js';

/** Bump when the generated runner or build options change, so old bundles are not reused. */
const BUNDLE_FORMAT = 1;

const RUNNER_NAME = 'neonhub-isolated-runner.ts';
const hostRequire = createRequire(import.meta.url);
const serveModule = hostRequire.resolve('@neonhub/sdk/serve');

/** The folder of the package.json nearest above `file`, as a realpath. */
function packageRoot(file: string): string {
  let dir = dirname(realpathSync(file));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/**
 * The host's own packages the runner is built with: the folder holding the SDK package (with its sibling packages
 * such as @neonhub/llm; in this repository `core/`, installed from npm `node_modules/@neonhub/`) and schemas.
 */
const sdkRoots = [dirname(packageRoot(serveModule)), packageRoot(hostRequire.resolve('@neonhub/schemas'))];

/**
 * What a bundle may take in: the plugin's own folder, installed packages (under a `node_modules` folder) and the
 * SDK. Anything else (an import of `/etc/passwd.json`, of `../../.neonhub/…`, a tsconfig `paths` alias or a
 * `node_modules` link pointing out) would copy a file of the host's into the plugin's code; the build is refused.
 */
async function foreignInputs(dir: string, inputs: string[]): Promise<string[]> {
  const foreign: string[] = [];
  for (const path of inputs) {
    const real = await realpath(path).catch(() => path);
    if (isInside(dir, real) || real.split(sep).includes('node_modules') || sdkRoots.some((r) => isInside(r, real))) continue;
    foreign.push(real);
  }
  return foreign;
}

export interface BundleOptions {
  pluginId: string;
  /** Absolute plugin folder. */
  dir: string;
  /** Entry, relative to `dir`. */
  entry: string;
  cacheDir: string;
}

export interface BundleResult {
  /** Absolute path of the single ESM file (`.mjs`) to run. */
  file: string;
  /** True when a cached bundle was reused. */
  cached: boolean;
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** The generated entry: the plugin's default export served over stdio by the SDK. */
function runnerSource(entryPath: string): string {
  return [
    `import * as plugin from ${JSON.stringify(entryPath)};`,
    `import { serveStdio } from ${JSON.stringify(serveModule)};`,
    'const def = plugin.default;',
    `if (!def || typeof def.id !== 'string' || !Array.isArray(def.tools)) {`,
    `  process.stderr.write(JSON.stringify({ level: 'error', msg: 'the entry does not default-export definePlugin(...)' }) + '\\n');`,
    '  process.exit(78);',
    '}',
    'await serveStdio(def);',
  ].join('\n');
}

async function inputsStillMatch(inputsFile: string): Promise<boolean> {
  let inputs: Record<string, string>;
  try {
    inputs = JSON.parse(await readFile(inputsFile, 'utf8'));
  } catch {
    return false;
  }
  for (const [file, hash] of Object.entries(inputs)) {
    try {
      if (sha256(await readFile(file)) !== hash) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/**
 * Bundles a module plugin with the SDK's stdio MCP server into one ESM file, so the child can
 * run under Node's permission model (which forbids the worker threads a TS loader needs).
 * Cached in `cacheDir/isolated/` per plugin folder and entry, and rebuilt when any file that
 * went into the bundle (the plugin's own files, its dependencies, the SDK) changed.
 */
export async function bundlePlugin(opts: BundleOptions): Promise<BundleResult> {
  const dir = await realpath(opts.dir);
  const entryPath = resolve(dir, opts.entry);
  const source = runnerSource(entryPath);
  const key = sha256(JSON.stringify({ BUNDLE_FORMAT, dir, entry: opts.entry, source, node: process.versions.node })).slice(0, 20);
  const outDir = join(opts.cacheDir, 'isolated');
  const file = join(outDir, `${opts.pluginId}-${key}.mjs`);
  const inputsFile = `${file}.inputs.json`;
  if (await inputsStillMatch(inputsFile)) return { file, cached: true };

  await mkdir(outDir, { recursive: true });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  const result = await build({
    stdin: { contents: source, resolveDir: dir, sourcefile: RUNNER_NAME, loader: 'ts' },
    absWorkingDir: dir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: `node${process.versions.node.split('.')[0]}`,
    outfile: tmp,
    metafile: true,
    logLevel: 'silent',
    legalComments: 'none',
    banner: { js: "import { createRequire as __nhCreateRequire } from 'node:module'; const require = __nhCreateRequire(import.meta.url);" },
  });
  const paths = Object.keys(result.metafile.inputs)
    .filter((input) => !input.startsWith('<') && input !== RUNNER_NAME)
    .map((input) => (isAbsolute(input) ? input : resolve(dir, input)));
  const foreign = await foreignInputs(dir, paths);
  if (foreign.length) {
    await rm(tmp, { force: true });
    throw hostErrors.create(
      'NH_PLUGIN_PATH_ESCAPES',
      `plugin ${opts.pluginId} imports files outside its folder and its packages: ${foreign.slice(0, 5).join(', ')}`,
      { details: { plugin: opts.pluginId, dir, files: foreign.slice(0, 50) } },
    );
  }
  const inputs: Record<string, string> = {};
  for (const path of paths) inputs[path] = sha256(await readFile(path));
  await rename(tmp, file);
  const inputsTmp = `${inputsFile}.${process.pid}.tmp`;
  await writeFile(inputsTmp, JSON.stringify(inputs));
  await rename(inputsTmp, inputsFile);
  return { file, cached: false };
}
