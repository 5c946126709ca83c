#!/usr/bin/env -S node --import tsx
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { isNeonHubError } from '@neonhub/schemas';
import { pino } from 'pino';
import { memorySettingsFrom, openMemoryStoreFromEnv } from './env.js';
import { createMemoryServer } from './server.js';

// stdout carries the MCP protocol: logs go to stderr
const logger = pino({ name: 'neonhub-memory', level: process.env.LOG_LEVEL ?? 'info' }, pino.destination(2));

async function main(): Promise<void> {
  const settings = memorySettingsFrom(process.argv.slice(2));
  const store = await openMemoryStoreFromEnv(settings, process.env, { onPoolError: (err) => logger.error({ err }, 'postgres pool error') });
  logger.info(
    {
      backend: store.backend,
      location: store.location,
      embedder: store.embedder.id,
      pgvector: store.schema.vectorVersion,
      workspace: settings.workspace ?? '(named by each call)',
    },
    'memory store ready',
  );
  const server = createMemoryServer(store, {
    ...(settings.workspace ? { workspace: settings.workspace } : {}),
    onError: (err, tool) => logger.error({ err, tool }, 'tool failed'),
  });

  let closing = false;
  const shutdown = async (reason: string) => {
    if (closing) return;
    closing = true;
    logger.info({ reason }, 'shutting down');
    await server.close().catch(() => {});
    await store.close().catch((err) => logger.error({ err }, 'closing the store failed'));
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.stdin.on('end', () => void shutdown('stdin closed'));

  await server.connect(new StdioServerTransport());
}

main().catch((err) => {
  if (isNeonHubError(err)) logger.fatal({ code: err.code, details: err.details }, `${err.code}: ${err.message}`);
  else logger.fatal({ err }, 'memory server failed to start');
  // let pino flush fd 2 before exiting
  setTimeout(() => process.exit(1), 50);
});
