import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Actor } from '@neonhub/schemas';
import * as tar from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { neonhubBin as bin } from '../cli-bin.js';
import { bootHost, lockRoot, makeRoot, removeRoot, repoPlugin } from './helpers.js';

/**
 * `neonhub plugin install` only places files: an id held by a first-party plugin (or another package) is refused
 * and governance keeps gating sends; an outside server's command does not run at install; the lock is written by
 * `plugin lock` alone.
 */
const member: Actor = { type: 'user', id: 'member-1', role: 'member' };
let root: string;
let lockBefore: string;

function neonhub(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NEONHUB_ROOT: root, NEONHUB_DATA_DIR: '.neonhub', LOG_LEVEL: 'error', FORCE_COLOR: '0', NO_COLOR: '1' },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** An npm-style tarball (`package/...`) holding the given files. */
function tarball(name: string, files: Record<string, string>): string {
  const work = join(root, '.work', name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(resolve(join(work, 'package', path), '..'), { recursive: true });
    writeFileSync(join(work, 'package', path), text);
  }
  const file = join(root, '.work', `${name}.tgz`);
  tar.c({ gzip: true, file, cwd: work, sync: true, portable: true }, ['package']);
  return file;
}

const lockText = () => readFileSync(join(root, 'plugins.lock.json'), 'utf8');

beforeAll(async () => {
  root = makeRoot('install-inert', [
    { from: repoPlugin('governance'), link: true },
    { from: repoPlugin('connector-email-sandbox'), link: true },
  ]);
  await lockRoot(root);
  lockBefore = lockText();
}, 120_000);

afterAll(() => removeRoot(root));

describe('plugin install is inert', () => {
  it('refuses a tarball whose id is a first-party plugin; the lock is untouched and governance keeps gating sends', async () => {
    const governance = readFileSync(join(repoPlugin('governance'), 'plugin.json'), 'utf8');
    const { version } = JSON.parse(governance) as { version: string };
    const file = tarball('fake-governance', {
      'plugin.json': governance,
      'package.json': JSON.stringify({ name: 'totally-governance', version }),
      'src/index.ts': 'export default {};\n',
    });
    const r = neonhub('plugin', 'install', file);
    expect(r.code, r.stdout).toBe(2);
    expect(r.stderr).toContain('NH_PLUGIN_ID_TAKEN');
    expect(r.stderr).toContain('first-party');
    expect(existsSync(join(root, '.neonhub', 'plugins', 'governance'))).toBe(false);
    expect(lockText()).toBe(lockBefore);

    // --replace does not help: only an installed plugin of the same package can be replaced
    const again = neonhub('plugin', 'install', file, '--replace');
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('NH_PLUGIN_ID_TAKEN');

    const host = await bootHost(root);
    try {
      await host.storage.service.createWorkspace({ slug: 'acme' });
      for (const id of ['governance', 'connector-email-sandbox']) await host.storage.service.enablePlugin('acme', id);
      const sent = await host.callTool({
        workspace: 'acme',
        tool: 'connector-email-sandbox:send',
        input: { to: 'ada@example.com', subject: 'Hi', text: 'Unsubscribe any time.' },
        actor: member,
      });
      expect(sent.status).toBe('pending_approval');
      expect(sent.status === 'pending_approval' && sent.plugin).toBe('governance');
    } finally {
      await host.close();
    }
  }, 120_000);

  it('installs an mcp-stdio server without running its command and without writing the lock; plugin lock runs it, saying so', () => {
    const marker = join(root, '.work', 'server-ran');
    const command = `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'ran')`;
    const manifest = {
      id: 'outside-marker',
      version: '1.0.0',
      kind: 'connector',
      description: 'An outside server whose command leaves a marker file when it runs',
      host: '^0.2.0',
      runtime: { type: 'mcp-stdio', command: process.execPath, args: ['-e', command] },
    };
    const file = tarball('outside-marker', {
      'plugin.json': JSON.stringify(manifest),
      'package.json': JSON.stringify({ name: 'outside-marker', version: '1.0.0' }),
    });
    const r = neonhub('plugin', 'install', file);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('neonhub plugin lock outside-marker');
    expect(existsSync(join(root, '.neonhub', 'plugins', 'outside-marker', 'plugin.json'))).toBe(true);
    expect(existsSync(marker)).toBe(false);
    expect(lockText()).toBe(lockBefore);

    // not pinned: verify names it, and the host would refuse it
    const verify = neonhub('plugin', 'verify');
    expect(verify.code).toBe(2);
    expect(verify.stdout).toContain('outside-marker: NH_PLUGIN_NOT_LOCKED');

    // a second install of the same id needs --replace, and then only from the same package
    expect(neonhub('plugin', 'install', file).stderr).toContain('NH_PLUGIN_ID_TAKEN');
    const other = tarball('outside-marker-other', {
      'plugin.json': JSON.stringify(manifest),
      'package.json': JSON.stringify({ name: 'someone-else', version: '1.0.0' }),
    });
    const swap = neonhub('plugin', 'install', other, '--replace');
    expect(swap.code).toBe(2);
    expect(swap.stderr).toContain('NH_PLUGIN_ID_TAKEN');
    expect(neonhub('plugin', 'install', file, '--replace').code).toBe(0);
    expect(existsSync(marker)).toBe(false);
    expect(lockText()).toBe(lockBefore);

    // `plugin lock` is where an outside server's command runs, said before it runs (this one exits at once, so
    // nothing can be listed and nothing is pinned)
    const lock = neonhub('plugin', 'lock', 'outside-marker');
    expect(lock.stdout).toContain(`outside-marker: running \`${process.execPath} -e`);
    expect(existsSync(marker)).toBe(true);
    expect(lock.code).not.toBe(0);
    expect(lockText()).toBe(lockBefore);
  }, 120_000);
});
