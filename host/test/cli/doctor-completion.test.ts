import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockRoot, makeRoot, removeRoot, runtimeFixtures } from '../integration/helpers.js';
import { cliEnv, neonhubIn, startHost } from './cli-harness.js';

interface Doctor {
  ok: boolean;
  checks: { name: string; status: 'ok' | 'warn' | 'fail'; detail: string; fix?: string }[];
}

let root: string;
const neonhub = (args: string[], env?: Record<string, string | undefined>) => neonhubIn(root, args, env ? { env } : {});
const check = (d: Doctor, name: string) => d.checks.find((c) => c.name === name);

beforeAll(async () => {
  root = makeRoot('cli-doctor', [{ from: join(runtimeFixtures, 'rt-other') }]);
  await lockRoot(root);
  expect(neonhub(['workspace', 'create', 'acme']).code).toBe(0);
}, 600_000);

afterAll(() => removeRoot(root));

describe('neonhub doctor', () => {
  it('checks Node, the data directory, the database, Redis, Chromium, each plugin and MCP; exit 0 when nothing is broken', () => {
    const r = neonhub(['doctor', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const d = JSON.parse(r.stdout) as Doctor;
    expect(d.ok).toBe(true);
    expect(d.checks.map((c) => c.name)).toEqual([
      'node',
      'data directory',
      'host',
      'database',
      'redis',
      'chromium',
      'plugin rt-other',
      'mcp',
    ]);
    expect(check(d, 'node')).toMatchObject({ status: 'ok', detail: expect.stringContaining(process.versions.node) });
    expect(check(d, 'database')).toMatchObject({
      status: 'ok',
      detail: expect.stringMatching(/^embedded PGlite in .*: migrations applied/),
    });
    expect(check(d, 'redis')).toMatchObject({ status: 'ok', detail: 'not configured: runs use the in-process queue' });
    expect(check(d, 'plugin rt-other')).toMatchObject({
      status: 'ok',
      detail: expect.stringContaining('verified against plugins.lock.json'),
    });
    // the text form: one line per check, a summary
    const text = neonhub(['doctor']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^✓ node {2,}Node /m);
    expect(text.stdout).toMatch(/everything needed works/);
  }, 600_000);

  it('names what is broken and how to fix it, and exits 1: an unreachable Redis, a plugin changed since it was locked', async () => {
    const closed = await new Promise<Server>((ok) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => ok(s));
    });
    const port = (closed.address() as { port: number }).port;
    await new Promise((ok) => closed.close(ok));
    const file = join(root, 'plugins/rt-other/src/index.ts');
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, `${original}\n// changed after locking\n`);
    try {
      const r = neonhub(['doctor', '--json'], { REDIS_URL: `redis://127.0.0.1:${port}` });
      expect(r.code).toBe(1);
      const d = JSON.parse(r.stdout) as Doctor;
      expect(d.ok).toBe(false);
      expect(check(d, 'redis')).toMatchObject({
        status: 'fail',
        detail: expect.stringContaining(`NH_REDIS_UNREACHABLE: Redis at 127.0.0.1:${port} (REDIS_URL) is unreachable (ECONNREFUSED)`),
        fix: 'start Redis, fix REDIS_URL, or unset it for the in-process queue',
      });
      expect(check(d, 'plugin rt-other')).toMatchObject({
        status: 'fail',
        detail: expect.stringMatching(/^NH_PLUGIN_LOCK_MISMATCH: /),
        fix: 'review it (`neonhub plugin info rt-other`), then pin it: `neonhub plugin lock rt-other`',
      });
      const text = neonhub(['doctor'], { REDIS_URL: `redis://127.0.0.1:${port}` });
      expect(text.code).toBe(1);
      expect(text.stdout).toMatch(/^✗ redis .*NH_REDIS_UNREACHABLE/m);
      expect(text.stdout).toMatch(/fix: review it \(`neonhub plugin info rt-other`\), then pin it/);
      expect(text.stdout).toMatch(/2 problem\(s\) to fix/);
    } finally {
      writeFileSync(file, original);
    }
  }, 600_000);

  it('with the host running: reads its /health and checks its MCP endpoint', async () => {
    const host = await startHost(root);
    try {
      const r = neonhub(['doctor', '--json']);
      expect(r.code, r.stdout).toBe(0);
      const d = JSON.parse(r.stdout) as Doctor;
      expect(check(d, 'host')).toMatchObject({ status: 'ok', detail: expect.stringContaining(`running at ${host.url}`) });
      expect(check(d, 'database')).toMatchObject({ status: 'ok', detail: expect.stringContaining('open in the running host') });
      expect(check(d, 'mcp')).toMatchObject({ status: 'ok', detail: expect.stringContaining(`${host.url}/mcp answers`) });
      expect(check(d, 'plugin rt-other')?.detail).toMatch(/in the running host$/);
    } finally {
      await host.stop();
    }
  }, 600_000);
});

describe('neonhub completion', () => {
  it('bash: generated from the program, it completes commands, subcommands and options', () => {
    const r = neonhub(['completion', 'bash']);
    expect(r.code).toBe(0);
    const script = join(root, 'completion.bash');
    writeFileSync(script, r.stdout);
    const complete = (...words: string[]) =>
      spawnSync(
        'bash',
        [
          '-c',
          `source ${script}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _neonhub_complete; echo "\${COMPREPLY[*]}"`,
        ],
        { encoding: 'utf8', env: cliEnv(root) },
      ).stdout.trim();
    expect(complete('neonhub', 'doc')).toBe('doctor');
    expect(complete('neonhub', 'plugin', '').split(' ')).toEqual(expect.arrayContaining(['list', 'install', 'lock', 'enable', 'disable']));
    expect(complete('neonhub', 'plugin', 'enable', 'x', '-w', 'acme', '--')).toBe('--workspace --config --help');
    expect(complete('neonhub', 'token', 're')).toBe('revoke');
    expect(complete('neonhub', '--v')).toBe('--version');
  }, 60_000);

  it('zsh and fish scripts name every command; another shell is a coded error', () => {
    const zsh = neonhub(['completion', 'zsh']);
    expect(zsh.code).toBe(0);
    expect(zsh.stdout).toMatch(/^#compdef neonhub/);
    expect(zsh.stdout).toMatch(/"plugin"\) cands=\(list info install lock .*enable disable .*--help\)/);
    const fish = neonhub(['completion', 'fish']);
    expect(fish.code).toBe(0);
    expect(fish.stdout).toContain(`complete -c neonhub -f -n "__neonhub_path_is 'token'" -a revoke`);
    expect(fish.stdout).toContain(`complete -c neonhub -f -n "__neonhub_path_is 'doctor'" -l json`);
    const other = neonhub(['completion', 'tcsh']);
    expect(other.code).toBe(2);
    expect(other.stderr.trim()).toBe('error NH_REQUEST_INVALID: no completion for shell "tcsh": choose bash, zsh or fish');
  }, 60_000);
});

const has = (shell: string) => spawnSync(shell, ['--version']).status === 0;

describe('neonhub completion in the shells themselves (when zsh / fish are installed)', () => {
  const script = (shell: string) => {
    const file = join(root, `completion.${shell}`);
    writeFileSync(file, neonhub(['completion', shell]).stdout);
    return file;
  };

  it.skipIf(!has('fish'))(
    'fish completes subcommands and the options of a nested command',
    () => {
      const file = script('fish');
      const complete = (line: string) =>
        spawnSync('fish', ['-c', `source ${file}; complete -C "${line}"`], { encoding: 'utf8' })
          .stdout.trim()
          .split('\n')
          .map((l) => l.split('\t')[0]);
      expect(complete('neonhub plugin ')).toEqual(expect.arrayContaining(['enable', 'disable', 'install', 'list', 'lock', 'verify']));
      expect(complete('neonhub plugin enable x -w acme --')).toEqual(['--config', '--help', '--workspace']);
      expect(complete('neonhub tok')).toEqual(['token']);
    },
    60_000,
  );

  it.skipIf(!has('zsh'))(
    'zsh offers the words of the command typed so far',
    () => {
      const file = script('zsh');
      const offer = (...words: string[]) =>
        spawnSync(
          'zsh',
          [
            '-c',
            // compdef and compadd exist only under compinit in a completion widget: stand-ins print what is offered
            `compdef() {}; compadd() { [[ $1 == -- ]] && shift; print -r -- "$@"; }; source ${file}; words=(${words.map((w) => `'${w}'`).join(' ')}); CURRENT=${words.length}; _neonhub`,
          ],
          { encoding: 'utf8' },
        ).stdout.trim();
      expect(offer('neonhub', '').split(' ')).toEqual(expect.arrayContaining(['plugin', 'doctor', 'completion', '--version']));
      expect(offer('neonhub', 'plugin', 'enable', 'x', '-w', 'acme', '')).toBe('-w --workspace -c --config --help');
      expect(offer('neonhub', 'token', '')).toBe('create list revoke --help');
    },
    60_000,
  );
});

describe('--json on every listing command', () => {
  it('plugin list, plugin info, plugin verify, workspace list, token list and doctor print JSON', () => {
    for (const args of [
      ['plugin', 'list', '--json'],
      ['plugin', 'info', 'rt-other', '--json'],
      ['plugin', 'verify', '--json'],
      ['workspace', 'list', '--json'],
      ['token', 'list', '-w', 'acme', '--json'],
    ]) {
      const r = neonhub(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      expect(() => JSON.parse(r.stdout), args.join(' ')).not.toThrow();
    }
    expect(existsSync(join(root, '.neonhub'))).toBe(true);
  }, 600_000);
});
