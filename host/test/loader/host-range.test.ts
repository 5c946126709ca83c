import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST_API_VERSION } from '../../src/version.js';
import { bootHost, lockRoot, makeRoot, removeRoot, repoPlugin, runtimeFixtures, writePlugin } from '../integration/helpers.js';

/**
 * The manifest's `host` range at load (docs/plugin-authors.md, "The host range"): a plugin that needs a newer host API
 * than this host provides is refused with NH_MANIFEST_HOST_RANGE naming both versions, and the host runs on with the
 * plugins that fit.
 */
let root: string;
const actor = { type: 'system' as const, id: 'test' };
const NEWER = `^${semver.inc(HOST_API_VERSION, 'minor')}`;

beforeAll(async () => {
  root = makeRoot('host-range', [{ from: join(runtimeFixtures, 'rt-basic') }]);
  await lockRoot(root); // the lock pins what fits; the plugin below arrives after it
  writePlugin(root, 'needs-newer', {
    'plugin.json': JSON.stringify({
      id: 'needs-newer',
      version: '1.0.0',
      kind: 'capability',
      description: 'a plugin written against a host API newer than this one',
      host: NEWER,
      runtime: { type: 'module', entry: 'src/index.ts' },
      tools: [
        {
          name: 'noop',
          description: 'Does nothing.',
          inputSchema: { type: 'object' },
          outputSchema: { type: 'object' },
          sideEffect: 'none',
        },
      ],
    }),
    'package.json': JSON.stringify({ name: '@test/needs-newer', version: '1.0.0', type: 'module' }),
    'src/index.ts': `import { definePlugin } from '@neonhub/sdk';
import { z } from 'zod';
export default definePlugin({ id: 'needs-newer', tools: [{ name: 'noop', description: 'Does nothing.', input: z.object({}), output: z.object({}), sideEffect: 'none', run: () => ({}) }] });
`,
  });
}, 60_000);

afterAll(() => removeRoot(root));

describe('a plugin whose host range excludes this host', () => {
  it('is refused at load with NH_MANIFEST_HOST_RANGE naming both versions; the other plugins load and answer', async () => {
    const host = await bootHost(root);
    try {
      const refused = host.problems.filter((p) => p.dir.endsWith('needs-newer'));
      expect(refused).toHaveLength(1);
      expect(refused[0]!.error.code).toBe('NH_MANIFEST_HOST_RANGE');
      expect(refused[0]!.error.message).toContain(`plugin needs-newer needs host API ${NEWER}, but this host provides ${HOST_API_VERSION}`);
      expect(refused[0]!.error.details).toMatchObject({ host: NEWER, hostApiVersion: HOST_API_VERSION });
      expect(host.registry.plugin('needs-newer')).toBeUndefined();
      // the host is up: rt-basic loaded and its tool answers through the pipeline
      expect(host.plugins.states().map((s) => [s.id, s.status])).toEqual([['rt-basic', 'ready']]);
      await host.storage.service.createWorkspace({ slug: 'acme' });
      await host.storage.service.enablePlugin('acme', 'rt-basic');
      const r = await host.callTool({ workspace: 'acme', tool: 'rt-basic:echo', input: { text: 'still here' }, actor });
      expect(r).toMatchObject({ status: 'ok', output: { text: 'still here' } });
      expect(host.records.some((l) => l.code === 'NH_MANIFEST_HOST_RANGE' && String(l.msg).includes(NEWER))).toBe(true);
    } finally {
      await host.close();
    }
  }, 60_000);
});

describe('the first-party plugins against host API versions', () => {
  const manifestOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'plugin.json'), 'utf8')) as { id: string; host: string };

  it('data-trust needs 0.2 (insertAll into another collection, deleteBefore): a 0.1 host refuses it, this one loads it', () => {
    const m = manifestOf(repoPlugin('data-trust'));
    expect(semver.satisfies('0.1.0', m.host)).toBe(false);
    expect(semver.satisfies(HOST_API_VERSION, m.host)).toBe(true);
  });
});
