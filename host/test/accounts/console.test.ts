import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { mountConsole } from '../../src/accounts/console.js';
import { installErrorHandling } from '../../src/server/errors.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A stand-in for adapter-node's handler.js: echoes what it received, body included. */
function fakeBuild() {
  const dir = mkdtempSync(join(tmpdir(), 'neonhub-ui-build-'));
  dirs.push(dir);
  writeFileSync(
    join(dir, 'handler.js'),
    `export const handler = (req, res) => { let body = ''; req.on('data', (c) => (body += c)); req.on('end', () => {
       res.setHeader('content-type', 'application/json');
       res.end(JSON.stringify({ method: req.method, url: req.url, body, proto: req.headers['x-neonhub-console-proto'] }));
     }); };`,
  );
  return dir;
}

async function app() {
  const a = Fastify();
  installErrorHandling(a);
  a.get('/api/ping', async () => ({ pong: true }));
  return a;
}

describe('mountConsole', () => {
  it('hands every non-API path to the console with its body unread, and keeps JSON 404s for unknown API paths', async () => {
    const a = await app();
    expect(await mountConsole(a, { buildDir: fakeBuild(), apiUrl: 'http://127.0.0.1:1' })).toEqual({ mounted: true });
    const page = await a.inject({ method: 'GET', url: '/w/acme/plugins?x=1' });
    expect(page.json()).toEqual({ method: 'GET', url: '/w/acme/plugins?x=1', body: '', proto: 'http' });
    const form = await a.inject({
      method: 'POST',
      url: '/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'email=a%40b.c&password=x',
    });
    expect(form.json()).toMatchObject({ method: 'POST', body: 'email=a%40b.c&password=x' });
    const json = await a.inject({
      method: 'POST',
      url: '/w/acme/call?/call',
      headers: { 'content-type': 'application/json' },
      payload: '{"a":1}',
    });
    expect(json.json().body).toBe('{"a":1}');
    expect((await a.inject({ method: 'GET', url: '/' })).json().url).toBe('/');
    expect((await a.inject({ method: 'GET', url: '/api/ping' })).json()).toEqual({ pong: true });
    const missing = await a.inject({ method: 'GET', url: '/api/nope' });
    expect([missing.statusCode, missing.json().error.code]).toEqual([404, 'NH_ROUTE_NOT_FOUND']);
    await a.close();
  });

  it('without a build, says how to build it on / and leaves the API alone', async () => {
    const a = await app();
    const dir = mkdtempSync(join(tmpdir(), 'neonhub-no-build-'));
    dirs.push(dir);
    const r = await mountConsole(a, { buildDir: dir });
    expect(r.mounted).toBe(false);
    expect(r.reason).toContain('pnpm --filter @neonhub/ui build');
    const home = await a.inject({ method: 'GET', url: '/' });
    expect(home.statusCode).toBe(503);
    expect(home.body).toContain('pnpm --filter @neonhub/ui build');
    expect((await a.inject({ method: 'GET', url: '/api/ping' })).statusCode).toBe(200);
    await a.close();
  });
});
