import { sdkErrors } from '../errors.js';
import type { PluginDefinition } from '../types.js';
import { type ConformanceSubject, conformanceChecks, formatIssues, loadConformanceSubject } from './conformance.js';

// vitest is an optional peer: load it lazily so `@neonhub/sdk/testing` imports without it (createHarness, checkConformance).
const vitest = await import('vitest').catch(() => undefined);

/**
 * The shared plugin conformance suite, as vitest tests (one per check). Call it at the top level
 * of a plugin's `test/conformance.test.ts`: `runConformance({ dir: join(import.meta.dirname, '..'), plugin })`.
 */
export function runConformance(opts: { dir: string; plugin: PluginDefinition }): void {
  if (!vitest) throw sdkErrors.create('NH_SDK_CALL_UNSUPPORTED', 'runConformance needs vitest installed (a devDependency of the plugin)');
  const { describe, it, expect, beforeAll } = vitest;
  describe(`plugin conformance: ${opts.plugin.id}`, () => {
    let subject: ConformanceSubject;
    beforeAll(async () => {
      subject = await loadConformanceSubject(opts.dir, opts.plugin);
    });
    for (const check of conformanceChecks) {
      it(check.title, async () => {
        const issues = await check.run(subject);
        expect(issues, formatIssues(issues)).toEqual([]);
      });
    }
  });
}
