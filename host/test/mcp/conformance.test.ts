import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConformanceGateway } from './fixtures/conformance-host.js';

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const cli = join(root, 'node_modules/@modelcontextprotocol/conformance/dist/index.js');

/**
 * The server scenarios of @modelcontextprotocol/conformance 0.1.13 that apply to the gateway.
 * Not applicable (docs/mcp.md says why): tools-call-with-logging, tools-call-with-progress,
 * tools-call-sampling, tools-call-elicitation, elicitation-sep1034-defaults, elicitation-sep1330-enums,
 * completion-complete (the gateway does not offer completions: nothing of NeonHub's has values to complete).
 */
const APPLICABLE = [
  'server-initialize',
  'logging-set-level',
  'ping',
  'tools-list',
  'tools-call-simple-text',
  'tools-call-image',
  'tools-call-audio',
  'tools-call-embedded-resource',
  'tools-call-mixed-content',
  'tools-call-error',
  'json-schema-2020-12',
  'server-sse-multiple-streams',
  'resources-list',
  'resources-read-text',
  'resources-read-binary',
  'resources-templates-read',
  'resources-subscribe',
  'resources-unsubscribe',
  'prompts-list',
  'prompts-get-simple',
  'prompts-get-with-args',
  'prompts-get-embedded-resource',
  'prompts-get-with-image',
  'dns-rebinding-protection',
];
/** Runs, but only yields warnings: it wants resumable SSE (an event store) and a test_reconnection tool. */
const WARNINGS_ONLY = ['server-sse-polling'];

interface Check {
  id: string;
  status: 'SUCCESS' | 'FAILURE' | 'WARNING' | 'INFO' | 'SKIPPED';
  errorMessage?: string;
}

let gateway: Awaited<ReturnType<typeof startConformanceGateway>>;
let outDir: string;
const results = new Map<string, Check[]>();

async function scenario(name: string): Promise<Check[]> {
  const dir = join(outDir, name);
  await run(process.execPath, [cli, 'server', '--url', gateway.url, '--scenario', name, '-o', dir], { timeout: 60_000 }).catch(
    (err: { stdout?: string }) => {
      // the CLI exits non-zero when a check fails; the checks file says which
      if (!err.stdout?.includes('Test Results')) throw err;
    },
  );
  const [sub] = await readdir(dir);
  return JSON.parse(await readFile(join(dir, sub!, 'checks.json'), 'utf8')) as Check[];
}

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'neonhub-conformance-'));
  gateway = await startConformanceGateway();
  // three at a time: the machine is shared
  const queue = [...APPLICABLE, ...WARNINGS_ONLY];
  await Promise.all(
    Array.from({ length: 3 }, async () => {
      for (let name = queue.shift(); name; name = queue.shift()) results.set(name, await scenario(name));
    }),
  );
}, 240_000);

afterAll(async () => {
  await gateway?.close();
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

describe('MCP conformance suite 0.1.13 against the gateway (workspace conformance)', () => {
  it.each(APPLICABLE)('%s passes', (name) => {
    const checks = results.get(name)!;
    const failures = checks.filter((c) => c.status === 'FAILURE').map((c) => `${c.id}: ${c.errorMessage}`);
    expect(failures).toEqual([]);
    expect(checks.filter((c) => c.status === 'SUCCESS').length).toBeGreaterThan(0);
  });

  it.each(WARNINGS_ONLY)('%s has no failure', (name) => {
    expect(results.get(name)!.filter((c) => c.status === 'FAILURE')).toEqual([]);
  });
});
