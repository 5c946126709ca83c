import type { Connection } from '@neonhub/schemas';
import { OAUTH_CALLBACK_PATH } from '../../connections/routes.js';
import { hostErrors } from '../../errors.js';
import { cliConfig, withStorage } from '../context.js';
import { out } from '../output.js';
import { hostApi, runningHost } from '../running-host.js';

/**
 * `neonhub connection ...`: a workspace's connected accounts (docs/connectors.md, "Connected accounts"). Through a
 * running host as the operator; without one, directly on the database (no plugin code runs).
 */
const purpose = (what: string) => ({ purpose: `neonhub connection ${what}`, manifests: true }) as const;

function show(c: Connection) {
  const account = c.account.name ?? c.account.id;
  return {
    id: c.id,
    connector: c.plugin,
    label: c.label,
    status: c.status,
    default: c.default ? 'yes' : '',
    account: account ?? '',
    'last error': c.lastError ?? '',
  };
}

export async function list(opts: { workspace: string; json?: boolean }) {
  const running = runningHost();
  const connections = running
    ? (await hostApi(running, 'listConnections', { params: { ws: opts.workspace } })).connections
    : await withStorage(purpose('list'), async (storage) =>
        storage.connections.list((await storage.service.resolveWorkspace(opts.workspace)).id),
      );
  if (opts.json) return out.json(connections);
  if (connections.length === 0)
    return out.line(`no connections in ${opts.workspace} yet: \`neonhub connection add\` or \`neonhub connection connect\``);
  out.table(connections.map(show), ['id', 'connector', 'label', 'status', 'default', 'account', 'last error']);
}

/**
 * `--field name=value` pairs (repeatable; a value may contain '=') and `--field-env name=VARIABLE` (the value read from
 * the environment, so a secret stays out of the shell history and the process list).
 */
function fields(pairs: string[] = [], fromEnv: string[] = []): Record<string, string> {
  const values: Record<string, string> = {};
  const split = (pair: string, flag: string) => {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw hostErrors.create('NH_REQUEST_INVALID', `${flag} takes name=value, got ${JSON.stringify(pair)}`);
    return [pair.slice(0, eq), pair.slice(eq + 1)] as const;
  };
  for (const pair of pairs) {
    const [name, value] = split(pair, '--field');
    values[name] = value;
  }
  for (const pair of fromEnv) {
    const [name, variable] = split(pair, '--field-env');
    const value = process.env[variable];
    if (!value) throw hostErrors.create('NH_REQUEST_INVALID', `--field-env ${name}=${variable}: the variable ${variable} is not set`);
    values[name] = value;
  }
  return values;
}

export async function add(
  plugin: string,
  label: string,
  opts: { workspace: string; field?: string[]; fieldEnv?: string[]; default?: boolean; json?: boolean },
) {
  const body = { plugin, label, fields: fields(opts.field, opts.fieldEnv), ...(opts.default ? { default: true } : {}) };
  const running = runningHost();
  const connection = running
    ? (await hostApi(running, 'addConnection', { params: { ws: opts.workspace }, body })).connection
    : await withStorage(purpose('add'), async (storage) =>
        storage.connections.add((await storage.service.resolveWorkspace(opts.workspace)).id, body, 'operator'),
      );
  if (opts.json) return out.json(connection);
  out.ok(`connected ${connection.plugin} as ${connection.label} (${connection.id})${connection.default ? ', the default' : ''}`);
  if (connection.webhookPath) out.line(`its webhook URL: <public URL>${connection.webhookPath}`);
}

export async function connect(
  plugin: string,
  opts: { workspace: string; label?: string; field?: string[]; fieldEnv?: string[]; reconnect?: string; json?: boolean },
) {
  const body = {
    plugin,
    ...(opts.label ? { label: opts.label } : {}),
    ...(opts.reconnect ? { connection: opts.reconnect } : {}),
    fields: fields(opts.field, opts.fieldEnv),
  };
  const running = runningHost();
  const started = running
    ? await hostApi(running, 'startConnectionOAuth', { params: { ws: opts.workspace }, body })
    : await withStorage(purpose('connect'), async (storage) => {
        const base = (process.env.NEONHUB_PUBLIC_URL || `http://localhost:${cliConfig().port}`).replace(/\/+$/, '');
        return storage.connections.startOAuth((await storage.service.resolveWorkspace(opts.workspace)).id, body, {
          userId: null,
          redirectUri: `${base}${OAUTH_CALLBACK_PATH}`,
        });
      });
  if (opts.json) return out.json(started);
  out.line(`open this link in a browser and approve (valid until ${started.expiresAt}):`);
  out.line(started.authorizeUrl);
  out.line(`the provider sends the browser back to ${started.redirectUri}; \`neonhub connection list -w ${opts.workspace}\` then shows it`);
}

export async function remove(ref: string, opts: { workspace: string; revokeOnly?: boolean }) {
  const running = runningHost();
  if (running) {
    if (opts.revokeOnly) await hostApi(running, 'revokeConnection', { params: { ws: opts.workspace, connection: ref } });
    else await hostApi(running, 'removeConnection', { params: { ws: opts.workspace, connection: ref } });
  } else
    await withStorage(purpose('remove'), async (storage) => {
      const id = (await storage.service.resolveWorkspace(opts.workspace)).id;
      if (opts.revokeOnly) await storage.connections.revoke(id, ref);
      else await storage.connections.remove(id, ref);
    });
  out.ok(opts.revokeOnly ? `revoked ${ref} (kept, revoked)` : `removed ${ref} (revoked at the provider first where it could be)`);
}

export async function test(ref: string, opts: { workspace: string; json?: boolean }) {
  const running = runningHost();
  const result = running
    ? await hostApi(running, 'testConnection', { params: { ws: opts.workspace, connection: ref } })
    : await withStorage(purpose('test'), async (storage) => {
        const id = (await storage.service.resolveWorkspace(opts.workspace)).id;
        const checks: { check: string; ok: boolean; message: string }[] = [];
        try {
          const { hasRefreshToken } = await storage.connections.checkCredentials(id, ref);
          checks.push({ check: 'credentials', ok: true, message: 'the credentials decrypt' });
          if (hasRefreshToken) {
            const after = await storage.connections.refreshNow(id, ref);
            checks.push({ check: 'oauth refresh', ok: true, message: `refreshed (expires ${after.tokenExpiresAt ?? 'never'})` });
          }
        } catch (err) {
          checks.push({ check: checks.length === 0 ? 'credentials' : 'oauth refresh', ok: false, message: (err as Error).message });
        }
        return { ok: checks.every((c) => c.ok), connection: await storage.connections.view(id, ref), checks };
      });
  if (opts.json) return out.json(result);
  for (const c of result.checks) out.line(`${c.ok ? 'ok  ' : 'FAIL'} ${c.check}: ${c.message}`);
  out.line(
    `${result.connection.label}: ${result.connection.status}${result.connection.lastError ? ` (last error: ${result.connection.lastError})` : ''}`,
  );
  if (!result.ok) process.exitCode = 1;
}
