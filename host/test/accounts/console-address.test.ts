import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { createClientIp, parseTrustedProxies } from '../../src/accounts/client-ip.js';
import { mountConsole } from '../../src/accounts/console.js';
import { installErrorHandling } from '../../src/server/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'neonhub-ui-address-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the console's view of its visitor's address", () => {
  it('is the address the host computed (a trusted proxy is followed), never a header the visitor sent', async () => {
    delete process.env.ADDRESS_HEADER;
    // A stand-in for adapter-node: getClientAddress() reads the header named by ADDRESS_HEADER.
    writeFileSync(
      join(dir, 'handler.js'),
      `export const handler = (req, res) => { res.setHeader('content-type', 'application/json');
         res.end(JSON.stringify({ address: req.headers[process.env.ADDRESS_HEADER] })); };`,
    );
    const app = Fastify();
    installErrorHandling(app);
    app.decorate('clientIp', createClientIp({ trustedProxies: parseTrustedProxies('10.9.0.0/16'), consoleSecret: () => undefined }));
    await mountConsole(app, { buildDir: dir, apiUrl: 'http://127.0.0.1:1' });
    const viaProxy = await app.inject({ url: '/login', remoteAddress: '10.9.0.1', headers: { 'x-forwarded-for': '6.6.6.6, 203.0.113.7' } });
    expect(viaProxy.json()).toEqual({ address: '203.0.113.7' });
    const spoofed = await app.inject({
      url: '/login',
      remoteAddress: '198.51.100.2',
      headers: { 'x-neonhub-console-client-address': '1.1.1.1', 'x-forwarded-for': '2.2.2.2' },
    });
    expect(spoofed.json()).toEqual({ address: '198.51.100.2' });
    await app.close();
  });
});
