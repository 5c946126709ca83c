import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{schemas,core,host,plugins,mcp-servers}/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'ui/**', 'host/test/.tmp/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['scripts/vitest-global-setup.ts'],
  },
});
