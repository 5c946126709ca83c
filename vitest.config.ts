import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{schemas,core,host,plugins,mcp-servers}/**/*.test.ts'],
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
  },
});
