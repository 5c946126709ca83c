import { readFile, rm } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { NeonHubError, ToolDefinition } from '@neonhub/schemas';
import pc from 'picocolors';
import { hostErrors } from '../../errors.js';
import { createLogger } from '../../logger.js';
// the plugin modules one by one (not plugins/index.js, which loads the installer), and the runtimes only where
// a command runs a plugin: `plugin enable` going through a running host loads neither
import { type DiscoveredPlugin, discoverPlugins } from '../../plugins/discover.js';
import { readQuarantine, standingQuarantine } from '../../plugins/drift.js';
import { installationSecrets } from '../../plugins/installation-secrets.js';
import { lockPlugins, readLockfile, writeLockfile } from '../../plugins/lock.js';
import { formatLockDiff, isEmptyLockDiff } from '../../plugins/lock-diff.js';
import { verifyAgainstLock } from '../../plugins/verify.js';
import type { CreateRuntimeOptions } from '../../runtimes/index.js';
import { cliConfig, withStorage } from '../context.js';
import { out, progress } from '../output.js';
import { hostApi, runningHost } from '../running-host.js';
import type { MountFlags } from './plugin-mount.js';

/** Where plugins are found (plugin-loading.ts imports the runtimes: only commands that need them load them). */
const pluginRoots = async (config: ReturnType<typeof cliConfig>) => (await import('../../plugin-loading.js')).pluginRoots(config);

async function discover() {
  const config = cliConfig();
  const found = await discoverPlugins(await pluginRoots(config), { repoRoot: config.rootDir });
  for (const e of found.errors) out.warn(`${relative(config.rootDir, e.dir) || e.dir}: ${e.error.code} ${e.error.message}`);
  return { config, plugins: found.plugins, problems: found.errors, lockPath: join(config.rootDir, 'plugins.lock.json') };
}

function find(plugins: DiscoveredPlugin[], id: string): DiscoveredPlugin {
  const p = plugins.find((x) => x.id === id);
  if (!p) throw hostErrors.create('NH_PLUGIN_NOT_FOUND', `no installed plugin has the id ${id} (see \`neonhub plugin list\`)`);
  return p;
}

export async function list(opts: { json?: boolean }) {
  const { config, plugins, lockPath } = await discover();
  const lock = await readLockfile(lockPath);
  // a running host quarantined some of their tools (changed at run time): not verified until re-locked
  const quarantined = new Set(standingQuarantine(await readQuarantine(config.dataDir), lock).map((q) => q.plugin));
  const rows = await Promise.all(
    plugins.map(async (p) => {
      let status = quarantined.has(p.id) ? 'NH_TOOL_QUARANTINED' : 'ok';
      try {
        await verifyAgainstLock(p, lock);
      } catch (err) {
        status = (err as NeonHubError).code;
      }
      const entry = lock.plugins[p.id];
      return {
        id: p.id,
        version: p.manifest.version,
        kind: p.manifest.kind,
        runtime: p.manifest.runtime.type === 'module' ? (entry?.isolation ?? 'in-process') : p.manifest.runtime.type,
        tools: p.manifest.tools.length || (entry ? Object.keys(entry.tools).length : 0),
        source: p.source.type,
        lock: status,
      };
    }),
  );
  if (opts.json) return out.json(rows);
  out.table(
    rows.map((r) => ({ ...r, lock: r.lock === 'ok' ? pc.green('verified') : pc.red(r.lock) })),
    ['id', 'version', 'kind', 'runtime', 'tools', 'source', 'lock'],
  );
}

export async function info(id: string, opts: { json?: boolean }) {
  const { config, plugins, lockPath } = await discover();
  const p = find(plugins, id);
  const lockfile = await readLockfile(lockPath);
  const entry = lockfile.plugins[id];
  const quarantined = standingQuarantine(await readQuarantine(config.dataDir), lockfile).filter((q) => q.plugin === id);
  if (opts.json) return out.json({ manifest: p.manifest, source: p.source, lock: entry ?? null, quarantined });
  const m = p.manifest;
  out.line(`${pc.bold(m.id)} ${m.version}  ${pc.dim(m.kind)}  ${m.description}`);
  out.line(
    `  runtime   ${m.runtime.type === 'module' ? `module ${m.runtime.entry}` : m.runtime.type === 'mcp-stdio' ? `mcp-stdio: ${m.runtime.command} ${m.runtime.args.join(' ')}` : `mcp-http: ${m.runtime.url}`}`,
  );
  out.line(`  host      ${m.host}`);
  out.line(`  network   ${m.network.hosts.join(', ') || 'none'}`);
  out.line(`  secrets   ${m.secrets.map((s) => `${s.name}${s.required ? ' (required)' : ''}`).join(', ') || 'none'}`);
  out.line(
    `  depends   ${
      Object.entries(m.dependencies)
        .map(([d, r]) => `${d}@${r}`)
        .join(', ') || 'nothing'
    }`,
  );
  out.line(`  hooks     ${m.hooks.map((h) => `${h.event} (priority ${h.priority})`).join(', ') || 'none'}`);
  if (m.runtime.type === 'module') {
    out.line('  tools');
    for (const t of m.tools)
      out.line(
        `    ${m.id}:${t.name}  ${pc.dim(`[${t.sideEffect}]`)}  ${t.description.split('\n')[0]}${entry?.tools[t.name] ? pc.dim(`  ${entry.tools[t.name]}`) : ''}`,
      );
    return;
  }
  // An outside server's tools are known only from the lock: the names and hashes `plugin lock` pinned.
  if (!entry) {
    out.line(`  tools     not pinned yet: \`neonhub plugin lock ${m.id}\` connects once to list them and pins them`);
    return;
  }
  const names = Object.keys(entry.tools).sort();
  out.line(`  tools     ${names.length} pinned in plugins.lock.json (${entry.version}; a served tool that differs is quarantined)`);
  for (const name of names) {
    const q = quarantined.find((x) => x.tool === name);
    out.line(`    ${m.id}:${name}  ${entry.tools[name]}${q ? `  ${pc.red(`quarantined since ${q.since}: ${q.reason}`)}` : ''}`);
  }
  for (const q of quarantined.filter((x) => !(x.tool in entry.tools)))
    out.line(`    ${m.id}:${q.tool}  ${pc.red(`not pinned; quarantined since ${q.since}: ${q.reason}`)}`);
}

/**
 * Tools of MCP-server plugins are only known once connected: start each briefly and list them. This runs the
 * server's command (or connects to its URL), so only `plugin lock`, which the admin runs deliberately, does it;
 * what it runs is printed first.
 */
async function mcpTools(plugins: DiscoveredPlugin[], cacheDir: string): Promise<Record<string, ToolDefinition[]>> {
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn');
  const result: Record<string, ToolDefinition[]> = {};
  for (const p of plugins.filter((x) => x.manifest.runtime.type !== 'module')) {
    const rt = p.manifest.runtime;
    out.line(
      `${p.id}: ${rt.type === 'mcp-stdio' ? `running \`${[rt.command, ...rt.args].join(' ')}\` to list its tools` : rt.type === 'mcp-http' ? `connecting to ${rt.url} to list its tools` : ''}`,
    );
    if (rt.type === 'mcp-http' && rt.oauth) {
      // behind OAuth: listed through a connected workspace's grant (docs/mcp.md, "Connecting an OAuth-protected MCP server")
      result[p.id] = await withStorage({ purpose: `neonhub plugin lock ${p.id}`, manifests: true }, (storage) =>
        listOnce(p, cacheDir, logger, {
          providerFor: async (w) => storage.mcpOAuth.providerFor(await storage.mcpOAuth.workspace(w), p.id),
          connectedWorkspaces: () => storage.mcpOAuth.connectedWorkspaces(p.id),
        }),
      );
      if (result[p.id]!.length === 0)
        out.warn(
          `${p.id} is behind OAuth and no workspace has connected it: connect one (\`neonhub plugin connect ${p.id} -w <slug>\`), then lock again`,
        );
      continue;
    }
    result[p.id] = await listOnce(p, cacheDir, logger);
  }
  return result;
}

/** Starts one MCP-server plugin briefly and lists its tools. */
async function listOnce(
  p: DiscoveredPlugin,
  cacheDir: string,
  logger: ReturnType<typeof createLogger>,
  oauth?: CreateRuntimeOptions['oauth'],
): Promise<ToolDefinition[]> {
  const p2 = progress(`connecting to ${p.id} to list its tools`);
  const { createRuntime } = await import('../../runtimes/index.js');
  const runtime = createRuntime({
    ...(oauth ? { oauth } : {}),
    manifest: p.manifest,
    dir: p.dir,
    cacheDir,
    logger,
    isolation: 'isolated',
    resolveSecret: installationSecrets(p.id),
    relistIntervalMs: 0,
    // a slow server's own start timeout (manifest limits), as when the host loads it
    ...(p.manifest.limits?.startTimeoutMs ? { backoff: { startTimeoutMs: p.manifest.limits.startTimeoutMs } } : {}),
    // An mcp-http URL passes the outbound guard, as when the host loads it.
    outboundAllow: (process.env.NEONHUB_OUTBOUND_ALLOW ?? '').split(/[\s,]+/).filter(Boolean),
  });
  try {
    await runtime.start();
    const tools = await runtime.listTools();
    p2.done(`${p.id}: ${tools.length} tools`);
    return tools;
  } finally {
    p2.done();
    await runtime.stop();
  }
}

export async function lock(ids: string[], opts: { check?: boolean; isolated?: boolean; inProcess?: boolean }) {
  const { config, plugins, lockPath, problems } = await discover();
  for (const id of ids) find(plugins, id);
  // Two folders claim an id the admin asked to pin: which one is meant is not clear, so neither is pinned.
  const ambiguous = problems.filter(
    (e) => e.error.code === 'NH_PLUGIN_DUPLICATE_ID' && ids.includes(String((e.error.details as { id?: string } | undefined)?.id)),
  );
  if (ambiguous[0]) throw ambiguous[0].error;
  if (opts.isolated && opts.inProcess) throw hostErrors.create('NH_REQUEST_INVALID', 'give --isolated or --in-process, not both');
  const isolation = opts.isolated ? ('isolated' as const) : opts.inProcess ? ('in-process' as const) : undefined;
  const targets = ids.length ? plugins.filter((p) => ids.includes(p.id)) : plugins;
  const extraTools = await mcpTools(targets, join(config.dataDir, 'cache'));
  const { diff } = await lockPlugins({
    lockPath,
    plugins,
    ...(ids.length ? { only: ids } : {}),
    extraTools,
    ...(isolation ? { isolation: Object.fromEntries(ids.map((id) => [id, isolation])) } : {}),
    ...(opts.check ? { dryRun: true } : {}),
  });
  if (isEmptyLockDiff(diff)) return out.ok('plugins.lock.json is up to date');
  out.line(formatLockDiff(diff));
  if (opts.check) {
    out.warn('plugins.lock.json would change: review the diff above and run `neonhub plugin lock` to approve it');
    process.exitCode = 1;
  } else {
    out.ok('plugins.lock.json updated');
    await reloadRunningHost();
  }
}

/**
 * A running `neonhub start` picks up what the lock now allows without a restart: it loads plugins locked
 * since, restarts those whose entry changed and stops those no longer locked or installed.
 */
async function reloadRunningHost() {
  const running = runningHost();
  if (!running) return;
  const r = await hostApi(running, 'reloadPlugins');
  const at = `the running host (${running})`;
  for (const id of r.added) out.ok(`${at} loaded ${id}: enable it with \`neonhub plugin enable ${id} --workspace <slug>\``);
  for (const id of r.reloaded) out.ok(`${at} restarted ${id} with its new lock entry`);
  for (const id of r.removed) out.ok(`${at} stopped ${id}`);
  for (const f of r.failed) out.warn(`${at} could not load ${f.id}: ${f.code} ${f.message}`);
}

/**
 * `neonhub plugin uninstall <id>`: unpins it from plugins.lock.json (the host refuses an unpinned plugin), deletes
 * an installed plugin's files (<data dir>/plugins/<id>; a plugin in this repository keeps its source folder), and
 * has a running host stop it: its tools leave every workspace at once (MCP clients get list_changed).
 */
export async function uninstall(id: string) {
  const { config, plugins, lockPath } = await discover();
  const plugin = plugins.find((p) => p.id === id);
  const lockfile = await readLockfile(lockPath);
  if (!plugin && !lockfile.plugins[id])
    throw hostErrors.create('NH_PLUGIN_NOT_FOUND', `no installed or locked plugin has the id ${id} (see \`neonhub plugin list\`)`);
  if (lockfile.plugins[id]) {
    delete lockfile.plugins[id];
    await writeLockfile(lockPath, lockfile);
    out.ok(`${id} is no longer pinned in ${relative(process.cwd(), lockPath) || lockPath}`);
  }
  const installedDir = join(config.dataDir, 'plugins');
  if (plugin && !relative(installedDir, plugin.dir).startsWith('..')) {
    await rm(plugin.dir, { recursive: true, force: true });
    out.ok(`removed ${plugin.dir}`);
  } else if (plugin)
    out.line(`its source stays in ${relative(process.cwd(), plugin.dir) || plugin.dir}: the host refuses it while it is not locked`);
  await reloadRunningHost();
}

export async function verify(opts: { json?: boolean } = {}) {
  const { config, plugins, lockPath } = await discover();
  const lockfile = await readLockfile(lockPath);
  const results: { id: string; version?: string; tool?: string; ok: boolean; code?: string; message?: string }[] = [];
  for (const p of plugins) {
    try {
      await verifyAgainstLock(p, lockfile);
      results.push({ id: p.id, version: p.manifest.version, ok: true });
    } catch (err) {
      const e = err as NeonHubError;
      results.push({ id: p.id, version: p.manifest.version, ok: false, code: e.code, message: e.message });
    }
  }
  const lockedNotInstalled = Object.keys(lockfile.plugins).filter((id) => !plugins.some((p) => p.id === id));
  // Tools a running host quarantined (an outside server changed them at run time) until the lock approves them.
  for (const q of standingQuarantine(await readQuarantine(config.dataDir), lockfile))
    results.push({
      id: q.plugin,
      tool: q.tool,
      ok: false,
      code: 'NH_TOOL_QUARANTINED',
      message: `since ${q.since}: ${q.reason}; review it and run \`neonhub plugin lock ${q.plugin}\``,
    });
  const failed = results.filter((r) => !r.ok).length;
  if (opts.json) {
    if (failed) process.exitCode = 2;
    return out.json({ ok: failed === 0, plugins: results, lockedNotInstalled });
  }
  for (const r of results) {
    if (r.ok) out.ok(`${r.id} ${r.version}`);
    else process.stdout.write(`${pc.red('✗')} ${r.tool ? `${r.id}:${r.tool}` : r.id}: ${r.code} ${r.message}\n`);
  }
  for (const id of lockedNotInstalled) out.warn(`${id} is locked but not installed`);
  if (failed) {
    process.exitCode = 2;
    out.line(
      `${failed} plugin(s) do not match ${relative(process.cwd(), lockPath) || lockPath}; the host will refuse them (see docs/plugins-lockfile.md)`,
    );
  } else out.line(`${plugins.length} plugins match ${relative(config.rootDir, lockPath)}`);
}

/**
 * Places the plugin's files in `<dataDir>/plugins/<id>` and nothing else: no plugin code or server command runs
 * and plugins.lock.json is not written, so the host refuses the plugin until the admin pins it with `plugin lock`.
 */
export async function install(from: string, opts: { replace?: boolean } & MountFlags) {
  const config = cliConfig();
  // An npm MCP server (no plugin.json) is mounted as an mcp-stdio plugin: with --mcp, or when asked (plugin-mount.ts).
  if (opts.mcp) return (await import('./plugin-mount.js')).mount(from, opts);
  const p = progress(`installing ${from}`);
  const { installPlugin } = await import('../../plugins/install.js');
  const plugin = await installPlugin({
    from: resolveIfPath(from),
    dataDir: config.dataDir,
    roots: await pluginRoots(config),
    ...(opts.replace ? { replace: true } : {}),
  }).catch(async (err: unknown) => {
    p.done();
    if (await (await import('./plugin-mount.js')).offerMount(from, opts, err)) return undefined;
    throw err;
  });
  if (!plugin) return;
  p.done(`installed ${plugin.id} ${plugin.manifest.version} into ${relative(config.rootDir, plugin.dir) || plugin.dir}`);
  const rt = plugin.manifest.runtime;
  out.line(
    `nothing of it has run, and it is not pinned in plugins.lock.json: the host refuses it until you review it and lock it.\n` +
      `  review: neonhub plugin info ${plugin.id}${rt.type === 'mcp-stdio' ? ` (it will run: ${[rt.command, ...rt.args].join(' ')})` : ''}\n` +
      `  pin:    neonhub plugin lock ${plugin.id}${rt.type === 'module' ? ' (isolated; add --in-process only for code you trust)' : ' (starts the server once to list and pin its tools)'}\n` +
      `  then:   neonhub plugin enable ${plugin.id} --workspace <slug>`,
  );
}

const resolveIfPath = (from: string) => (from.endsWith('.tgz') || from.startsWith('.') || from.startsWith('/') ? resolve(from) : from);

export async function enable(id: string, opts: { workspace: string; config?: string }) {
  let config: Record<string, unknown> | undefined;
  if (opts.config !== undefined) {
    try {
      config = JSON.parse(opts.config);
    } catch (cause) {
      throw hostErrors.create('NH_REQUEST_INVALID', `--config is not valid JSON: ${(cause as Error).message}`, { cause });
    }
  }
  const running = runningHost();
  if (running) {
    await hostApi(running, 'enablePlugin', { params: { ws: opts.workspace, id }, ...(config ? { body: { config } } : {}) });
    return out.ok(`${id} is enabled in ${opts.workspace}`);
  }
  await withStorage({ purpose: 'neonhub plugin enable', manifests: true }, async (storage) => {
    await storage.service.enablePlugin(opts.workspace, id, config);
    out.ok(`${id} is enabled in ${opts.workspace}`);
  });
}

export async function disable(id: string, opts: { workspace: string }) {
  const running = runningHost();
  if (running) {
    await hostApi(running, 'disablePlugin', { params: { ws: opts.workspace, id } });
    return out.ok(`${id} is disabled in ${opts.workspace}`);
  }
  await withStorage({ purpose: 'neonhub plugin disable', manifests: true }, async (storage) => {
    const changed = await storage.service.disablePlugin(opts.workspace, id);
    out.ok(changed ? `${id} is disabled in ${opts.workspace}` : `${id} was not enabled in ${opts.workspace}`);
  });
}

export async function secret(id: string, name: string, opts: { workspace: string }) {
  const value = (await readStdin()).replace(/\r?\n$/, '');
  if (!value)
    throw hostErrors.create('NH_REQUEST_INVALID', 'pipe the secret value on stdin, e.g. `printf %s "$KEY" | neonhub plugin secret ...`');
  await withStorage({ purpose: 'neonhub plugin secret', manifests: true }, async (storage) => {
    await storage.service.setSecret(opts.workspace, id, name, value);
    out.ok(`${id} secret ${name} stored for ${opts.workspace} (encrypted)`);
  });
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function scaffold(id: string, opts: { kind: string; dir?: string; description?: string }) {
  const config = cliConfig();
  const dir = resolve(opts.dir ?? join(config.rootDir, 'plugins', id));
  const insideRepo =
    !relative(config.rootDir, dir).startsWith('..') &&
    (await readFile(join(config.rootDir, 'pnpm-workspace.yaml'), 'utf8').catch(() => '')) !== '';
  const { scaffoldPlugin } = await import('../../scaffold/index.js');
  const result = await scaffoldPlugin({
    dir,
    id,
    kind: opts.kind as 'agent',
    ...(opts.description ? { description: opts.description } : {}),
    ...(insideRepo ? { sdkRange: 'workspace:^' } : {}),
  });
  out.ok(`created ${relative(process.cwd(), result.dir) || result.dir} (${result.files.length} files)`);
  out.line(
    `next: ${insideRepo ? '`npx -y pnpm@10.34.9 install` (links it into the workspace), then ' : ''}edit src/tools/, \`neonhub plugin sync ${relative(process.cwd(), result.dir)}\`, \`npx vitest run ${relative(process.cwd(), result.dir)}\`, \`neonhub plugin lock ${id}\``,
  );
}

export async function sync(dir: string) {
  const { syncPluginDir } = await import('@neonhub/sdk/host');
  const result = await syncPluginDir(resolve(dir));
  out.ok(
    result.changed
      ? `${relative(process.cwd(), result.path)}: tools regenerated (${result.tools.length})`
      : `${relative(process.cwd(), result.path)} is already in sync`,
  );
}
