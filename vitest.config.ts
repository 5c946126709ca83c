import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { DurationSequencer } from './scripts/vitest-sequencer.js';

/**
 * Test files that share one module graph per worker (`isolate: false`): the plugins' tests, the SDK's, the LLM
 * adapter's and the host's unit tests beside its sources (host/src; the host's own suites are in host/test). Each of
 * them otherwise spent seconds importing the same SDK, schemas, zod and MCP SDK in a fresh fork (most of the suite's
 * summed import time) for well under a second of tests. They set no globals, environment variables, mocks or fake
 * timers and start their servers and child processes on ports and folders of their own, so the order they run in does
 * not matter (checked with `--sequence.shuffle.files`). The rest (the host's suites, the data layer, the queue,
 * telemetry, the memory server) keeps a fresh fork per file: they boot hosts, open databases, register global
 * telemetry providers and change process.env.
 */
const SHARED = ['plugins/**/*.test.ts', 'core/sdk/**/*.test.ts', 'core/llm/**/*.test.ts', 'host/src/**/*.test.ts'];

export default defineConfig({
  test: {
    exclude: ['**/node_modules/**', 'ui/**', 'host/test/.tmp/**'],
    // Hang guards, not speed budgets (speed is measured in bench/): CI runs the suite on a loaded 2-core machine where
    // creating a database, booting a host or spawning a plugin takes many times what it takes on a quiet one (a
    // migrated in-memory PGlite beforeAll passed 60 s there). A test that needs longer says so itself.
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // One more test file at a time than there are cores (vitest's own default is one fewer: a single file at a time on
    // a 2-core machine). Most files spend their time waiting on child processes (MCP servers, the CLI), PostgreSQL,
    // Redis and timers, not on the CPU; the files are independent (temp roots, scratch databases, key prefixes of their own).
    maxWorkers: availableParallelism() + 1,
    globalSetup: ['scripts/vitest-global-setup.ts'],
    // Where vitest has no durations of its own (CI's clean clone), the longest files start first, from a list measured
    // beforehand (scripts/vitest-sequencer.ts): sorted by size, the CLI and crash suites started mid-run and ran on alone.
    ...(process.env.CI ? { sequence: { sequencer: DurationSequencer } } : {}),
    projects: [
      {
        extends: true,
        test: { name: 'shared', include: SHARED, isolate: false },
      },
      {
        extends: true,
        test: {
          name: 'isolated',
          include: ['{schemas,core,host,plugins,mcp-servers}/**/*.test.ts'],
          exclude: ['**/node_modules/**', 'ui/**', 'host/test/.tmp/**', ...SHARED],
        },
      },
    ],
  },
});
