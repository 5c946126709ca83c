import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { type AccountOptions, readOperatorCredential } from '../../src/accounts/index.js';
import { loadConfig } from '../../src/config.js';
import { createHost, type Host } from '../../src/host.js';
import { buildApp } from '../../src/server/app.js';

export const repoRoot = resolve(import.meta.dirname, '../../..');

/** A real host (repo plugins, PGlite in a temp dir) with the account routes on its API. */
export async function bootAccounts(options: AccountOptions = {}, only = ['agent-seo', 'connector-email-sandbox']) {
  const dataDir = mkdtempSync(join(tmpdir(), 'neonhub-accounts-'));
  const config = loadConfig({ NEONHUB_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }, repoRoot);
  const host: Host = await createHost({ config, logger: pino({ level: 'silent' }), only, seed: false });
  const app: FastifyInstance = await buildApp(host, { accounts: { github: null, ...options } });
  await app.ready();
  const operatorToken = readOperatorCredential(dataDir);
  if (!operatorToken) throw new Error('the host wrote no operator credential');
  return {
    host,
    app,
    dataDir,
    /** Headers of the operator (the CLI): the credential the host wrote into the data directory. */
    operator: { authorization: `Bearer ${operatorToken}` },
    async close() {
      await app.close();
      await host.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

let n = 0;
/** Signs a fresh user up; returns its id and session token. */
export async function signup(app: FastifyInstance, name = 'user') {
  const email = `${name}-${process.pid}-${++n}@example.com`;
  const res = await app.inject({ method: 'POST', url: '/api/auth/signup', payload: { email, password: 'correct horse battery', name } });
  if (res.statusCode !== 201) throw new Error(`signup failed: ${res.body}`);
  const body = res.json() as { user: { id: string }; session: { token: string } };
  return { id: body.user.id, email, token: body.session.token, auth: { authorization: `Bearer ${body.session.token}` } };
}
