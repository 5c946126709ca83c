import { neonhubMetrics } from '@neonhub/telemetry';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { installErrorHandling } from '../../src/server/errors.js';
import { registerMetricsRoute } from '../../src/telemetry/index.js';

describe('/metrics with NEONHUB_METRICS_TOKEN', () => {
  it('answers only a scraper that sends the token', async () => {
    const app = Fastify();
    installErrorHandling(app);
    registerMetricsRoute(app, neonhubMetrics(), 'scrape-me-0123456789');
    try {
      const none = await app.inject({ method: 'GET', url: '/metrics' });
      expect([none.statusCode, none.json().error.code]).toEqual([401, 'NH_AUTH_REQUIRED']);
      const wrong = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer nope' } });
      expect(wrong.statusCode).toBe(401);
      const ok = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer scrape-me-0123456789' } });
      expect(ok.statusCode).toBe(200);
      expect(ok.body).toContain('# TYPE');
    } finally {
      await app.close();
    }
  });

  it('is open without the variable (like /health)', async () => {
    const app = Fastify();
    registerMetricsRoute(app, neonhubMetrics(), undefined);
    expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
    await app.close();
  });
});
