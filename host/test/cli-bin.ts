import { resolve } from 'node:path';

/** The CLI as a user runs it: host/bin/neonhub.js (tsx's loader over the TypeScript sources, no build step). */
export const sourceBin = resolve(import.meta.dirname, '../bin/neonhub.js');

/**
 * The CLI the tests start: the same sources built once per test run to plain JavaScript (cli-build.ts,
 * ~3 s less CPU per start than tsx's loader), or the sources through tsx when the build is not there (a test run
 * without the global setup). The README's commands are tested as written, through tsx, in host/test/first-hour.
 */
export const neonhubBin = process.env.NEONHUB_TEST_CLI_BIN ?? sourceBin;
