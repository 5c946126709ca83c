/**
 * Isolated runtime vs a bare MCP SDK stdio server: N sequential calls of a no-op tool, side by
 * side in one run (absolute times swing between runs; the ratio is the figure to read).
 *
 *   npx tsx bench/isolated.ts [N]
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { PluginManifestSchema } from '@neonhub/schemas';
import pino from 'pino';
import { createRuntime } from '../host/src/runtimes/index.js';
import type { Invocation, PluginRuntime } from '../host/src/runtimes/types.js';

const N = Number(process.argv[2] ?? 2000);
const ROUNDS = 4;
const WARMUP = 200;

const fixtureDir = resolve(import.meta.dirname, '../host/test/fixtures/runtime-plugins/rt-basic');
const manifest = PluginManifestSchema.parse((await import(join(fixtureDir, 'plugin.json'), { with: { type: 'json' } })).default);
const logger = pino({ level: 'warn' });
const cacheDir = mkdtempSync(join(tmpdir(), 'nh-bench-'));

function invocation(): Invocation {
  const callId = randomUUID();
  return {
    tool: 'noop',
    input: {},
    timeoutMs: 10_000,
    context: {
      workspace: { id: 'ws', slug: 'bench' },
      actor: { type: 'system', id: 'bench' },
      config: {},
      secrets: { get: async () => undefined },
      idempotencyKey: callId,
      callId,
      callTool: async () => undefined,
    },
  };
}

/** A bare MCP SDK server with the same no-op tool (zod input/output, structured result). */
async function startBare(): Promise<Client> {
  const file = join(cacheDir, 'bare-server.mjs');
  writeFileSync(
    file,
    `import { McpServer } from ${JSON.stringify(import.meta.resolve('@modelcontextprotocol/sdk/server/mcp.js'))};
import { StdioServerTransport } from ${JSON.stringify(import.meta.resolve('@modelcontextprotocol/sdk/server/stdio.js'))};
const server = new McpServer({ name: 'bare', version: '0.0.0' });
server.registerTool('noop', { description: 'Does nothing.', inputSchema: {}, outputSchema: {} }, async () => ({ content: [{ type: 'text', text: '{}' }], structuredContent: {} }));
await server.connect(new StdioServerTransport());
`,
  );
  const client = new Client({ name: 'bench', version: '0.0.0' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [file] }));
  return client;
}

async function time(n: number, call: () => Promise<unknown>, into: number[]): Promise<void> {
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await call();
    into.push(performance.now() - t);
  }
}

function summary(ms: number[]) {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { p50: at(0.5), p95: at(0.95), mean: ms.reduce((a, b) => a + b, 0) / ms.length };
}

const isolated: PluginRuntime = createRuntime({ manifest, dir: fixtureDir, cacheDir, logger, isolation: 'isolated' });
const inProcess: PluginRuntime = createRuntime({ manifest, dir: fixtureDir, cacheDir, logger, isolation: 'in-process' });
await Promise.all([isolated.start(), inProcess.start()]);
const bare = await startBare();

const rows = {
  'bare MCP SDK stdio (client.callTool)': { call: () => bare.callTool({ name: 'noop', arguments: {} }), ms: [] as number[] },
  'NeonHub isolated runtime': { call: () => isolated.invoke(invocation()), ms: [] as number[] },
  'NeonHub in-process runtime': { call: () => inProcess.invoke(invocation()), ms: [] as number[] },
};
for (const row of Object.values(rows)) await time(WARMUP, row.call, []);
for (let r = 0; r < ROUNDS; r++) for (const row of Object.values(rows)) await time(Math.ceil(N / ROUNDS), row.call, row.ms);

const fmt = (ms: number) => (ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(3)} ms`);
const base = summary(rows['bare MCP SDK stdio (client.callTool)'].ms);
console.log(
  `\n${N} sequential no-op tool calls per row (${ROUNDS} interleaved rounds, ${WARMUP} warm-up), Node ${process.versions.node}\n`,
);
console.log(`${'path'.padEnd(40)}${'p50'.padStart(10)}${'p95'.padStart(10)}${'mean'.padStart(10)}${'mean / bare'.padStart(13)}`);
for (const [name, row] of Object.entries(rows)) {
  const s = summary(row.ms);
  console.log(
    `${name.padEnd(40)}${fmt(s.p50).padStart(10)}${fmt(s.p95).padStart(10)}${fmt(s.mean).padStart(10)}${`${(s.mean / base.mean).toFixed(2)}x`.padStart(13)}`,
  );
}
await Promise.all([isolated.stop(), inProcess.stop(), bare.close()]);
