import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

/** This checkout, and its CLI. */
export const repoRoot = resolve(import.meta.dirname, '../../..');
export const bin = join(repoRoot, 'host/bin/neonhub.js');

/** The environment of a CLI process: this one's without NEONHUB_* (no stray settings), quiet and uncoloured. */
export function cliEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('NEONHUB_')) env[k] = v;
  return { ...env, LOG_LEVEL: 'warn', NO_COLOR: '1', FORCE_COLOR: '0', ...extra };
}

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

/** Runs the CLI to completion. */
export function neonhub(env: Record<string, string>, cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, env, encoding: 'utf8', timeout: 180_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export interface HostProcess {
  url: string;
  child: ChildProcess;
  /** What it printed on stderr so far (for failure messages). */
  stderr(): string;
  stop(): Promise<void>;
}

/** Waits until `url/health` answers (or the process exits). */
export async function waitForHealth(url: string, child: ChildProcess, stderr: () => string, timeoutMs = 180_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`neonhub start exited ${child.exitCode}: ${stderr()}`);
    const ok = await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > until) throw new Error(`no /health at ${url} after ${timeoutMs} ms: ${stderr()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Stops a child process with SIGTERM (SIGKILL after 15 s) and waits for it. */
export async function stopProcess(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** `node host/bin/neonhub.js start --port <free>` with the given environment, once /health answers. */
export async function startHostProcess(opts: { env: Record<string, string>; cwd?: string; command?: string[] }): Promise<HostProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const [command, ...args] = opts.command ?? [process.execPath, bin, 'start'];
  const child = spawn(command!, [...args, '--port', String(port)], {
    cwd: opts.cwd ?? repoRoot,
    env: opts.env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d) => {
    err += d;
  });
  const stderr = () => err;
  try {
    await waitForHealth(url, child, stderr);
  } catch (e) {
    await stopProcess(child);
    throw e;
  }
  return { url, child, stderr, stop: () => stopProcess(child) };
}

/** Waits until /health lists no plugin as still starting (plugins join after /health first answers). */
export async function waitForPluginsStarted(url: string, timeoutMs = 180_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const health = (await (await fetch(`${url}/health`)).json()) as { starting?: string[] };
    if (!health.starting?.length) return;
    if (Date.now() > until) throw new Error(`plugins still starting after ${timeoutMs} ms: ${health.starting.join(', ')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
