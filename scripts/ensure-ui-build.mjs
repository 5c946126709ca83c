#!/usr/bin/env node
// Builds the console (ui/build) when it is missing or older than its sources, so `pnpm start`
// serves it on a fresh clone without rebuilding on every start.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ui = new URL('../ui/', import.meta.url).pathname;
const built = join(ui, 'build/handler.js');

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

// NEONHUB_CONSOLE_BUILD=skip: start without building the console (tests that need only the API and /mcp)
if (existsSync(ui) && process.env.NEONHUB_CONSOLE_BUILD !== 'skip') {
  const sources = Math.max(newest(join(ui, 'src')), statSync(join(ui, 'package.json')).mtimeMs);
  if (!existsSync(built) || statSync(built).mtimeMs < sources) {
    process.stderr.write('… building the console (ui/build), once\n');
    // the same as `pnpm --filter @neonhub/ui build`, without needing pnpm on PATH
    // (its output is shown only when it fails: vite's timing notes are not for a newcomer)
    const run = (bin, args) => spawnSync(process.execPath, [join(ui, 'node_modules', bin), ...args], { cwd: ui, encoding: 'utf8' });
    const sync = run('@sveltejs/kit/svelte-kit.js', ['sync']);
    const r = sync.status === 0 ? run('vite/bin/vite.js', ['build']) : sync;
    if (r.status !== 0) {
      process.stderr.write(`${r.stdout ?? ''}${r.stderr ?? ''}`);
      process.stderr.write('! the console did not build; the API and MCP endpoint still work (see the output above)\n');
    }
  }
}
