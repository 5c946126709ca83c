import type { Lockfile } from '@neonhub/schemas';
import { describe, expect, it } from 'vitest';
import { standingQuarantine } from './drift.js';
import { installationSecrets, installationSecretVariable } from './installation-secrets.js';

const lock = (tools: Record<string, string>): Lockfile =>
  ({ lockfileVersion: 1, plugins: { echo: { version: '1.0.0', tools } } }) as unknown as Lockfile;

describe('a quarantine recorded by a running host', () => {
  const file = { plugins: { echo: { lookup: { reason: 'its description differs from the lock', hash: 'sha256-new', since: 't' } } } };

  it('stands until the lock pins the very definition the server served', () => {
    expect(standingQuarantine(file, lock({ lookup: 'sha256-old' }))).toEqual([
      { plugin: 'echo', tool: 'lookup', reason: 'its description differs from the lock', since: 't' },
    ]);
    expect(standingQuarantine(file, lock({ lookup: 'sha256-new' }))).toEqual([]);
  });
});

describe('installation secrets', () => {
  it('are read from NEONHUB_PLUGIN_<ID>__<NAME> only', async () => {
    expect(installationSecretVariable('remote-crm', 'API_TOKEN')).toBe('NEONHUB_PLUGIN_REMOTE_CRM__API_TOKEN');
    // plugin "a" secret "B_TOKEN" and plugin "a-b" secret "TOKEN" never share a variable
    expect(installationSecretVariable('a', 'B_TOKEN')).not.toBe(installationSecretVariable('a-b', 'TOKEN'));
    const env = { NEONHUB_PLUGIN_REMOTE_CRM__API_TOKEN: ' t0k ', NEONHUB_SECRET_KEY: 'host key' };
    expect(await installationSecrets('remote-crm', env)('API_TOKEN')).toBe('t0k');
    expect(await installationSecrets('remote-crm', env)('NEONHUB_SECRET_KEY')).toBeUndefined();
  });
});
