import { type NeonhubMetrics, neonhubMetrics, PROMETHEUS_CONTENT_TYPE } from '@neonhub/telemetry';
import type { FastifyInstance } from 'fastify';
import { hostErrors } from '../errors.js';
import { secretMatcher } from '../secrets/same-secret.js';

/**
 * `GET /metrics`: the Prometheus text exposition of the process's NeonHub metrics (tool calls, durations, run
 * steps, process CPU/memory/event-loop). Always on and independent of OTLP; free of workspace ids. Open like
 * /health unless `NEONHUB_METRICS_TOKEN` is set: then a scraper sends `Authorization: Bearer <that token>`
 * (Prometheus `authorization: { credentials: ... }`), others get 401.
 */
export function registerMetricsRoute(
  app: FastifyInstance,
  metrics: NeonhubMetrics = neonhubMetrics(),
  token: string | undefined = process.env.NEONHUB_METRICS_TOKEN || undefined,
): void {
  const matches = token ? secretMatcher(token) : undefined;
  app.get('/metrics', async (req, reply) => {
    if (matches) {
      const presented = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
      if (!matches(presented))
        throw hostErrors.create('NH_AUTH_REQUIRED', '/metrics needs `Authorization: Bearer <NEONHUB_METRICS_TOKEN>`');
    }
    reply.header('content-type', PROMETHEUS_CONTENT_TYPE).header('cache-control', 'no-store');
    return metrics.prometheus();
  });
}
