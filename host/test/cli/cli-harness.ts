import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { neonhubBin } from '../cli-bin.js';

/** The CLI the tests start (host/test/cli-bin.ts: the sources built once per test run, or through tsx without it). */
export const bin = neonhubBin;

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** The environment of a CLI run in `root`: its own data directory, no colours, quiet logs. */
export function cliEnv(root: string, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NEONHUB_ROOT: root,
    NEONHUB_DATA_DIR: '.neonhub',
    LOG_LEVEL: 'error',
    FORCE_COLOR: '0',
    NO_COLOR: '1',
    NEONHUB_DEBUG: undefined,
    REDIS_URL: undefined,
    DATABASE_URL: undefined,
    ...extra,
  };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  return env;
}

/** Runs `neonhub ...args` to completion. */
export function neonhubIn(
  root: string,
  args: string[],
  opts: { env?: Record<string, string | undefined>; input?: string } = {},
): CliResult {
  const started = Date.now();
  const r = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: cliEnv(root, opts.env),
    // a hang guard: a command opens the embedded database (WASM, seconds of CPU), ~20 s each on a loaded CI machine
    timeout: 240_000,
    ...(opts.input === undefined ? {} : { input: opts.input }),
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - started };
}

/** Starts `neonhub start` on a free port and waits until it advertises its address; `stop()` ends it. */
export async function startHost(
  root: string,
  env: Record<string, string | undefined> = {},
): Promise<{ url: string; child: ChildProcess; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [bin, 'start'], { env: cliEnv(root, { PORT: '0', ...env }), stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => {
    stderr += d;
  });
  const pidFile = join(root, '.neonhub/neonhub.pid');
  const until = Date.now() + 90_000;
  while (!(existsSync(pidFile) && readFileSync(pidFile, 'utf8').includes('"url"'))) {
    if (child.exitCode !== null) throw new Error(`neonhub start exited ${child.exitCode}: ${stderr}`);
    if (Date.now() > until) throw new Error(`neonhub start did not come up: ${stderr}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const url = (JSON.parse(readFileSync(pidFile, 'utf8')) as { url: string }).url;
  // Plugins start in the background: wait until /health lists none as still starting.
  for (;;) {
    const health = (await (await fetch(`${url}/health`)).json()) as { starting?: string[] };
    if (!health.starting?.length) break;
    if (Date.now() > until) throw new Error(`plugins still starting: ${health.starting.join(', ')}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    child,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The error lines a failed command printed (`error NH_...: ...`). */
export const errorLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('error '));
