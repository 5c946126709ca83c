import pc from 'picocolors';
import { operatorCredentialPath } from '../../accounts/operator-credential.js';
import { advertiseUrl, lockDataDir } from '../../data-dir-lock.js';
import { hostErrors } from '../../errors.js';
import { createHost, type Host } from '../../host.js';
import { createLogger } from '../../logger.js';
import { buildApp } from '../../server/app.js';
import { startHostTelemetry } from '../../telemetry/index.js';
import { cliBin, cliConfig } from '../context.js';
import { out, progress, reportError } from '../output.js';
import { listenError, preflight } from '../preflight.js';

export async function start(opts: { port?: string }) {
  const config = cliConfig();
  // the console (in this process) shows MCP stdio configs that start this checkout's CLI
  process.env.NEONHUB_BIN ??= cliBin;
  if (opts.port !== undefined) config.port = parsePort(opts.port);
  const release = config.databaseUrl ? () => {} : lockDataDir(config.dataDir, 'neonhub start');
  const logger = createLogger(config.logLevel);
  let telemetry: ReturnType<typeof startHostTelemetry> | undefined;
  let host: Host | undefined;
  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  let address: string;
  try {
    // Seconds, not a hang: a busy port or an unreachable REDIS_URL ends here with one coded line.
    await preflight({
      host: config.host,
      port: config.port,
      dataDir: config.dataDir,
      ...(config.redisUrl ? { redisUrl: config.redisUrl } : {}),
    });
    // Before the host boots, so every call is traced; a no-op unless OTEL_EXPORTER_OTLP_ENDPOINT or NEONHUB_TELEMETRY is set.
    telemetry = startHostTelemetry(logger);
    const p = progress('starting NeonHub');
    // Plugins start in the background (slow ones join when ready; /health lists them as starting).
    host = await createHost({ config, logger, onProgress: (t) => p.update(t), waitForPlugins: false });
    app = await buildApp(host);
    address = await app.listen({ port: config.port, host: config.host }).catch((err) => {
      throw listenError(err, config.host, config.port, config.dataDir) ?? err;
    });
    if (!config.databaseUrl) advertiseUrl(config.dataDir, address);
    p.done(`NeonHub is running at ${address}`);
  } catch (err) {
    // Nothing may keep the process (or the data directory) after a failed start: close what started, then exit.
    reportError(err);
    await app?.close().catch(() => {});
    await host?.close().catch(() => {});
    await telemetry?.shutdown().catch(() => {});
    release();
    process.exit(process.exitCode ?? 1);
  }
  const running = { app, host, telemetry };

  const plugins = host.registry.plugins();
  out.line(`  database   ${host.storage.dialect === 'pglite' ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL (DATABASE_URL)'}`);
  out.line(`  plugins    ${plugins.map((pl) => pl.manifest.id).join(', ') || 'none'}`);
  out.line(`  health     ${address}/health`);
  // A fresh data directory has no account: the first person to open this link becomes owner of demo.
  const setupLink = await app.firstOwnerSetup.link(address);
  if (setupLink) out.line(`  set up     ${pc.cyan(setupLink)}  (one-time: the first account owns demo)`);
  out.line(`  operator   ${operatorCredentialPath(config.dataDir)} (the CLI's credential: keep it private)`);
  out.line(
    `  try        ${pc.cyan(`npx -y pnpm@10.34.9 --silent neonhub call agent-seo:analyze_page --workspace demo --input '{"text":"Hello world."}'`)}`,
  );
  const starting = host.plugins.states().filter((s) => s.status !== 'ready' && s.status !== 'failed');
  if (starting.length) out.line(`  starting   ${starting.map((s) => s.id).join(', ')} (they join when ready; see /health)`);
  for (const problem of host.problems) out.warn(`${problem.id ?? problem.dir}: ${problem.error.code} ${problem.error.message}`);
  // Plugins that join or fail after the banner are reported as they do.
  host.plugins.onChange((s) => {
    if (s.status === 'ready' && s.attempts > 0) out.line(`  joined     ${s.id}`);
    else if (s.status === 'failed' || s.status === 'retrying') out.warn(`${s.id}: ${s.error?.code} ${s.error?.message}`);
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await running.app.close();
    await running.host.close();
    await running.telemetry.shutdown().catch((err) => logger.warn({ err }, 'telemetry did not flush'));
    release();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535)
    throw hostErrors.create('NH_REQUEST_INVALID', `--port ${value} is not a port number (0 to 65535; 0 picks a free one)`);
  return port;
}
