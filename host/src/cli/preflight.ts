import { createServer } from 'node:net';
import { checkRedis } from '@neonhub/queue';
import { lockHolder } from '../data-dir-lock.js';
import { hostErrors } from '../errors.js';

/** The coded error for a failed `listen` (EADDRINUSE, EACCES, EADDRNOTAVAIL), saying what to do; undefined for others. */
export function listenError(err: unknown, host: string, port: number, dataDir?: string) {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') {
    const holder = dataDir ? lockHolder(dataDir) : undefined;
    const other = holder?.url?.endsWith(`:${port}`) ? ` (NeonHub itself, process ${holder.pid}, already runs at ${holder.url})` : '';
    return hostErrors.create(
      'NH_PORT_IN_USE',
      `port ${port} on ${host} is in use by another process${other}: stop it, or start on another port with \`neonhub start --port <n>\` (or PORT=<n>)`,
      { cause: err, details: { host, port } },
    );
  }
  if (code === 'EACCES' || code === 'EADDRNOTAVAIL')
    return hostErrors.create(
      'NH_PORT_UNAVAILABLE',
      `cannot listen on ${host}:${port} (${code}): ${code === 'EACCES' ? 'ports below 1024 need privileges; use --port with a higher port' : `HOST=${host} is not an address of this machine; use 127.0.0.1 or 0.0.0.0`}`,
      { cause: err, details: { host, port, reason: code } },
    );
  return undefined;
}

/** Throws NH_PORT_IN_USE / NH_PORT_UNAVAILABLE when `host:port` cannot be listened on; port 0 always can. */
export async function assertPortFree(host: string, port: number, dataDir?: string): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once('error', (err) => reject(listenError(err, host, port, dataDir) ?? err));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve()));
  });
}

/**
 * What `start` and `worker` check before they boot anything, so a wrong setting ends in seconds with one coded
 * line instead of a hang: the port is free (start only) and Redis answers (when REDIS_URL is set).
 */
export async function preflight(opts: { host?: string; port?: number; redisUrl?: string; dataDir?: string }): Promise<void> {
  if (opts.host !== undefined && opts.port !== undefined) await assertPortFree(opts.host, opts.port, opts.dataDir);
  if (opts.redisUrl) await checkRedis(opts.redisUrl);
}
