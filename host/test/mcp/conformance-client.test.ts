import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConformanceClient, createConformanceClient } from '../../../scripts/conformance-client/driver.js';
import {
  conformanceCli,
  expectedFailuresFile,
  repoRoot,
  runConformanceCli,
  type SuiteRun,
  serveDriver,
} from '../../../scripts/conformance-client/run.js';

/**
 * The official MCP conformance CLIENT suite (@modelcontextprotocol/conformance 0.1.13) with NeonHub as the client:
 * one NeonHub host for the whole run (scripts/conformance-client), `conformance client --suite all` launching the
 * adapter for every scenario, with the baseline of scripts/conformance-client/expected-failures.yml, which must list
 * exactly the scenarios docs/mcp.md gives a reason for ("NeonHub as an MCP client", the results table).
 */

interface Check {
  id: string;
  status: 'SUCCESS' | 'FAILURE' | 'WARNING' | 'INFO' | 'SKIPPED';
  errorMessage?: string;
  description?: string;
}

const run = promisify(execFile);
/** Scenarios whose passing client refuses to go on (the suite's `allowClientError`): NeonHub's call fails there. */
const REFUSALS = ['auth/resource-mismatch', 'auth/scope-retry-limit'];

/** The client scenarios the installed suite knows (`conformance list`). */
async function clientScenarios(): Promise<string[]> {
  const { stdout } = await run(process.execPath, [conformanceCli, 'list'], { cwd: repoRoot });
  const section = stdout.split(/Client scenarios[^\n]*\n/)[1] ?? '';
  return [...section.matchAll(/^\s+- (\S+)$/gm)].map((m) => m[1]!);
}

/** The baseline: the `client:` list of the expected-failures file. */
async function baseline(): Promise<string[]> {
  const text = await readFile(expectedFailuresFile, 'utf8');
  return [...text.matchAll(/^\s+- (\S+)/gm)].map((m) => m[1]!);
}

/** docs/mcp.md's results table: scenario -> its status and reason. */
async function documented(): Promise<Map<string, { status: string; why: string }>> {
  const doc = await readFile(join(repoRoot, 'docs/mcp.md'), 'utf8');
  const part = doc.split('<!-- conformance-client-results -->')[1] ?? '';
  const rows = new Map<string, { status: string; why: string }>();
  for (const m of part.matchAll(/^\| `([^`]+)` \| ([^|]+) \|([^|]*)\|$/gm)) rows.set(m[1]!, { status: m[2]!.trim(), why: m[3]!.trim() });
  return rows;
}

/** checks.json of each scenario under the output directory (`auth/x` scenarios are in an `auth` folder). */
async function readResults(dir: string): Promise<Map<string, Check[]>> {
  const out = new Map<string, Check[]>();
  const walk = async (sub: string) => {
    for (const entry of await readdir(join(dir, sub), { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const rel = sub ? `${sub}/${entry.name}` : entry.name;
      const file = join(dir, rel, 'checks.json');
      if (existsSync(file)) out.set(rel.replace(/-\d{4}-\d\d-\d\dT[\d-]+Z$/, ''), JSON.parse(await readFile(file, 'utf8')) as Check[]);
      else await walk(rel);
    }
  };
  await walk('');
  return out;
}

let client: ConformanceClient;
let driver: Awaited<ReturnType<typeof serveDriver>>;
let outDir: string;
let suite: SuiteRun;
let results: Map<string, Check[]>;
let scenarios: string[];
let expected: string[];
let docs: Map<string, { status: string; why: string }>;

beforeAll(async () => {
  [scenarios, expected, docs] = await Promise.all([clientScenarios(), baseline(), documented()]);
  outDir = await mkdtemp(join(tmpdir(), 'neonhub-conformance-client-results-'));
  const boot = performance.now();
  client = await createConformanceClient({ logLevel: 'error' });
  driver = await serveDriver(client);
  const bootMs = Math.round(performance.now() - boot);
  // every client scenario in parallel, as the suite runs them; 60 s per scenario on a loaded machine
  suite = await runConformanceCli(driver.url, [
    '--suite',
    'all',
    '--expected-failures',
    expectedFailuresFile,
    '-o',
    outDir,
    '--timeout',
    '60000',
  ]);
  results = await readResults(outDir);
  console.log(`conformance client suite: NeonHub host boot ${bootMs} ms, ${scenarios.length} scenarios in ${suite.durationMs} ms`);
}, 300_000);

afterAll(async () => {
  await driver?.close();
  await client?.close();
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

describe('MCP conformance client suite 0.1.13 with NeonHub as the client', () => {
  it('knows every client scenario of the suite, and docs/mcp.md has a row for each', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(23);
    expect([...results.keys()].sort()).toEqual([...scenarios].sort());
    expect([...docs.keys()].sort()).toEqual([...scenarios].sort());
  });

  it('the baseline lists exactly the scenarios docs/mcp.md gives a reason for', () => {
    const withReason = [...docs].filter(([, d]) => d.status !== 'pass').map(([name]) => name);
    expect([...expected].sort()).toEqual(withReason.sort());
    for (const name of withReason) expect(docs.get(name)!.why.length, `reason for ${name}`).toBeGreaterThan(20);
  });

  it('the suite accepts the run against the baseline (no unexpected failure, no stale entry)', () => {
    expect(suite.stdout).toContain('Baseline check passed');
    expect(suite.exitCode, suite.stdout.slice(-2000)).toBe(0);
  });

  it('every scenario not in the baseline passes: no failure, no warning, at least one success', () => {
    for (const name of scenarios.filter((s) => !expected.includes(s))) {
      const checks = results.get(name) ?? [];
      const bad = checks
        .filter((c) => c.status === 'FAILURE' || c.status === 'WARNING')
        .map((c) => `${c.id}: ${c.errorMessage ?? c.description}`);
      expect(bad, `${name}: ${driver.outcomes.get(name)?.log.join('\n')}`).toEqual([]);
      expect(checks.filter((c) => c.status === 'SUCCESS').length, name).toBeGreaterThan(0);
      expect(driver.outcomes.get(name)?.ok, name).toBe(!REFUSALS.includes(name));
    }
  });
});
