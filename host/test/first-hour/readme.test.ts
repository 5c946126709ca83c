/**
 * The README's first hour, verbatim: the first command (install, start), the commands "in another terminal",
 * and "Write a plugin in five minutes" — scaffold, install, sync, test, lock, enable and call the new plugin
 * while the host started by the first command runs (no restart). The commands are read out of README.md, so
 * this fails when the README drifts from what works; they run through `sh` from a copy of the repository
 * with only Node on PATH (no global pnpm: `npx -y pnpm@10.34.9` fetches it as the README says).
 *
 * Kept fast for CI: the copy hardlinks the installed node_modules (files pnpm rewrites are copied, so the
 * original install is never written through a link), the host starts on a free port (PORT) without
 * building the console (NEONHUB_CONSOLE_BUILD=skip; the console build is tested by `pnpm ui:test`), and npx and
 * pnpm prefer what this machine's caches hold (npm_config_prefer_offline): each of the README's dozen
 * `npx -y pnpm@…` lines would otherwise ask the registry for pnpm's metadata again, and the install in the copy for
 * every package's (minutes with a slow registry). The commands are unchanged, and anything not cached is still
 * fetched, as on a fresh machine; that the lockfile installs from the registry on a clean clone is what `.ci/run`'s
 * own install (the README's second command) shows first.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, repoRoot, stopProcess, waitForHealth, waitForPluginsStarted } from './host-process.js';
import { commands, section, shBlocks } from './readme-commands.js';

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
const copy = mkdtempSync(join(tmpdir(), 'nh-readme-'));
let port: number;
let env: Record<string, string>;
let host: ChildProcess | undefined;
let hostLog = '';

/** A shell with only Node (and the base system) on PATH, and none of this test runner's settings. */
function cleanEnv(extra: Record<string, string>): Record<string, string> {
  const keep = ['HOME', 'USER', 'LANG', 'LC_ALL', 'TMPDIR', 'TERM'];
  const base: Record<string, string> = {};
  for (const k of keep) if (process.env[k]) base[k] = process.env[k]!;
  const path = [...new Set([dirname(process.execPath), '/usr/bin', '/bin'])].join(delimiter);
  return { ...base, PATH: path, NO_COLOR: '1', npm_config_prefer_offline: 'true', ...extra };
}

function sh(command: string, timeoutMs = 300_000) {
  const r = spawnSync('sh', ['-c', command], { cwd: copy, env, encoding: 'utf8', timeout: timeoutMs });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/** Files git knows of (committed or new, not ignored), copied; node_modules hardlinked. */
function makeCopy() {
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repoRoot, encoding: 'utf8' });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  for (const file of listed.stdout.split('\0')) {
    if (!file || file.startsWith('plugins/my-plugin/')) continue;
    const from = join(repoRoot, file);
    if (!existsSync(from) || lstatSync(from).isDirectory()) continue;
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    cpSync(from, join(copy, file), { verbatimSymlinks: true });
  }
  const packages = ['', 'schemas', 'host', 'bench', 'ui', ...['core', 'plugins', 'mcp-servers'].flatMap(listDirs)];
  for (const dir of packages) {
    const nm = join(repoRoot, dir, 'node_modules');
    if (!existsSync(nm) || !existsSync(join(copy, dir))) continue;
    const r = spawnSync('cp', ['-al', nm, join(copy, dir, 'node_modules')]);
    if (r.status !== 0) throw new Error(`cp -al ${nm}: ${r.stderr}`);
  }
  detachRewrittenFiles(join(copy, 'node_modules'));
  for (const dir of packages) detachBins(join(copy, dir, 'node_modules'));
}

const listDirs = (parent: string) =>
  readdirSync(join(repoRoot, parent), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => `${parent}/${d.name}`);

/** Replaces a hardlinked file by a copy of its own, so writing it cannot change the original install. */
function detach(file: string) {
  if (!existsSync(file) || !lstatSync(file).isFile()) return;
  const bytes = readFileSync(file);
  const mode = lstatSync(file).mode;
  unlinkSync(file);
  writeFileSync(file, bytes, { mode });
}

/** pnpm rewrites its state files (and bin shims) on install. */
function detachRewrittenFiles(nm: string) {
  if (!existsSync(nm)) return;
  for (const entry of readdirSync(nm, { withFileTypes: true })) if (entry.isFile()) detach(join(nm, entry.name));
  const pnpmDir = join(nm, '.pnpm');
  if (existsSync(pnpmDir))
    for (const entry of readdirSync(pnpmDir, { withFileTypes: true })) if (entry.isFile()) detach(join(pnpmDir, entry.name));
  detachBins(join(nm, '.pnpm', 'node_modules'));
}

function detachBins(nm: string) {
  const bin = join(nm, '.bin');
  if (existsSync(bin)) for (const entry of readdirSync(bin)) detach(join(bin, entry));
}

beforeAll(async () => {
  makeCopy();
  port = await freePort();
  env = cleanEnv({});
}, 300_000);

afterAll(async () => {
  if (host?.pid) {
    try {
      process.kill(-host.pid, 'SIGTERM'); // the whole group: sh, pnpm, node
    } catch {}
    await stopProcess(host);
  }
  rmSync(copy, { recursive: true, force: true }); // the copy's hardlinked node_modules: minutes on a loaded machine
}, 300_000);

describe('README.md, verbatim, with only Node on PATH', () => {
  it('has no pnpm on PATH but Node', () => {
    expect(sh('command -v pnpm').code).not.toBe(0);
    expect(sh('node --version').stdout).toMatch(/^v\d+/);
  });

  it('the first command installs and starts NeonHub', async () => {
    const [first] = commands(shBlocks(section(readme, 'Two commands'))[0]!);
    expect(first).toBe('npx -y pnpm@10.34.9 install && npx -y pnpm@10.34.9 start');
    const [install, start] = first!.split(' && ');
    const installed = sh(install!);
    expect(installed.code, installed.out).toBe(0);
    host = spawn('sh', ['-c', start!], {
      cwd: copy,
      env: { ...env, PORT: String(port), NEONHUB_CONSOLE_BUILD: 'skip' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    host.stdout!.on('data', (d) => {
      hostLog += d;
    });
    host.stderr!.on('data', (d) => {
      hostLog += d;
    });
    const url = `http://127.0.0.1:${port}`;
    await waitForHealth(url, host, () => hostLog);
    await waitForPluginsStarted(url);
    expect(hostLog).toContain(`NeonHub is running at ${url}`);
  }, 300_000);

  it('then, in another terminal: call a tool, run a goal, approve, create a token', () => {
    const intro = section(readme, 'Two commands');
    const block = shBlocks(intro.slice(intro.indexOf('in another terminal')))[0]!;
    let runId = '';
    for (const command of commands(block)) {
      const r = sh(command.replace('<runId>', runId));
      if (command.includes(' call ')) {
        expect(r.code, r.out).toBe(0);
        expect(r.stdout).toMatch(/^\{/m); // the tool's output, as JSON
      } else if (command.includes(' run ')) {
        expect(r.out, r.out).toMatch(/waits for approval/);
        runId = /neonhub approve (\S+) send_email/.exec(r.out)?.[1] ?? '';
        expect(runId).not.toBe('');
      } else if (command.includes(' approve ')) {
        expect(r.out, r.out).toMatch(/step send_email approved/);
      } else {
        expect(r.code, r.out).toBe(0);
        if (command.includes('token create')) expect(r.stdout).toMatch(/\bnh_[A-Za-z0-9_-]{20,}/);
      }
    }
  }, 300_000);

  it('write a plugin in five minutes: the new plugin is enabled and called while the host runs', () => {
    const lines = commands(shBlocks(section(readme, 'Write a plugin in five minutes'))[0]!);
    expect(lines.at(-1)).toMatch(/neonhub call my-plugin:word_count /);
    for (const command of lines) {
      const r = sh(command);
      expect(r.code, `${command}\n${r.out}`).toBe(0);
      if (command.includes('plugin lock')) expect(r.out).toMatch(/the running host .* loaded my-plugin/);
      if (command.includes(' call ')) expect(JSON.parse(r.stdout.slice(r.stdout.search(/^\{/m)))).toEqual({ words: 4, characters: 21 });
    }
  }, 600_000);
});
