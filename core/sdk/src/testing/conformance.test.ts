import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { definePlugin, defineTool } from '../define.js';
import { manifestToolsFromPlugin } from '../manifest-sync.js';
import { servePlugin } from '../serve/server.js';
import type { PluginDefinition } from '../types.js';
import { type ConformanceCheckId, checkConformance, formatIssues, importSpecifiers } from './conformance.js';
import { type Serve, workspaceReachesTools } from './workspace-check.js';

const greet = defineTool({
  name: 'greet',
  description: 'Greets a person by name, politely.',
  sideEffect: 'none',
  input: z.object({ name: z.string().min(1).describe('Who to greet.') }),
  output: z.object({ text: z.string() }),
  run: ({ name }) => ({ text: `Hello, ${name}` }),
});
const good = definePlugin({ id: 'demo-greeter', tools: [greet] });

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

interface Fixture {
  plugin?: PluginDefinition;
  manifest?: (m: Record<string, unknown>) => unknown;
  pkg?: (p: Record<string, unknown>) => unknown;
  files?: Record<string, string>;
}

/** A plugin folder that conforms, changed by the given edits. */
async function fixture(f: Fixture = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'nh-conformance-'));
  dirs.push(dir);
  const manifest: Record<string, unknown> = {
    id: 'demo-greeter',
    version: '1.2.0',
    kind: 'agent',
    description: 'Greets people.',
    host: '^0.2.0',
    runtime: { type: 'module', entry: 'src/index.ts' },
    tools: manifestToolsFromPlugin(good),
  };
  const pkg: Record<string, unknown> = {
    name: '@neonhub/plugin-demo-greeter',
    version: '1.2.0',
    type: 'module',
    files: ['plugin.json', 'src'],
    peerDependencies: { '@neonhub/sdk': '^0.1.0' },
  };
  const files: Record<string, string> = {
    'src/index.ts':
      "import { definePlugin } from '@neonhub/sdk';\nimport { greet } from './tools/greet.js';\nexport default definePlugin({ id: 'demo-greeter', tools: [greet] });\n",
    'src/tools/greet.ts':
      "import { defineTool } from '@neonhub/sdk';\nimport { z } from 'zod';\nexport const greet = defineTool({} as never);\n",
    ...f.files,
  };
  const m = f.manifest ? f.manifest(manifest) : manifest;
  const p = f.pkg ? f.pkg(pkg) : pkg;
  await writeFile(join(dir, 'plugin.json'), typeof m === 'string' ? m : JSON.stringify(m, null, 2));
  await writeFile(join(dir, 'package.json'), JSON.stringify(p, null, 2));
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(join(dir, rel, '..'), { recursive: true });
    await writeFile(join(dir, rel), text);
  }
  return dir;
}

const failing = async (dir: string, plugin: PluginDefinition = good): Promise<Record<string, string[]>> => {
  const out: Record<string, string[]> = {};
  for (const i of await checkConformance(dir, plugin)) out[i.check] = [...(out[i.check] ?? []), i.message];
  return out;
};
const only = (checks: Record<string, string[]>, id: ConformanceCheckId) => expect(Object.keys(checks)).toEqual([id]);

describe('checkConformance', () => {
  it('finds nothing wrong with a conforming plugin', async () => {
    const issues = await checkConformance(await fixture(), good);
    expect(issues, formatIssues(issues)).toEqual([]);
  });

  it('reports plugin.json that is not valid JSON or fails the schema', async () => {
    only(await failing(await fixture({ manifest: () => '{ nope' })), 'manifest-schema');
    const r = await failing(await fixture({ manifest: (m) => ({ ...m, kind: 'robot' }) }));
    only(r, 'manifest-schema');
    expect(r['manifest-schema']![0]).toMatch(/kind/);
  });

  it('reports an id mismatch and a version that differs from package.json', async () => {
    // the package name follows the manifest id, so it is reported too
    expect(Object.keys(await failing(await fixture({ manifest: (m) => ({ ...m, id: 'other-id' }) })))).toEqual([
      'plugin-id',
      'package-name',
    ]);
    const r = await failing(await fixture({ pkg: (p) => ({ ...p, version: '1.3.0' }) }));
    only(r, 'package-version');
    expect(r['package-version']![0]).toContain('1.3.0');
  });

  it('checks the package name, that plugin.json is packed, and that the SDK is a peer', async () => {
    only(await failing(await fixture({ pkg: (p) => ({ ...p, name: '@neonhub/greeter' }) })), 'package-name');
    expect(await failing(await fixture({ pkg: (p) => ({ ...p, name: '@acme/greeter' }) }))).toEqual({});
    only(await failing(await fixture({ pkg: (p) => ({ ...p, files: ['src'] }) })), 'package-name');
    const r = await failing(await fixture({ pkg: (p) => ({ ...p, peerDependencies: {}, dependencies: { '@neonhub/sdk': '^0.1.0' } }) }));
    only(r, 'sdk-peer');
    expect(r['sdk-peer']).toHaveLength(2);
  });

  it('reports tools that drift from plugin.json and tells the author to run neonhub plugin sync', async () => {
    const stale = await fixture({
      manifest: (m) => ({ ...m, tools: [{ ...(m.tools as object[])[0], description: 'An old description of greet.' }] }),
    });
    const r = await failing(stale);
    only(r, 'tools-sync');
    expect(r['tools-sync']![0]).toMatch(/greet differs .* in description: run `neonhub plugin sync`/);
    const extra = defineTool({ ...greet, name: 'wave' });
    const r2 = await failing(await fixture(), definePlugin({ id: 'demo-greeter', tools: [greet, extra] }));
    expect(r2['tools-sync']).toEqual([expect.stringMatching(/^tool wave is defined in code but not declared/)]);
  });

  it('asks for descriptions: ≥ 20 characters per tool and one per input property', async () => {
    const terse = defineTool({
      ...greet,
      description: 'Greets.',
      input: z.object({ name: z.string().describe('Who.'), extra: z.object({ tone: z.string() }) }),
    });
    const plugin = definePlugin({ id: 'demo-greeter', tools: [terse] });
    const dir = await fixture({ manifest: (m) => ({ ...m, tools: manifestToolsFromPlugin(plugin) }) });
    const r = await failing(dir, plugin);
    only(r, 'tool-descriptions');
    expect(r['tool-descriptions']).toEqual([
      expect.stringContaining('at least 20 characters'),
      expect.stringContaining('input properties extra, extra.tone'),
    ]);
  });

  it('reports a tool that accepts anything or crashes on bad input', async () => {
    const lax = defineTool({ ...greet, name: 'lax', input: z.any().describe('anything') as never, run: () => ({ text: '' }) });
    const crashy = defineTool({
      ...greet,
      name: 'crashy',
      input: z.unknown().transform((): { name: string } => {
        throw new Error('boom');
      }) as never,
    });
    const plugin = definePlugin({ id: 'demo-greeter', tools: [lax, crashy] });
    const dir = await fixture({ manifest: (m) => ({ ...m, tools: manifestToolsFromPlugin(plugin) }) });
    const r = await failing(dir, plugin);
    expect(r['input-validation']).toEqual([
      'tool lax accepted the input 42: give it a stricter zod input schema',
      'tool crashy crashed on the input 42 instead of failing validation',
    ]);
  });

  it('reports imports of the host and of files outside the plugin folder', async () => {
    const dir = await fixture({
      files: {
        'src/bad.ts':
          "import { hostErrors } from '@neonhub/host/errors';\nimport x from '../../shared/x.js';\nimport ok from '../package.json';\n",
        'src/lazy.ts': "const m = await import('../../elsewhere.js');\n",
      },
    });
    const r = await failing(dir);
    only(r, 'imports');
    expect(r.imports!.sort()).toEqual([
      'src/bad.ts imports ../../shared/x.js, outside the plugin folder: a packed plugin would not contain it',
      'src/bad.ts imports @neonhub/host/errors: plugins use @neonhub/sdk only, never the host',
      'src/lazy.ts imports ../../elsewhere.js, outside the plugin folder: a packed plugin would not contain it',
    ]);
  });

  it('finds static, type-only, side-effect, dynamic and require specifiers', () => {
    const src = `import a from 'a';\nimport type { B } from "b";\nimport 'c';\nexport * from './d.js';\nconst e = await import('e');\nconst f = require("f");\nimport {\n  g,\n} from 'g';`;
    expect(importSpecifiers(src).sort()).toEqual(['./d.js', 'a', 'b', 'c', 'e', 'f', 'g']);
  });

  it('checks secrets and network hosts beyond the schema', async () => {
    const dir = await fixture({
      manifest: (m) => ({
        ...m,
        secrets: [{ name: 'API_KEY' }],
        network: { hosts: ['*.com', '10.0.0.1', 'api.example.com', 'localhost:8080'] },
      }),
    });
    const r = await failing(dir);
    only(r, 'secrets-network');
    expect(r['secrets-network']).toEqual([
      expect.stringContaining('secret API_KEY: add a description'),
      expect.stringContaining('*.com allows a whole top-level domain'),
      expect.stringContaining('10.0.0.1 is an IP address'),
    ]);
  });

  it('compares declared hooks with hooks in code', async () => {
    const hooked = definePlugin({ id: 'demo-greeter', tools: [greet], hooks: { afterToolCall: () => {} } });
    const r = await failing(await fixture({ manifest: (m) => ({ ...m, hooks: [{ event: 'beforeToolCall' }] }) }), hooked);
    only(r, 'hooks');
    expect(r.hooks).toEqual([
      expect.stringContaining('hook afterToolCall is defined in code but not declared'),
      expect.stringContaining('hook beforeToolCall is declared in plugin.json but not defined in code'),
    ]);
  });

  it('reports a runtime.entry that does not exist', async () => {
    only(await failing(await fixture({ manifest: (m) => ({ ...m, runtime: { type: 'module', entry: 'src/main.ts' } }) })), 'entry');
  });
});

describe('the workspace-context check', () => {
  it('passes when every tool sees the calling workspace over MCP, in both wire forms', async () => {
    expect(await workspaceReachesTools(good)).toEqual([]);
  });

  it('fails when the served plugin does not get the workspace of the call (a wire that drops _meta)', async () => {
    const dropsMeta: Serve = async (def, opts) => {
      const served = await servePlugin(def, opts);
      const handlers = (
        served.server as unknown as { _requestHandlers: Map<string, (req: { params: { _meta?: unknown } }, extra: unknown) => unknown> }
      )._requestHandlers;
      const call = handlers.get('tools/call')!;
      handlers.set('tools/call', (req, extra) => call({ ...req, params: { ...req.params, _meta: undefined } }, extra));
      return served;
    };
    const problems = await workspaceReachesTools(good, dropsMeta);
    expect(problems).toHaveLength(4); // one tool x two wire forms x two workspaces
    expect(problems[0]).toMatch(/tool greet \(mcp-stdio\/mcp-http\) was called from workspace alpha but ctx.workspace is .*standalone/);
  });
});
