import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTracing, neonhubMetrics, startTelemetry, type Telemetry, traceToolCall } from '../src/index.js';

interface OtlpTraces {
  resourceSpans: { scopeSpans: { spans: { name: string }[] }[] }[];
}
interface OtlpMetrics {
  resourceMetrics: { scopeMetrics: { metrics: { name: string }[] }[] }[];
}

/** A real OTLP/HTTP receiver on a loopback port: records what the exporters POST. */
let server: Server;
const received: { path: string; contentType: string; body: string }[] = [];
let telemetry: Telemetry;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        path: req.url ?? '',
        contentType: String(req.headers['content-type']),
        body: Buffer.concat(chunks).toString('utf8'),
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  telemetry = startTelemetry({
    serviceName: 'neonhub-otlp-test',
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}/`, OTEL_METRIC_EXPORT_INTERVAL: '3600000' },
  });
});

afterAll(async () => {
  await telemetry?.shutdown();
  await new Promise((r) => server.close(r));
});

describe('OTLP/HTTP export', () => {
  it('is chosen by OTEL_EXPORTER_OTLP_ENDPOINT and registers a real tracer provider', () => {
    expect(telemetry.mode).toBe('otlp');
    expect(isTracing()).toBe(true);
    expect(trace.getTracer('probe').startSpan('probe').isRecording()).toBe(true);
  });

  it('sends tool-call spans to /v1/traces and the NeonHub metrics to /v1/metrics', async () => {
    await traceToolCall('rt-basic:add', async () => 3);
    neonhubMetrics().recordToolCall({ tool: 'rt-basic:add', plugin: 'rt-basic', status: 'ok', durationMs: 1.5 });
    await telemetry.flush();
    const traces = received.filter((r) => r.path === '/v1/traces');
    const metrics = received.filter((r) => r.path === '/v1/metrics');
    expect(traces.length).toBeGreaterThan(0);
    expect(traces[0]!.contentType).toContain('application/json');
    const spans = traces.flatMap((t) =>
      (JSON.parse(t.body) as OtlpTraces).resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)),
    );
    expect(spans.map((s) => s.name)).toContain('tool.call rt-basic:add');
    expect(traces[0]!.body).toContain('neonhub-otlp-test');
    const names = metrics.flatMap((m) =>
      (JSON.parse(m.body) as OtlpMetrics).resourceMetrics.flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics.map((x) => x.name))),
    );
    expect(names).toEqual(expect.arrayContaining(['neonhub.tool.calls', 'neonhub.tool.duration', 'process.memory.usage']));
  });

  it('unregisters everything on shutdown: @opentelemetry/api is a no-op again', async () => {
    await telemetry.shutdown();
    expect(isTracing()).toBe(false);
    expect(trace.getTracer('probe').startSpan('probe').isRecording()).toBe(false);
  });
});
