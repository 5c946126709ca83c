import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';

/** The CLI as a user runs it: host/bin/neonhub.js (tsx's loader over the TypeScript sources, no build step). */
export const sourceBin = resolve(import.meta.dirname, '../bin/neonhub.js');

/**
 * The CLI the tests start: the same sources built once per test run to plain JavaScript (cli-build.ts,
 * ~3 s less CPU per start than tsx's loader), or the sources through tsx when the build is not there (a test run
 * without the global setup). The README's commands are tested as written, through tsx, in host/test/first-hour.
 */
export const neonhubBin = process.env.NEONHUB_TEST_CLI_BIN ?? sourceBin;

const repoRoot = resolve(import.meta.dirname, '../..');

/**
 * `node` arguments that run a test fixture script (a .ts file listed in cli-build.ts's TEST_SCRIPTS): its copy in
 * this run's build (no loader: seconds of CPU less per start), else the source through tsx.
 */
export function nodeArgsFor(script: string): string[] {
  const bin = process.env.NEONHUB_TEST_CLI_BIN;
  if (bin?.endsWith('host/src/cli/main.js')) {
    const built = resolve(bin.slice(0, -'host/src/cli/main.js'.length), relative(repoRoot, script).replace(/\.ts$/, '.js'));
    if (existsSync(built)) return [built];
  }
  return ['--import', 'tsx', script];
}
