import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PluginManifestSchema } from '@neonhub/schemas';
import pino from 'pino';
import { loadConfig } from '../../host/src/config.js';
import { createHost } from '../../host/src/host.js';
import { pluginRoots } from '../../host/src/plugin-loading.js';
import { discoverPlugins, lockPlugins } from '../../host/src/plugins/index.js';
import { createRuntime } from '../../host/src/runtimes/index.js';
import type { BenchContext, Db } from './context.js';

const repo = resolve(import.meta.dirname, '../..');
const CAPABILITIES = ['governance', 'data-trust', 'eco'];

export type BenchHost = Awaited<ReturnType<typeof createHost>>;

/**
 * A host for one database with two workspaces: `echo-only` (the no-op plugin rt-basic and the stdio echo server
 * ws-echo) and `trusted` (the same + governance, data-trust, eco). With --trace-store, `ops` counts each plugin's
 * store operations; with --trace-audit / --trace-mcp, data-trust's audit writes are wrapped by the tracers.
 * `dispose` closes the host and removes its folder.
 */
export async function startBenchHost(ctx: BenchContext, dialect: Db, databaseUrl?: string) {
  // Inside the repo so plugins resolve their dependencies; the real capability plugins are linked, not copied.
  const root = join(repo, 'host/test/.tmp', `bench-trust-${process.pid}-${dialect.replace(' ', '-')}`);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(join(root, 'plugins'), { recursive: true });
  cpSync(join(repo, 'host/test/fixtures/runtime-plugins/rt-basic'), join(root, 'plugins/rt-basic'), { recursive: true });
  for (const id of CAPABILITIES) symlinkSync(join(repo, 'plugins', id), join(root, 'plugins', id), 'dir');
  const config = loadConfig(
    {
      NEONHUB_DATA_DIR: '.neonhub',
      LOG_LEVEL: 'warn',
      NEONHUB_PGLITE_THREAD: dialect === 'PGlite thread' ? 'on' : 'off',
      ...(databaseUrl ? { DATABASE_URL: databaseUrl, NEONHUB_SECRET_KEY: randomBytes(32).toString('base64') } : {}),
    },
    root,
  );
  // the echo tool of the table: a third-party MCP server over stdio (official SDK), pinned as it lists its tools
  const echoDir = join(root, 'plugins/ws-echo');
  cpSync(join(repo, 'host/test/fixtures/mcp-workspace-echo'), echoDir, { recursive: true });
  const echoRuntime = createRuntime({
    manifest: PluginManifestSchema.parse(JSON.parse(readFileSync(join(echoDir, 'plugin.json'), 'utf8'))),
    dir: echoDir,
    cacheDir: join(root, '.cache'),
    logger: pino({ level: 'warn' }),
    isolation: 'isolated',
  });
  await echoRuntime.start();
  const echoTools = await echoRuntime.listTools();
  await echoRuntime.stop();
  const found = await discoverPlugins(pluginRoots(config), { repoRoot: root });
  await lockPlugins({ lockPath: join(root, 'plugins.lock.json'), plugins: found.plugins, extraTools: { 'ws-echo': echoTools } });
  const host = await createHost({ config, logger: pino({ level: 'warn' }), seed: false });
  await host.plugins.firstPass;
  const svc = host.storage.service;
  await svc.createWorkspace({ slug: 'echo-only' });
  await svc.enablePlugin('echo-only', 'rt-basic');
  await svc.enablePlugin('echo-only', 'ws-echo');
  await svc.createWorkspace({ slug: 'trusted' });
  await svc.enablePlugin('trusted', 'rt-basic');
  await svc.enablePlugin('trusted', 'ws-echo');
  for (const id of CAPABILITIES) await svc.enablePlugin('trusted', id);

  // --trace-store: count each plugin's store operations (by method) per call in the trusted workspace
  const ops = new Map<string, number>();
  if (ctx.opts.traceStore) {
    const access = host.storage.workspaces;
    const original = access.store.bind(access);
    access.store = (workspaceId, pluginId) => {
      const store = original(workspaceId, pluginId);
      return new Proxy(store, {
        get(target, prop, receiver) {
          const value = Reflect.get(target, prop, receiver);
          if (typeof value !== 'function') return value;
          return (...args: unknown[]) => {
            const key = `${pluginId}.${String(prop)}(${String(args[0])})`;
            ops.set(key, (ops.get(key) ?? 0) + 1);
            return value.apply(target, args);
          };
        },
      });
    };
  }
  const { auditTrace, mcpTrace } = ctx;
  if (auditTrace || mcpTrace) {
    const access = host.storage.workspaces;
    const original = access.store.bind(access);
    access.store = (workspaceId, pluginId) => {
      const store = original(workspaceId, pluginId);
      if (pluginId !== 'data-trust') return store;
      let insertAll = store.insertAll.bind(store);
      if (auditTrace) insertAll = auditTrace.wrap(insertAll);
      if (mcpTrace) insertAll = mcpTrace.wrapWrite(insertAll);
      return { ...store, insertAll };
    };
  }
  return {
    host,
    ops,
    async dispose() {
      await host.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
