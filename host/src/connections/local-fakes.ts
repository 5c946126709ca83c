import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Storage } from '../storage.js';
import type { OAuthTokens } from './oauth-client.js';

/** What demo mode needs to know of a started fake (the @neonhub/fakes objects carry more). */
interface StartedFake {
  name: string;
  url: string;
  close(): Promise<void> | void;
  tokens?: { issue(): { accessToken: string; refreshToken: string } };
  account?: { handle?: string; appPassword?: string };
  clientSecret?: string;
}

/** How one fake becomes a connection of its connector: fields typed in, OAuth tokens, or the config baseUrl. */
interface DemoSetup {
  fields?: Record<string, string>;
  tokens?: OAuthTokens;
  baseUrl?: string;
}

const LABEL = 'Local fake';
/** Demo tokens outlive a demo (a refresh would go to the real provider's tokenUrl, which the demo cannot reach). */
const DEMO_TOKEN_MS = 30 * 24 * 3_600_000;

function setupFor(fake: StartedFake, authType: string, fieldNames: string[]): DemoSetup | undefined {
  const issued = fake.tokens?.issue();
  const tokens: OAuthTokens | undefined = issued && {
    accessToken: issued.accessToken,
    refreshToken: issued.refreshToken,
    tokenType: 'bearer',
    expiresAt: Date.now() + DEMO_TOKEN_MS,
  };
  if (fake.name === 'bluesky' && fake.account?.handle && fake.account.appPassword)
    return { fields: { identifier: fake.account.handle, appPassword: fake.account.appPassword, service: fake.url } };
  if (fake.name === 'mastodon' && issued) return { fields: { instanceUrl: fake.url, accessToken: issued.accessToken } };
  if (authType === 'oauth2' && tokens)
    return {
      tokens,
      baseUrl: fake.url,
      ...(fake.clientSecret && fieldNames.includes('clientSecret') ? { fields: { clientSecret: fake.clientSecret } } : {}),
    };
  return undefined;
}

/**
 * NEONHUB_CONNECTORS=local-fakes (docs/connectors.md, "Local fakes demo mode"): starts every provider fake of
 * @neonhub/fakes on a loopback port, allow-lists those ports for the `demo` workspace only (its outbound guard; no
 * other workspace may reach them), and for each installed connector `connector-<fake>` replaces its "Local fake"
 * connection with one pointing at the fake (fields, OAuth tokens the fake issued, and the plugin config `baseUrl`),
 * enabled. Returns the stop function. A fake or connector that cannot be set up is logged and skipped.
 */
export async function startLocalFakes(deps: {
  storage: Storage;
  manifest(id: string): import('@neonhub/schemas').PluginManifest | undefined;
  dataDir: string;
  logger: Logger;
}): Promise<{ fakes: { name: string; url: string; plugin?: string }[]; stop(): Promise<void> }> {
  const { storage, logger } = deps;
  const { fakeNames, startFake } = await import('@neonhub/fakes');
  const started: StartedFake[] = [];
  const out: { name: string; url: string; plugin?: string }[] = [];
  let demo: { id: string };
  try {
    demo = await storage.service.resolveWorkspace('demo');
  } catch {
    logger.warn('NEONHUB_CONNECTORS=local-fakes: there is no demo workspace; no fakes started');
    return { fakes: [], stop: async () => {} };
  }
  for (const name of fakeNames) {
    try {
      started.push((await startFake(name)) as unknown as StartedFake);
    } catch (err) {
      logger.warn({ err, fake: name }, 'a provider fake did not start');
    }
  }

  // the demo workspace reaches exactly these ports (the previous run's entries are replaced)
  const stateFile = join(deps.dataDir, 'local-fakes.json');
  const previous: string[] = await readFile(stateFile, 'utf8')
    .then((t) => JSON.parse(t) as string[])
    .catch(() => []);
  const entries = started.map((f) => new URL(f.url).host);
  const current = (await storage.outbound.get(demo.id)).workspace.filter((e) => !previous.includes(e));
  await storage.outbound.set(demo.id, { allow: [...new Set([...current, ...entries])] });
  await writeFile(stateFile, JSON.stringify(entries));

  for (const fake of started) {
    const plugin = `connector-${fake.name}`;
    const connector = deps.manifest(plugin)?.connector;
    out.push({ name: fake.name, url: fake.url, ...(connector ? { plugin } : {}) });
    if (!connector) continue;
    const auth = connector.auth;
    const setup = setupFor(fake, auth.type, auth.type === 'none' ? [] : auth.fields.map((f) => f.name));
    if (!setup) {
      logger.warn({ fake: fake.name, plugin }, 'local-fakes: no way to connect this connector to its fake yet');
      continue;
    }
    try {
      const config = { ...(await storage.service.getConfig(demo.id, plugin)), ...(setup.baseUrl ? { baseUrl: setup.baseUrl } : {}) };
      await storage.service.enablePlugin(demo.id, plugin, config);
      const existing = (await storage.connections.list(demo.id, plugin)).find((c) => c.label === LABEL);
      if (existing) await storage.connections.remove(demo.id, existing.id, { revoke: false }); // the old fake is gone
      if (setup.tokens)
        await storage.connections.addWithTokens(demo.id, { plugin, label: LABEL, tokens: setup.tokens, fields: setup.fields ?? {} });
      else await storage.connections.add(demo.id, { plugin, label: LABEL, fields: setup.fields ?? {} }, 'system');
      logger.info({ fake: fake.name, url: fake.url, plugin }, 'local-fakes: connected the demo workspace to a provider fake');
    } catch (err) {
      logger.warn({ err, fake: fake.name, plugin }, 'local-fakes: could not connect the demo workspace to this fake');
    }
  }
  return {
    fakes: out,
    stop: async () => {
      await Promise.allSettled(started.map((f) => f.close()));
    },
  };
}
