import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';

/**
 * The CLI as plain JavaScript, for test suites that start `neonhub` hundreds of times.
 *
 * `host/bin/neonhub.js` runs the TypeScript sources through tsx's loader: every start sends each of the ~2,000 modules
 * a command loads (host, workspace packages, node_modules) through the loader's hooks, about 3 s of CPU before the
 * command does anything. This build is the same sources bundled once per test run (esbuild, already the host's
 * dependency for isolated plugins): `node <dir>/host/src/cli/main.js` runs the same code without a loader.
 *
 * What stays the same as under tsx:
 * - node_modules are not bundled: each is imported from its own file, so the host and a plugin share one instance.
 * - `import.meta.url` / `dirname` / `filename` keep the source file's values (the CLI finds its checkout, migrations,
 *   the PGlite worker and package.json as from the sources).
 * - A TypeScript module imported at run time (an in-process plugin, a plugin's manifest check) registers tsx's loader
 *   first, as the real bin does from the start, plus a hook that resolves the workspace packages (@neonhub/sdk,
 *   @neonhub/schemas, ...) to this build's copies, so the plugin's NeonHubError is the host's NeonHubError.
 *
 * The README's own commands (tsx, pnpm) keep being tested as written by host/test/first-hour.
 */

/** Names the built CLI for the test workers (set by scripts/vitest-global-setup.ts, read by cli-bin.ts). */
export const CLI_TEST_BIN_ENV = 'NEONHUB_TEST_CLI_BIN';

const repoRoot = resolve(import.meta.dirname, '../..');
const hostRequire = createRequire(join(repoRoot, 'host/package.json'));

/** Workspace packages whose entry points the build exposes, so a plugin loaded later shares the host's instances. */
const WORKSPACE_PACKAGES = [
  'schemas',
  'core/db',
  'core/fakes',
  'core/json-schema',
  'core/llm',
  'core/orchestrator',
  'core/queue',
  'core/sdk',
  'core/telemetry',
];

/**
 * Test fixture scripts that tests start as processes of their own (hosts and workers killed mid-run, a stdio server):
 * built beside the CLI (sharing its chunks), started by nodeArgsFor (cli-bin.ts) without tsx's loader.
 */
export const TEST_SCRIPTS = [
  'host/test/runs/fixtures/approval-host.ts',
  'host/test/runs/fixtures/crash-worker.ts',
  'host/test/mcp/fixtures/stdio-server.ts',
  'host/test/outbox/fixtures/outbox-worker.ts',
  'host/test/trust/fixtures/audited-caller.ts',
];

/** Dynamic imports of TypeScript modules at run time: each goes through `importTs` (tsx registered first). */
const TS_IMPORTS: Record<string, string> = {
  'host/src/runtimes/in-process.ts': 'import(pathToFileURL(entry).href)',
  'core/sdk/src/manifest-sync.ts': 'import(pathToFileURL(file).href)',
};

function packageEntries(): string[] {
  const entries: string[] = [];
  for (const dir of WORKSPACE_PACKAGES) {
    const pkg = JSON.parse(readFileSync(join(repoRoot, dir, 'package.json'), 'utf8')) as { exports: Record<string, string> };
    for (const target of Object.values(pkg.exports)) if (target.endsWith('.ts')) entries.push(join(repoRoot, dir, target));
  }
  return entries;
}

const fileUrl = (path: string) => pathToFileURL(path).href;

function sourcePlugin(importTsUrl: string): Plugin {
  return {
    name: 'neonhub-cli-test-build',
    setup(b) {
      // node_modules stay outside the bundle, imported by their real file (one instance, as Node would resolve it).
      b.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData?.inner || args.path.startsWith('node:')) return undefined;
        if (args.path.startsWith('file:')) return { path: args.path, external: true };
        const r = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, pluginData: { inner: true } });
        if (r.errors.length > 0 || !r.path) return undefined;
        const real = realpathSync(r.path);
        return real.includes('/node_modules/') ? { path: fileUrl(real), external: true } : undefined;
      });
      b.onLoad({ filter: /\.ts$/ }, (args) => {
        let source = readFileSync(args.path, 'utf8');
        const shebang = source.startsWith('#!') ? source.slice(0, source.indexOf('\n') + 1) : '';
        const rel = relative(repoRoot, args.path);
        const dynamic = TS_IMPORTS[rel];
        if (dynamic) {
          if (!source.includes(dynamic)) throw new Error(`cli-test-build: ${rel} no longer contains ${dynamic}`);
          source = source.replace(dynamic, `import(${JSON.stringify(importTsUrl)}).then((m) => m.importTs(${dynamic.slice(7, -1)}))`);
        }
        const meta = `const __nhMetaUrl = ${JSON.stringify(fileUrl(args.path))}, __nhMetaDirname = ${JSON.stringify(dirname(args.path))}, __nhMetaFilename = ${JSON.stringify(args.path)};\n`;
        return { contents: shebang + meta + source.slice(shebang.length), loader: 'ts' };
      });
    },
  };
}

/** Builds the CLI into `outDir`; returns the file to run with `node`. */
export async function buildCliForTests(outDir: string): Promise<string> {
  const importTs = join(outDir, 'import-ts.mjs');
  const scripts = TEST_SCRIPTS.map((f) => join(repoRoot, f));
  const sources = [join(repoRoot, 'host/src/cli/main.ts'), ...packageEntries()];
  await build({
    entryPoints: [...sources, ...scripts],
    outbase: repoRoot,
    outdir: outDir,
    entryNames: '[dir]/[name]',
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Node's own resolution: "main" and the exports conditions node/import/default, not a bundler's "module" build.
    mainFields: ['main'],
    conditions: [],
    define: { 'import.meta.url': '__nhMetaUrl', 'import.meta.dirname': '__nhMetaDirname', 'import.meta.filename': '__nhMetaFilename' },
    logLevel: 'error',
    plugins: [sourcePlugin(fileUrl(importTs))],
  });
  writeFileSync(join(outDir, 'package.json'), '{ "type": "module" }\n');

  // Workspace package entries (sources) -> this build's copies, for modules tsx loads later.
  const redirects = Object.fromEntries(
    sources.slice(1).map((src) => [fileUrl(realpathSync(src)), fileUrl(join(outDir, relative(repoRoot, src).replace(/\.ts$/, '.js')))]),
  );
  writeFileSync(
    join(outDir, 'workspace-hooks.mjs'),
    `const redirects = ${JSON.stringify(redirects)};\n` +
      'export async function resolve(specifier, context, next) {\n' +
      '  const r = await next(specifier, context);\n' +
      '  const to = redirects[r.url];\n' +
      "  return to ? { url: to, format: 'module', shortCircuit: true } : r;\n" +
      '}\n',
  );
  writeFileSync(
    importTs,
    "import { register } from 'node:module';\n" +
      'let ready;\n' +
      '/** Registers tsx (as host/bin/neonhub.js does) and the workspace redirects once, then imports `url`. */\n' +
      'export async function importTs(url) {\n' +
      '  ready ??= (async () => {\n' +
      `    (await import(${JSON.stringify(fileUrl(hostRequire.resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')))})).register();\n` +
      `    register(${JSON.stringify(fileUrl(join(outDir, 'workspace-hooks.mjs')))});\n` +
      '  })();\n' +
      '  await ready;\n' +
      '  return import(url);\n' +
      '}\n',
  );
  return join(outDir, 'host/src/cli/main.js');
}
