/**
 * Runs the official MCP conformance client suite (@modelcontextprotocol/conformance 0.1.13) against NeonHub as the
 * client, with one NeonHub host for the whole run:
 *
 *   npx tsx scripts/conformance-client/run.ts                      # every client scenario, with the baseline
 *   npx tsx scripts/conformance-client/run.ts --scenario tools_call
 *   npx tsx scripts/conformance-client/run.ts --suite auth -o results
 *
 * It boots the host (driver.ts), serves the driver on a loopback port, and runs
 * `conformance client --command "node scripts/conformance-client/adapter.mjs" ...` with NEONHUB_CONFORMANCE_DRIVER
 * set, and `--expected-failures scripts/conformance-client/expected-failures.yml` (the scenarios docs/mcp.md lists
 * as not applicable). Exits with the suite's exit code.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ConformanceClient, createConformanceClient, type ScenarioOutcome, type ScenarioRequest } from './driver.js';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '../..');
export const conformanceCli = join(repoRoot, 'node_modules/@modelcontextprotocol/conformance/dist/index.js');
export const adapterCommand = `${process.execPath} ${join(here, 'adapter.mjs')}`;
export const expectedFailuresFile = join(here, 'expected-failures.yml');

/** Serves `POST /scenario` (a ScenarioRequest) for the adapter, on 127.0.0.1 and an ephemeral port. */
export async function serveDriver(
  client: ConformanceClient,
): Promise<{ url: string; outcomes: Map<string, ScenarioOutcome>; close(): Promise<void> }> {
  const outcomes = new Map<string, ScenarioOutcome>();
  const server = createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/scenario') {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      let request: ScenarioRequest;
      try {
        request = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ScenarioRequest;
        if (typeof request.scenario !== 'string' || typeof request.serverUrl !== 'string')
          throw new Error('scenario and serverUrl are required');
      } catch (err) {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: false, log: [], error: { message: (err as Error).message } }));
        return;
      }
      const outcome = await client.run(request);
      outcomes.set(request.scenario, outcome);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(outcome));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    outcomes,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export interface SuiteRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
}

/** Runs the conformance CLI (`client` mode) with the adapter as the command; `args` are the CLI's own. */
export function runConformanceCli(driverUrl: string, args: string[], timeoutMs = 600_000): Promise<SuiteRun> {
  const started = performance.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [conformanceCli, 'client', '--command', adapterCommand, ...args], {
      cwd: repoRoot,
      env: { ...process.env, NEONHUB_CONFORMANCE_DRIVER: driverUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ exitCode: code ?? 1, stdout, stderr, durationMs: Math.round(performance.now() - started) });
    });
  });
}

async function main() {
  const args = process.argv.slice(2);
  if (!args.includes('--suite') && !args.includes('--scenario')) args.push('--suite', 'all');
  if (!args.includes('--expected-failures')) args.push('--expected-failures', expectedFailuresFile);
  const bootStart = performance.now();
  const client = await createConformanceClient({ logLevel: process.env.LOG_LEVEL ?? 'warn' });
  const bootMs = Math.round(performance.now() - bootStart);
  const driver = await serveDriver(client);
  try {
    const run = await runConformanceCli(driver.url, args);
    process.stdout.write(run.stdout);
    process.stderr.write(run.stderr);
    console.log(`\nNeonHub host boot ${bootMs} ms; suite ${run.durationMs} ms`);
    process.exitCode = run.exitCode;
  } finally {
    await driver.close();
    await client.close();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
