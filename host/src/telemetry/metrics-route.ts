import { type NeonhubMetrics, neonhubMetrics, PROMETHEUS_CONTENT_TYPE } from '@neonhub/telemetry';
import type { FastifyInstance } from 'fastify';

/**
 * `GET /metrics`: the Prometheus text exposition of the process's NeonHub metrics (tool calls, durations, run
 * steps, process CPU/memory/event-loop). Always on and independent of OTLP; unauthenticated like /health
 * and free of workspace ids. Keep it off the public internet (scrape it on the private network).
 */
export function registerMetricsRoute(app: FastifyInstance, metrics: NeonhubMetrics = neonhubMetrics()): void {
  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', PROMETHEUS_CONTENT_TYPE).header('cache-control', 'no-store');
    return metrics.prometheus();
  });
}
