// MCP gateway benchmark: `npx tsx bench/mcp/run.ts`. Everything is compared side by side in one run
// (absolute times swing up to 2x between runs on this machine; ratios are what count).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { PluginManifestSchema, type ToolDefinition } from '@neonhub/schemas';
import { createMcpStdioRuntime } from '../../host/src/runtimes/external-mcp.js';
import type { PluginRuntime } from '../../host/src/runtimes/types.js';
import { startTestHost } from '../../host/test/mcp/fixtures/harness.js';
import { startBareServer } from './bare-server.js';

const here = dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes('--quick');
const N10 = quick ? 100 : 400;
const NOOP = quick ? 300 : 2000;
const NLIST = quick ? 100 : 400;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

async function connect(url: URL, token?: string) {
  const client = new Client({ name: 'bench', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(url, { requestInit: { headers: token ? { authorization: `Bearer ${token}` } : {} } }),
  );
  return client;
}

/** Alternates blocks of calls on a and b so drift hits both alike; returns per-call ms. */
/** Fails loudly when a call answered with an error result: a fast error would look like a fast call. */
const must = (fn: () => Promise<unknown>) => async (): Promise<unknown> => {
  const r = (await fn()) as { isError?: boolean; content?: unknown };
  if (r?.isError) throw new Error(`benchmark call failed: ${JSON.stringify(r.content)}`);
  return r;
};

async function sideBySide(n: number, a0: () => Promise<unknown>, b0: () => Promise<unknown>) {
  const a = must(a0);
  const b = must(b0);
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < 20; i++) {
    await a();
    await b();
  }
  const block = 10;
  for (let done = 0; done < n; done += block) {
    for (const [fn, out] of [
      [a, ta],
      [b, tb],
    ] as const) {
      for (let i = 0; i < block; i++) {
        const t0 = performance.now();
        await fn();
        out.push(performance.now() - t0);
      }
    }
  }
  return { a: ta, b: tb };
}

/** A plugin of `count` tools with schemas of a realistic size (a fake runtime: listing only). */
function syntheticTools(count: number): ToolDefinition[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `tool_${i}`,
    description: `Synthetic tool number ${i}: analyses a page and returns scores, headings and suggestions for the marketer.`,
    inputSchema: {
      type: 'object',
      properties: {
        url: { type: 'string', format: 'uri', description: 'Page URL' },
        keywords: { type: 'array', items: { type: 'string' }, maxItems: 20 },
        locale: { type: 'string', enum: ['en', 'de', 'fr', 'es'] },
        options: { type: 'object', properties: { depth: { type: 'integer', minimum: 1, maximum: 5 }, mobile: { type: 'boolean' } } },
      },
      required: ['url'],
      additionalProperties: false,
    },
    outputSchema: {
      type: 'object',
      properties: { score: { type: 'number' }, suggestions: { type: 'array', items: { type: 'string' } } },
      required: ['score'],
    },
    sideEffect: 'read',
  }));
}

const fakeRuntime: PluginRuntime = {
  kind: 'in-process',
  status: 'ready',
  start: async () => {},
  listTools: async () => [],
  invoke: async () => ({ score: 1 }),
  stop: async () => {},
};

const rows: { what: string; gateway: string; baseline: string; ratio: string; target: string; ok: boolean }[] = [];
const f = (ms: number) => `${ms.toFixed(3)} ms`;

const host = await startTestHost({
  workspaces: ['bench', 'wide', 'narrow', 'slow'],
  extraPlugins: async ({ registry, logger }) => {
    for (const [id, n] of [
      ['many-tools', 50],
      ['one-tool', 1],
    ] as const) {
      const manifest = PluginManifestSchema.parse({
        id,
        version: '1.0.0',
        kind: 'agent',
        description: id,
        host: '^0.2.0',
        runtime: { type: 'module', entry: 'x.ts' },
        tools: syntheticTools(n),
      });
      registry.addPlugin({ manifest, dir: here, runtime: fakeRuntime, isolation: 'in-process', firstParty: true }, manifest.tools);
    }
    const manifest = PluginManifestSchema.parse({
      id: 'slow',
      version: '1.0.0',
      kind: 'connector',
      description: 'slow stdio server',
      host: '^0.2.0',
      runtime: { type: 'mcp-stdio', command: 'node', args: ['slow-server.mjs'] },
    });
    const runtime = createMcpStdioRuntime({ manifest, dir: here, cacheDir: join(here, '.cache'), logger });
    await runtime.start();
    registry.addPlugin({ manifest, dir: here, runtime, isolation: 'mcp', firstParty: true }, await runtime.listTools());
  },
});
host.workspaces.enable('bench', 'demo');
host.workspaces.enable('wide', 'many-tools');
host.workspaces.enable('narrow', 'one-tool');
host.workspaces.enable('slow', 'slow');
const bare = await startBareServer();

try {
  const gw = await connect(host.url, await host.token('bench'));
  const bb = await connect(bare.url);

  // 1. a tool doing 10 ms of work: gateway vs bare SDK server
  const w = await sideBySide(
    N10,
    () => gw.callTool({ name: 'demo__work_10ms', arguments: {} }),
    () => bb.callTool({ name: 'work_10ms', arguments: {} }),
  );
  for (const p of [50, 99]) {
    const r = pct(w.a, p) / pct(w.b, p);
    rows.push({
      what: `10 ms tool, p${p}`,
      gateway: f(pct(w.a, p)),
      baseline: f(pct(w.b, p)),
      ratio: `${r.toFixed(3)}x`,
      target: p === 50 ? '<= 1.10x' : '<= 1.20x',
      ok: r <= (p === 50 ? 1.1 : 1.2),
    });
  }

  // 2. a no-op tool: the gateway's added latency at p50
  const n = await sideBySide(
    NOOP,
    () => gw.callTool({ name: 'demo__noop', arguments: {} }),
    () => bb.callTool({ name: 'noop', arguments: {} }),
  );
  const added = pct(n.a, 50) - pct(n.b, 50);
  rows.push({
    what: 'no-op tool, p50 (added)',
    gateway: f(pct(n.a, 50)),
    baseline: f(pct(n.b, 50)),
    ratio: `+${added.toFixed(3)} ms`,
    target: '<= +0.75 ms',
    ok: added <= 0.75,
  });
  rows.push({
    what: 'no-op tool, p99',
    gateway: f(pct(n.a, 99)),
    baseline: f(pct(n.b, 99)),
    ratio: `${(pct(n.a, 99) / pct(n.b, 99)).toFixed(3)}x`,
    target: '(info)',
    ok: true,
  });

  // 3. tools/list with 50 tools vs 1: the server side, as a raw JSON-RPC POST on an open session
  //    (the SDK client's listTools() also compiles an Ajv validator per output schema on every call,
  //    which is client cost and the same against any server: shown as information).
  const session = async (slug: string) => {
    const token = await host.token(slug);
    const transport = new StreamableHTTPClientTransport(host.url, { requestInit: { headers: { authorization: `Bearer ${token}` } } });
    const client = new Client({ name: 'bench', version: '1.0.0' });
    await client.connect(transport);
    const headers = {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      authorization: `Bearer ${token}`,
      'mcp-session-id': transport.sessionId!,
      'mcp-protocol-version': '2025-06-18',
    };
    const raw = async () => {
      const res = await fetch(host.url, { method: 'POST', headers, body: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' });
      return res.text();
    };
    return { client, raw };
  };
  const wide = await session('wide');
  const narrow = await session('narrow');
  const l = await sideBySide(NLIST, wide.raw, narrow.raw);
  const lr = pct(l.a, 50) / pct(l.b, 50);
  rows.push({
    what: 'tools/list 50 tools vs 1, p50 (server)',
    gateway: f(pct(l.a, 50)),
    baseline: f(pct(l.b, 50)),
    ratio: `${lr.toFixed(3)}x`,
    target: '<= 1.20x',
    ok: lr <= 1.2,
  });
  // the same listing on a bare SDK server (a prebuilt array of the same 50 descriptors vs its 2 tools): the transport's floor
  const bare50 = await startBareServer({
    extraTools: syntheticTools(48).map((t) => ({
      name: t.name,
      description: t.description,
      inputSchema: t.inputSchema as Tool['inputSchema'],
      outputSchema: t.outputSchema as Tool['outputSchema'],
      annotations: { readOnlyHint: true },
    })),
  });
  const rawOn = async (url: URL) => {
    const transport = new StreamableHTTPClientTransport(url);
    const client = new Client({ name: 'bench', version: '1.0.0' });
    await client.connect(transport);
    const headers = {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-session-id': transport.sessionId!,
      'mcp-protocol-version': '2025-06-18',
    };
    return {
      client,
      raw: async () => (await fetch(url, { method: 'POST', headers, body: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' })).text(),
    };
  };
  const b50 = await rawOn(bare50.url);
  const b2 = await rawOn(bare.url);
  const lb = await sideBySide(NLIST, b50.raw, b2.raw);
  rows.push({
    what: 'same on a bare SDK server (50 vs 2 tools)',
    gateway: f(pct(lb.a, 50)),
    baseline: f(pct(lb.b, 50)),
    ratio: `${(pct(lb.a, 50) / pct(lb.b, 50)).toFixed(3)}x`,
    target: '(info: floor)',
    ok: true,
  });
  await b50.client.close();
  await b2.client.close();
  await bare50.close();
  const lc = await sideBySide(
    quick ? 30 : 100,
    () => wide.client.listTools(),
    () => narrow.client.listTools(),
  );
  rows.push({
    what: 'tools/list 50 vs 1 via SDK client.listTools()',
    gateway: f(pct(lc.a, 50)),
    baseline: f(pct(lc.b, 50)),
    ratio: `${(pct(lc.a, 50) / pct(lc.b, 50)).toFixed(3)}x`,
    target: '(info: client-side)',
    ok: true,
  });

  // 4. 8 parallel calls to one slow stdio plugin vs one call (wall time)
  const slow = await connect(host.url, await host.token('slow'));
  const once = must(() => slow.callTool({ name: 'slow__wait_100ms', arguments: {} }));
  await once();
  const single: number[] = [];
  const eight: number[] = [];
  for (let i = 0; i < (quick ? 3 : 8); i++) {
    let t0 = performance.now();
    await once();
    single.push(performance.now() - t0);
    t0 = performance.now();
    await Promise.all(Array.from({ length: 8 }, once));
    eight.push(performance.now() - t0);
  }
  const pr = pct(eight, 50) / pct(single, 50);
  rows.push({
    what: '8 parallel slow stdio calls vs 1, p50 wall',
    gateway: f(pct(eight, 50)),
    baseline: f(pct(single, 50)),
    ratio: `${pr.toFixed(3)}x`,
    target: '<= 1.50x',
    ok: pr <= 1.5,
  });

  for (const c of [gw, bb, wide.client, narrow.client, slow]) await c.close();
} finally {
  await bare.close();
  await host.close();
}

const cols = ['what', 'gateway', 'baseline', 'ratio', 'target', 'ok'] as const;
const cells = rows.map((r) => cols.map((c) => (c === 'ok' ? (r.ok ? 'yes' : 'NO') : r[c])));
const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
const line = (row: readonly string[]) => row.map((x, i) => x.padEnd(widths[i]!)).join('  ');
console.log(
  `MCP gateway benchmark (Node ${process.versions.node}, ${quick ? 'quick' : 'full'} run; baseline = bare SDK server over the same Streamable HTTP, or the 1-tool / 1-call case)`,
);
console.log(line(cols));
for (const row of cells) console.log(line(row));
