import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makePgliteTemplate, PGLITE_TEMPLATE_ENV } from '../core/db/src/pglite-template.js';
import { buildCliForTests, CLI_TEST_BIN_ENV } from '../host/test/cli-build.js';

/**
 * Once per `vitest run`, before any test file:
 * - initdb into a kept template, and a migrated copy of it for this checkout's migrations (makePgliteTemplate), named in
 *   NEONHUB_PGLITE_TEMPLATE for the test workers and the processes they start, so each fresh embedded database (every
 *   test host's, every `neonhub` child's) starts as a copy, already migrated, instead of running initdb and the
 *   migrations itself (in-memory databases still run them);
 * - the CLI built to plain JavaScript (buildCliForTests), named in NEONHUB_TEST_CLI_BIN for the tests that start
 *   `neonhub` (host/test/cli-bin.ts), removed at the end.
 */
export default async function setup(): Promise<() => void> {
  process.env[PGLITE_TEMPLATE_ENV] ??= await makePgliteTemplate();
  if (process.env[CLI_TEST_BIN_ENV]) return () => {};
  const dir = mkdtempSync(join(tmpdir(), 'neonhub-cli-build-'));
  process.env[CLI_TEST_BIN_ENV] = await buildCliForTests(dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
