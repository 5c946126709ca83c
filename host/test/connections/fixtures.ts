import { join } from 'node:path';
import { syncPluginDir } from '@neonhub/sdk/host';
import { writePlugin } from '../integration/helpers.js';

/**
 * Two connector plugins written for a test root: `fixture-social` (OAuth 2.0 against the test authorization server,
 * its `post` checks the token at the server's /api/me) and `fixture-mailer` (API key fields, an hmac-sha256 webhook).
 * Their tools report which connection (and which credential) the host handed them.
 */
export async function writeConnectorFixtures(root: string, oauthBase: string) {
  const port = new URL(oauthBase).port;
  writePlugin(root, 'fixture-social', {
    'plugin.json': JSON.stringify({
      id: 'fixture-social',
      version: '0.1.0',
      kind: 'connector',
      name: 'Fixture social',
      description: 'A social connector for tests: OAuth 2.0 with PKCE against a local authorization server',
      host: '^0.2.0',
      runtime: { type: 'module', entry: 'src/index.ts' },
      network: { hosts: [`127.0.0.1:${port}`] },
      connector: {
        channels: ['social'],
        networks: ['x'],
        auth: {
          type: 'oauth2',
          authorizeUrl: `${oauthBase}/authorize`,
          tokenUrl: `${oauthBase}/token`,
          revokeUrl: `${oauthBase}/revoke`,
          scopes: ['post', 'read'],
        },
      },
    }),
    'package.json': JSON.stringify({ name: '@test/fixture-social', version: '0.1.0', type: 'module' }),
    'src/index.ts': `
import { connectorErrors, definePlugin, defineTool } from '@neonhub/sdk';
import { z } from 'zod';
export default definePlugin({
  id: 'fixture-social',
  tools: [
    defineTool({
      name: 'post',
      description: 'Posts (a fixture): shows the provider the connection token and reports which one it used.',
      input: z.object({ text: z.string(), connection: z.string().optional() }),
      output: z.object({ connection: z.string(), label: z.string(), token: z.string() }),
      sideEffect: 'external',
      run: async (_input, ctx) => {
        if (!ctx.connection) throw connectorErrors.create('NH_CONNECTOR_NOT_CONNECTED', 'connect an account first');
        const token = ctx.connection.credentials.accessToken ?? '';
        const res = await ctx.fetch('${oauthBase}/api/me', { headers: { authorization: 'Bearer ' + token } });
        if (res.status === 401) throw connectorErrors.create('NH_CONNECTOR_AUTH_FAILED', 'the provider refused the token');
        return { connection: ctx.connection.id, label: ctx.connection.label, token };
      },
    }),
  ],
});
`,
  });
  writePlugin(root, 'fixture-mailer', {
    'plugin.json': JSON.stringify({
      id: 'fixture-mailer',
      version: '0.1.0',
      kind: 'connector',
      name: 'Fixture mailer',
      description: 'An e-mail connector for tests: API key fields and hmac-sha256 webhooks',
      host: '^0.2.0',
      runtime: { type: 'module', entry: 'src/index.ts' },
      connector: {
        channels: ['email'],
        auth: {
          type: 'apiKey',
          fields: [
            { name: 'apiKey', label: 'API key' },
            { name: 'fromAddress', label: 'From address', secret: false },
            { name: 'webhookSecret', label: 'Webhook signing secret', required: false },
          ],
        },
        webhook: { scheme: 'hmac-sha256', secretField: 'webhookSecret' },
      },
    }),
    'package.json': JSON.stringify({ name: '@test/fixture-mailer', version: '0.1.0', type: 'module' }),
    'src/index.ts': `
import { connectorErrors, definePlugin, defineTool } from '@neonhub/sdk';
import { z } from 'zod';
export default definePlugin({
  id: 'fixture-mailer',
  tools: [
    defineTool({
      name: 'send',
      description: 'Sends an e-mail (a fixture): reports which connection and key it would use.',
      input: z.object({ to: z.string(), subject: z.string(), connection: z.string().optional() }),
      output: z.object({ connection: z.string(), label: z.string(), keyTail: z.string(), from: z.string() }),
      sideEffect: 'external',
      run: async (_input, ctx) => {
        if (!ctx.connection) throw connectorErrors.create('NH_CONNECTOR_NOT_CONNECTED', 'connect an account first');
        const c = ctx.connection.credentials;
        return { connection: ctx.connection.id, label: ctx.connection.label, keyTail: (c.apiKey ?? '').slice(-4), from: c.fromAddress ?? '' };
      },
    }),
  ],
  webhook: {
    parse(request) {
      const body = JSON.parse(request.body);
      return body.events.map((e) => ({ id: e.id, type: e.type, messageId: e.messageId, recipient: e.to, occurredAt: e.at, data: e.data ?? {} }));
    },
  },
});
`,
  });
  await syncPluginDir(join(root, 'plugins', 'fixture-social'));
  await syncPluginDir(join(root, 'plugins', 'fixture-mailer'));
}
