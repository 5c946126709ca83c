import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PluginManifestSchema } from '@neonhub/schemas';
import { afterAll, describe, expect, it } from 'vitest';
import { createRuntime } from '../../src/runtimes/index.js';
import { invocation, memoryLogger, tempDir } from './helpers.js';

const dir = resolve(import.meta.dirname, '../../../plugins/agent-seo');
const manifest = PluginManifestSchema.parse(JSON.parse(readFileSync(join(dir, 'plugin.json'), 'utf8')));

/** The first real plugin, served in-process and isolated (bundled, under Node's permission model). */
describe('agent-seo in both runtimes', () => {
  const { logger } = memoryLogger();
  const inProcess = createRuntime({ manifest, dir, cacheDir: tempDir(), logger, isolation: 'in-process' });
  const isolated = createRuntime({ manifest, dir, cacheDir: tempDir(), logger, isolation: 'isolated' });
  afterAll(async () => {
    await Promise.all([inProcess.stop(), isolated.stop()]);
  });

  it('gives the same analysis and JSON-LD in-process and isolated', async () => {
    await Promise.all([inProcess.start(), isolated.start()]);
    expect(isolated.status).toBe('ready');
    const page = {
      html: '<html><head><title>Spring sale on trail running shoes | Acme</title></head><body><h1>Spring sale</h1><h3>Skipped a level</h3><p>Our spring sale starts today. Every trail shoe is 20% off until Sunday.</p></body></html>',
      keywords: ['spring sale', 'trail'],
    };
    const a = (await inProcess.invoke(invocation('analyze_page', page))) as Record<string, unknown>;
    const b = (await isolated.invoke(invocation('analyze_page', page))) as Record<string, unknown>;
    expect(b).toEqual(a);
    expect(JSON.stringify(a.keywords)).toContain('"occurrences":2');
    expect(JSON.stringify(a)).toContain('h3');
    const article = { headline: 'Spring sale', author: 'Ada Lovelace', datePublished: '2026-03-01' };
    expect(await isolated.invoke(invocation('generate_jsonld', article))).toEqual(
      await inProcess.invoke(invocation('generate_jsonld', article)),
    );
  }, 60_000);
});
