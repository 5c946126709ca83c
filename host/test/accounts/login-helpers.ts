import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { type AccountOptions, accountDepsFromHost, registerAccountRoutes } from '../../src/accounts/index.js';
import { loadConfig } from '../../src/config.js';
import { createHost, type Host } from '../../src/host.js';
import { installErrorHandling } from '../../src/server/errors.js';
import { repoRoot } from './helpers.js';

/** A real host (the sandbox e-mail connector, PGlite in a temp dir) with only the account routes on its API. */
export async function bootLogin(options: AccountOptions = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'neonhub-login-'));
  const config = loadConfig({ NEONHUB_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }, repoRoot);
  const host: Host = await createHost({ config, logger: pino({ level: 'silent' }), only: ['connector-email-sandbox'], seed: false });
  const app: FastifyInstance = Fastify({ logger: false });
  installErrorHandling(app);
  registerAccountRoutes(app, accountDepsFromHost(host), { github: null, ...options });
  await app.ready();
  return {
    host,
    app,
    async close() {
      await app.close();
      await host.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
