import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '../..');

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sources(path));
    else if (/\.(ts|mts|js|mjs|svelte)$/.test(name)) out.push(path);
  }
  return out;
}

const importsOf = (file: string) =>
  [...readFileSync(file, 'utf8').matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"]([^'"]+)['"]/g)].map((m) => m[1]!);

/** The dependency direction of the design: schemas <- core <- host; plugins and MCP servers never import the host. */
describe('package boundaries', () => {
  const cases: [string, RegExp][] = [
    ['plugins', /(^@neonhub\/host\b)|((\.\.\/)+host\/)/],
    ['mcp-servers', /(^@neonhub\/host\b)|((\.\.\/)+host\/)/],
    ['core', /(^@neonhub\/host\b)|((\.\.\/)+host\/)/],
    ['schemas', /(^@neonhub\/(host|sdk|db|llm)\b)|((\.\.\/)+(host|core)\/)/],
  ];
  for (const [folder, forbidden] of cases) {
    it(`${folder}/ does not import what it must not`, () => {
      // core's own tests hold plugin sources as strings (the conformance suite's bad examples)
      const files = sources(join(repo, folder)).filter((f) => folder !== 'core' || !/\.test\.ts$/.test(f));
      const offenders = files.flatMap((file) =>
        importsOf(file)
          .filter((spec) => forbidden.test(spec))
          .map((spec) => `${relative(repo, file)} imports ${spec}`),
      );
      expect(offenders).toEqual([]);
    });
  }
});

/**
 * Plugins are code a stranger could have written: they reach NeonHub only through the plugin SDK (and its testing
 * entry) and the schemas. Their tests may also use the shared local fakes and a sibling plugin they run against.
 */
describe('plugins import only the plugin surface', () => {
  const PLUGIN_SURFACE = new Set(['@neonhub/sdk', '@neonhub/sdk/testing', '@neonhub/schemas']);
  const TEST_EXTRAS = /^@neonhub\/(fakes|plugin-[a-z0-9-]+)(\/|$)/;
  const folders = [
    ...['plugins', 'mcp-servers'].flatMap((top) => readdirSync(join(repo, top)).map((name) => join(repo, top, name))),
    ...readdirSync(join(repo, 'host/test/fixtures/contracts')).map((name) => join(repo, 'host/test/fixtures/contracts', name)),
  ].filter((dir) => statSync(dir).isDirectory());

  it('every @neonhub import of a plugin is the SDK, its testing entry or the schemas; no relative import leaves the plugin', () => {
    const offenders: string[] = [];
    for (const dir of folders)
      for (const file of sources(dir)) {
        const isTest = /\.test\.ts$|[\\/]test[\\/]/.test(relative(dir, file));
        for (const spec of importsOf(file)) {
          if (spec.startsWith('@neonhub/') && !PLUGIN_SURFACE.has(spec) && !(isTest && TEST_EXTRAS.test(spec)))
            offenders.push(`${relative(repo, file)} imports ${spec}`);
          if (spec.startsWith('.') && !resolve(dirname(file), spec).startsWith(dir + sep))
            offenders.push(`${relative(repo, file)} imports ${spec} (outside its plugin)`);
        }
      }
    expect(folders.length).toBeGreaterThan(20);
    expect(offenders).toEqual([]);
  });

  it("the host's entry of the SDK (@neonhub/sdk/host) is not theirs, and the SDK's main entry exports none of it", async () => {
    const sdk = await import('@neonhub/sdk');
    const host = await import('@neonhub/sdk/host');
    const hostOnly = Object.keys(host);
    expect(hostOnly).toEqual(expect.arrayContaining(['createMemoryAccess', 'storeFor', 'syncPluginDir', 'toolDefinitionOf']));
    expect(hostOnly.filter((name) => name in sdk)).toEqual([]);
    expect(PLUGIN_SURFACE.has('@neonhub/sdk/host')).toBe(false);
  });

  it('the SDK a plugin depends on pulls in no LLM SDK or provider package (they load only in the host)', () => {
    const pkg = JSON.parse(readFileSync(join(repo, 'core/sdk/package.json'), 'utf8')) as Record<string, Record<string, string>>;
    const closure = new Set<string>();
    const walk = (dir: string, deps: Record<string, string>) => {
      for (const name of Object.keys(deps)) {
        if (closure.has(name)) continue;
        closure.add(name);
        // resolved as node does from the requiring package (pnpm links each package's own dependencies beside it)
        let at = dir;
        let found: string | undefined;
        for (;;) {
          const candidate = join(at, 'node_modules', name);
          try {
            statSync(join(candidate, 'package.json'));
            found = candidate;
            break;
          } catch {
            if (dirname(at) === at) break;
            at = dirname(at);
          }
        }
        if (!found) continue;
        const real = realpathSync(found);
        walk(
          real,
          (JSON.parse(readFileSync(join(real, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> }).dependencies ?? {},
        );
      }
    };
    walk(join(repo, 'core/sdk'), pkg.dependencies ?? {});
    expect(closure.has('@modelcontextprotocol/sdk')).toBe(true);
    expect([...closure].filter((n) => n === 'ai' || n === '@neonhub/llm' || /^@ai-sdk\/|^ollama-ai-provider/.test(n))).toEqual([]);
    // the LLM adapter is an optional peer: the harness loads the offline model from it when a test calls ctx.llm
    expect(pkg.peerDependenciesMeta?.['@neonhub/llm']).toEqual({ optional: true });
  });
});

/** Core reaches capabilities through contracts and the planner catalogue, never by a plugin's id (issue 18). */
describe('core names no plugin', () => {
  const pluginIds = readdirSync(join(repo, 'plugins')).filter((n) => statSync(join(repo, 'plugins', n)).isDirectory());

  it('core imports no plugin package or folder', () => {
    const offenders = sources(join(repo, 'core')).flatMap((file) =>
      importsOf(file)
        .filter((spec) => /^@neonhub\/plugin-/.test(spec) || /(\.\.\/)+plugins\//.test(spec))
        .map((spec) => `${relative(repo, file)} imports ${spec}`),
    );
    expect(offenders).toEqual([]);
  });

  it('the orchestrator and the call pipeline hold no plugin id or plugin tool name in their code', () => {
    const dirs = ['core/orchestrator/src', 'host/src/pipeline', 'host/src/runs', 'host/src/schedules'];
    const offenders: string[] = [];
    for (const dir of dirs)
      for (const file of sources(join(repo, dir)).filter((f) => !/\.test\.ts$/.test(f))) {
        // string literals only: comments may tell the history
        const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
        for (const id of pluginIds)
          if (new RegExp(`['"\`]${id}(:[a-z_]+)?['"\`]`).test(code)) offenders.push(`${relative(repo, file)} names ${id}`);
      }
    expect(pluginIds).toContain('governance');
    expect(offenders).toEqual([]);
  });

  it("the console calls no plugin tool by name: it asks the host for a contract's provider (issue 18)", () => {
    const offenders: string[] = [];
    for (const file of sources(join(repo, 'ui/src')).filter((f) => !/\.test\.ts$/.test(f))) {
      const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$|<!--[\s\S]*?-->/gm, '');
      for (const id of pluginIds)
        if (new RegExp(`['"\`]${id}:[a-z_]+['"\`]`).test(code)) offenders.push(`${relative(repo, file)} calls a tool of ${id}`);
    }
    expect(offenders).toEqual([]);
  });
});

/** The console talks to the host over HTTP: of NeonHub's packages it imports only the schemas (types, the API client). */
describe('the console imports only the schemas', () => {
  it('no @neonhub package but @neonhub/schemas (or an entry it exports), no relative path into host/ or core/', () => {
    // the console's code (its e2e tests boot a real host beside it, which is their job)
    const files = sources(join(repo, 'ui/src'));
    // a schemas entry other than the index keeps zod out of a page's bundle (merge-fields, for the approvals preview)
    const schemaEntries = Object.keys(JSON.parse(readFileSync(join(repo, 'schemas/package.json'), 'utf8')).exports as object)
      .filter((entry) => !entry.includes('*'))
      .map((entry) => join('@neonhub/schemas', entry));
    const offenders = files.flatMap((file) =>
      importsOf(file)
        .filter((spec) => (spec.startsWith('@neonhub/') && !schemaEntries.includes(spec)) || /(\.\.\/)+(host|core|plugins)\//.test(spec))
        .map((spec) => `${relative(repo, file)} imports ${spec}`),
    );
    expect(files.length).toBeGreaterThan(20);
    expect(offenders).toEqual([]);
  });
});
