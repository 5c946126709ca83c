import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join, relative } from 'node:path';
import { createDatabase, migrationStatus } from '@neonhub/db';
import { checkRedis } from '@neonhub/queue';
import { isNeonHubError, type NeonHubError } from '@neonhub/schemas';
import pc from 'picocolors';
import semver from 'semver';
import type { HostConfig } from '../../config.js';
import { lockDataDir, lockHolder } from '../../data-dir-lock.js';
import { pluginRoots } from '../../plugin-loading.js';
import { discoverPlugins, readLockfile, verifyAgainstLock } from '../../plugins/index.js';
import { cliConfig } from '../context.js';
import { out } from '../output.js';

/** One line of `neonhub doctor`: what was checked, how it stands, and what to do when it is not ok. */
export interface DoctorCheck {
  name: string;
  status: 'ok' | 'warn' | 'fail';
  detail: string;
  fix?: string;
}

interface HealthView {
  status: string;
  database: string;
  plugins: { id: string; status: string }[];
  problems: { plugin: string; code: string; message: string }[];
}

const TIMEOUT_MS = 3000;
const message = (err: unknown) => (isNeonHubError(err) ? `${err.code}: ${err.message}` : (err as Error).message);

function checkNode(rootDir: string): DoctorCheck {
  let range = '>=20.19';
  try {
    range = (JSON.parse(readFileSync(join(rootDir, 'package.json'), 'utf8')) as { engines?: { node?: string } }).engines?.node ?? range;
  } catch {}
  const ok = semver.satisfies(process.versions.node, range);
  return {
    name: 'node',
    status: ok ? 'ok' : 'fail',
    detail: `Node ${process.versions.node} (NeonHub needs ${range})`,
    ...(ok ? {} : { fix: `install Node ${range.replace(/^>=/, '')} or newer (e.g. from nodejs.org or nvm)` }),
  };
}

function checkDataDir(config: HostConfig, running: string | undefined): DoctorCheck {
  const dir = config.dataDir;
  if (!existsSync(dir)) {
    try {
      accessSync(dirname(dir), constants.W_OK);
      return { name: 'data directory', status: 'ok', detail: `${dir} (created on the first start)` };
    } catch {
      return {
        name: 'data directory',
        status: 'fail',
        detail: `${dir} does not exist and ${dirname(dir)} is not writable`,
        fix: 'set NEONHUB_DATA_DIR to a folder you can write',
      };
    }
  }
  try {
    accessSync(dir, constants.R_OK | constants.W_OK);
  } catch {
    return {
      name: 'data directory',
      status: 'fail',
      detail: `${dir} is not readable and writable by this user`,
      fix: 'run NeonHub as the user that owns it, or set NEONHUB_DATA_DIR',
    };
  }
  const holder = lockHolder(dir);
  const who = holder ? `; held by process ${holder.pid} (${holder.purpose ?? 'neonhub'})${running ? ` at ${running}` : ''}` : '';
  return { name: 'data directory', status: 'ok', detail: `${dir}${who}` };
}

async function fetchHealth(url: string): Promise<HealthView> {
  const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  return (await res.json()) as HealthView;
}

async function checkHost(config: HostConfig): Promise<{ check: DoctorCheck; url?: string; health?: HealthView }> {
  const holder = config.databaseUrl ? undefined : lockHolder(config.dataDir);
  if (!holder) return { check: { name: 'host', status: 'ok', detail: 'not running (`neonhub start` starts it)' } };
  if (!holder.url)
    return {
      check: {
        name: 'host',
        status: 'warn',
        detail: `process ${holder.pid} (${holder.purpose ?? 'neonhub'}) holds the embedded database and serves no API`,
        fix: 'wait for it to finish; commands that need the database wait for the lock',
      },
    };
  try {
    const health = await fetchHealth(holder.url);
    return {
      url: holder.url,
      health,
      check: { name: 'host', status: 'ok', detail: `running at ${holder.url} (process ${holder.pid}), health ${health.status}` },
    };
  } catch (err) {
    return {
      check: {
        name: 'host',
        status: 'fail',
        detail: `process ${holder.pid} holds the data directory but ${holder.url}/health does not answer (${(err as Error).message})`,
        fix: `stop it (kill ${holder.pid}) and run \`neonhub start\` again`,
      },
    };
  }
}

async function checkDatabase(config: HostConfig, host: { url?: string; health?: HealthView }): Promise<DoctorCheck> {
  if (!config.databaseUrl && host.health)
    return { name: 'database', status: 'ok', detail: `${host.health.database}, open in the running host` };
  if (!config.databaseUrl && !existsSync(join(config.dataDir, 'pg')))
    return { name: 'database', status: 'ok', detail: `embedded PGlite, created in ${config.dataDir} on the first start` };
  if (!config.databaseUrl && lockHolder(config.dataDir))
    return { name: 'database', status: 'warn', detail: 'the embedded database is in use by another process; not checked' };
  const release = config.databaseUrl ? () => {} : lockDataDir(config.dataDir, 'neonhub doctor');
  try {
    const database = await createDatabase({
      ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dataDir: config.dataDir }),
      connectTimeoutSeconds: TIMEOUT_MS / 1000,
    });
    try {
      const pending = (await migrationStatus(database.db)).filter((m) => !m.executedAt).length;
      const what = database.dialect === 'pglite' ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL (DATABASE_URL)';
      const notes = [
        pending ? `${pending} migrations pending (applied by the next start or \`neonhub db migrate\`)` : 'migrations applied',
      ];
      if (!database.hasVector) notes.push('no pgvector: the memory server cannot search by meaning');
      return {
        name: 'database',
        status: database.hasVector ? 'ok' : 'warn',
        detail: `${what}: ${notes.join('; ')}`,
        ...(database.hasVector
          ? {}
          : { fix: 'install the vector extension on the server (CREATE EXTENSION vector), or use a provider that has it' }),
      };
    } finally {
      await database.close();
    }
  } catch (err) {
    return {
      name: 'database',
      status: 'fail',
      detail: message(err),
      fix: config.databaseUrl
        ? 'check that PostgreSQL runs and DATABASE_URL (host, port, user, password, database) is right'
        : 'see the message',
    };
  } finally {
    release();
  }
}

async function checkRedisUrl(config: HostConfig): Promise<DoctorCheck> {
  if (!config.redisUrl) return { name: 'redis', status: 'ok', detail: 'not configured: runs use the in-process queue' };
  try {
    const r = await checkRedis(config.redisUrl, TIMEOUT_MS);
    return { name: 'redis', status: 'ok', detail: `Redis ${r.version ?? ''} answers in ${r.latencyMs} ms`.replace('  ', ' ') };
  } catch (err) {
    return {
      name: 'redis',
      status: 'fail',
      detail: message(err),
      fix: 'start Redis, fix REDIS_URL, or unset it for the in-process queue',
    };
  }
}

function checkChromium(): DoctorCheck {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean) as string[];
  const found = candidates.find((p) => existsSync(p));
  return found
    ? { name: 'chromium', status: 'ok', detail: found }
    : {
        name: 'chromium',
        status: 'warn',
        detail: 'not found; only the console browser test needs it',
        fix: 'apt-get install chromium, or set CHROMIUM_PATH',
      };
}

/** An mcp-stdio plugin's command must be on PATH (or a path that exists). */
function commandFound(command: string, cwd: string): boolean {
  if (command.includes('/')) return existsSync(isAbsolute(command) ? command : join(cwd, command));
  return (process.env.PATH ?? '').split(delimiter).some((d) => d && existsSync(join(d, command)));
}

async function checkPlugins(config: HostConfig, health?: HealthView): Promise<DoctorCheck[]> {
  const found = await discoverPlugins(pluginRoots(config), { repoRoot: config.rootDir });
  const lock = await readLockfile(join(config.rootDir, 'plugins.lock.json'));
  const running = new Map((health?.plugins ?? []).map((p) => [p.id, p.status]));
  const failedInHost = new Map((health?.problems ?? []).map((p) => [p.plugin, `${p.code}: ${p.message}`]));
  const checks: DoctorCheck[] = found.errors.map((e) => ({
    name: `plugin ${relative(config.rootDir, e.dir) || e.dir}`,
    status: 'fail' as const,
    detail: `${e.error.code}: ${e.error.message}`,
    fix: 'fix or remove the folder',
  }));
  for (const p of found.plugins) {
    const name = `plugin ${p.id}`;
    try {
      await verifyAgainstLock(p, lock);
    } catch (err) {
      const e = err as NeonHubError;
      checks.push({
        name,
        status: 'fail',
        detail: `${e.code}: ${e.message}`,
        fix: `review it (\`neonhub plugin info ${p.id}\`), then pin it: \`neonhub plugin lock ${p.id}\``,
      });
      continue;
    }
    const rt = p.manifest.runtime;
    if (rt.type === 'mcp-stdio' && !commandFound(rt.command, p.dir)) {
      checks.push({ name, status: 'fail', detail: `its command \`${rt.command}\` is not on PATH`, fix: `install ${rt.command}` });
      continue;
    }
    const problem = failedInHost.get(p.id);
    const state = running.get(p.id);
    if (problem) checks.push({ name, status: 'fail', detail: `the running host could not load it: ${problem}`, fix: 'see the message' });
    else if (state === 'failed' || state === 'degraded')
      checks.push({ name, status: 'fail', detail: `${state} in the running host`, fix: 'see `GET /health` for the reason' });
    else
      checks.push({
        name,
        status: 'ok',
        detail: `${p.manifest.version}, verified against plugins.lock.json${state ? `; ${state} in the running host` : ''}`,
      });
  }
  return checks;
}

async function checkMcp(host: { url?: string }): Promise<DoctorCheck> {
  if (!host.url)
    return { name: 'mcp', status: 'ok', detail: '`neonhub mcp -w <slug>` serves stdio; /mcp over HTTP once `neonhub start` runs' };
  try {
    const res = await fetch(`${host.url}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'neonhub-doctor', version: '1' } },
      }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    await res.body?.cancel();
    if (res.status === 401)
      return {
        name: 'mcp',
        status: 'ok',
        detail: `${host.url}/mcp answers (clients need a token: \`neonhub token create -w <slug>\`)`,
      };
    if (res.ok) return { name: 'mcp', status: 'ok', detail: `${host.url}/mcp answers` };
    return { name: 'mcp', status: 'fail', detail: `${host.url}/mcp answered ${res.status}`, fix: 'see the host log' };
  } catch (err) {
    return { name: 'mcp', status: 'fail', detail: `${host.url}/mcp does not answer (${(err as Error).message})`, fix: 'see the host log' };
  }
}

/** Every check, in order; nothing here runs plugin code. */
export async function runDoctor(config: HostConfig = cliConfig()): Promise<DoctorCheck[]> {
  const host = await checkHost(config);
  const checks = [checkNode(config.rootDir), checkDataDir(config, host.url), host.check];
  checks.push(await checkDatabase(config, host), await checkRedisUrl(config), checkChromium());
  checks.push(...(await checkPlugins(config, host.health)));
  checks.push(await checkMcp(host));
  return checks;
}

const mark = { ok: pc.green('✓'), warn: pc.yellow('!'), fail: pc.red('✗') };

/** `neonhub doctor [--json]`: checks the machine and the setup; exits 1 when something is broken. */
export async function doctor(opts: { json?: boolean }) {
  const checks = await runDoctor();
  const failed = checks.filter((c) => c.status === 'fail').length;
  if (failed) process.exitCode = 1;
  if (opts.json) return out.json({ ok: failed === 0, checks });
  const width = Math.max(...checks.map((c) => c.name.length));
  for (const c of checks) {
    out.line(`${mark[c.status]} ${c.name.padEnd(width)}  ${c.detail}`);
    if (c.fix && c.status !== 'ok') out.line(`  ${' '.repeat(width)}  ${pc.dim('fix:')} ${c.fix}`);
  }
  const warned = checks.filter((c) => c.status === 'warn').length;
  out.line(
    failed
      ? pc.red(`${failed} problem(s) to fix`)
      : pc.green(`everything needed works${warned ? ` (${warned} warning${warned > 1 ? 's' : ''})` : ''}`),
  );
}
