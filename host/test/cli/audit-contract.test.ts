import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockRoot, makeRoot, removeRoot } from '../integration/helpers.js';
import { neonhubIn } from './cli-harness.js';

/**
 * `neonhub audit verify` / `export` know the audit trail by contract: with data-trust absent, a third-party plugin
 * providing `audit` under its own tool names (`verify` as `check`, `export_chain` as `dump`) answers them.
 */
const fixtures = join(import.meta.dirname, '../fixtures/contracts');
let root: string;
const neonhub = (...args: string[]) => neonhubIn(root, args);

beforeAll(async () => {
  root = makeRoot('cli-audit-contract', [{ from: join(fixtures, 'ledger') }]);
  await lockRoot(root);
  expect(neonhub('workspace', 'create', 'acme').code).toBe(0);
  expect(neonhub('plugin', 'enable', 'ledger', '-w', 'acme').code).toBe(0);
}, 120_000);

afterAll(() => removeRoot(root));

describe('the audit commands with a replacement audit provider', () => {
  it("verify calls the provider's own verify tool (ledger:check)", () => {
    const r = neonhub('audit', 'verify', '-w', 'acme');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('✓ audit chain of acme is intact: 0 entries, 0 signed checkpoints (key: ledger of acme)\n');
  }, 90_000);

  it("export calls the provider's export_chain (ledger:dump)", () => {
    const r = neonhub('audit', 'export', '-w', 'acme');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('{"ledger":"acme"}\n');
  }, 90_000);
});
