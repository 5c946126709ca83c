/**
 * Runs every browser test beside this file (`*.e2e.ts`), a few at a time (NEONHUB_E2E_JOBS, default 2). They are
 * independent: each boots its own host (PGlite in its own temp dir, an ephemeral port) and its own Chromium, and
 * writes its screenshots under names of its own. Each script's lines are printed as they come, prefixed with its
 * name; every script runs to its end, and the run fails (listing them) if any failed. Their hosts' embedded databases
 * start from one initdb template (NEONHUB_PGLITE_TEMPLATE, core/db/src/pglite-template.ts) instead of seven initdbs.
 * Run: pnpm --filter @neonhub/ui build && pnpm --filter @neonhub/ui test:e2e
 */
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { makePgliteTemplate, PGLITE_TEMPLATE_ENV } from '../../../core/db/src/pglite-template.js';

const dir = import.meta.dirname;
const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');
const jobs = Math.max(1, Number(process.env.NEONHUB_E2E_JOBS) || 2);

/** The scripts, largest first (the long journeys start early, so the short ones fill in beside them). */
function e2eScripts(from = dir): string[] {
  return readdirSync(from)
    .filter((f) => f.endsWith('.e2e.ts'))
    .sort((a, b) => statSync(join(from, b)).size - statSync(join(from, a)).size || a.localeCompare(b));
}

function runOne(file: string): Promise<{ file: string; code: number; seconds: number }> {
  const name = file.replace(/\.e2e\.ts$/, '');
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [tsxCli, join(dir, file)], { cwd: join(dir, '../..'), stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [child.stdout, child.stderr]) {
      const out = stream === child.stderr ? process.stderr : process.stdout;
      createInterface({ input: stream }).on('line', (line) => out.write(`[${name}] ${line}\n`));
    }
    child.on('close', (code, signal) => {
      const seconds = Math.round((Date.now() - started) / 1000);
      process.stdout.write(`[${name}] ${code === 0 ? 'passed' : `FAILED (${signal ?? `exit ${code}`})`} in ${seconds} s\n`);
      resolve({ file, code: code ?? 1, seconds });
    });
  });
}

process.env[PGLITE_TEMPLATE_ENV] ??= await makePgliteTemplate();
const scripts = e2eScripts();
process.stdout.write(`browser tests, ${jobs} at a time: ${scripts.join(', ')}\n`);
const queue = [...scripts];
const results: Awaited<ReturnType<typeof runOne>>[] = [];
await Promise.all(
  Array.from({ length: Math.min(jobs, queue.length) }, async () => {
    for (let file = queue.shift(); file; file = queue.shift()) results.push(await runOne(file));
  }),
);
const failed = results.filter((r) => r.code !== 0).map((r) => r.file);
if (failed.length) {
  process.stderr.write(`browser tests failed: ${failed.join(', ')}\n`);
  process.exit(1);
}
process.stdout.write(`all ${results.length} browser tests passed\n`);
