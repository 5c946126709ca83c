import pc from 'picocolors';
import { advertiseUrl, lockDataDir } from '../../data-dir-lock.js';
import { createHost } from '../../host.js';
import { createLogger } from '../../logger.js';
import { buildApp } from '../../server/app.js';
import { startHostTelemetry } from '../../telemetry/index.js';
import { cliConfig } from '../context.js';
import { out, progress } from '../output.js';

export async function start(opts: { port?: string }) {
  const config = cliConfig();
  if (opts.port !== undefined) config.port = Number(opts.port);
  const release = config.databaseUrl ? () => {} : lockDataDir(config.dataDir, 'neonhub start');
  const logger = createLogger(config.logLevel);
  // Before the host boots, so every call is traced; a no-op unless OTEL_EXPORTER_OTLP_ENDPOINT or NEONHUB_TELEMETRY is set.
  const telemetry = startHostTelemetry(logger);
  const p = progress('starting NeonHub');
  const host = await createHost({ config, logger, onProgress: (t) => p.update(t) });
  const app = await buildApp(host);
  const address = await app.listen({ port: config.port, host: config.host });
  if (!config.databaseUrl) advertiseUrl(config.dataDir, address);
  p.done(`NeonHub is running at ${address}`);

  const plugins = host.registry.plugins();
  out.line(`  database   ${host.storage.dialect === 'pglite' ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL (DATABASE_URL)'}`);
  out.line(`  plugins    ${plugins.map((pl) => pl.manifest.id).join(', ') || 'none'}`);
  out.line(`  health     ${address}/health`);
  out.line(`  try        ${pc.cyan(`pnpm neonhub call agent-seo:analyze_page --workspace demo --input '{"text":"Hello world."}'`)}`);
  for (const problem of host.problems) out.warn(`${problem.id ?? problem.dir}: ${problem.error.code} ${problem.error.message}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await app.close();
    await host.close();
    await telemetry.shutdown().catch((err) => logger.warn({ err }, 'telemetry did not flush'));
    release();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}
