import { join } from 'node:path';
import { isTracing, startTelemetry, type Telemetry } from '@neonhub/telemetry';
import { type ProxyTracerProvider, trace } from '@opentelemetry/api';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../src/host.js';
import { buildApp } from '../../src/server/app.js';
import { bootHost, lockRoot, makeRoot, removeRoot, runtimeFixtures } from '../integration/helpers.js';

let telemetry: Telemetry;
let host: Host;
let app: FastifyInstance;
let root: string;
let workspaceId: string;
const actor = { type: 'user' as const, id: 'tester', role: 'owner' as const };

beforeAll(async () => {
  // No OTLP endpoint and no NEONHUB_TELEMETRY: the default for `neonhub start`.
  telemetry = startTelemetry({ env: {} });
  root = makeRoot('telemetry-metrics', [{ from: join(runtimeFixtures, 'rt-basic') }]);
  await lockRoot(root);
  host = await bootHost(root);
  workspaceId = (await host.storage.service.createWorkspace({ slug: 'acme' })).id;
  await host.storage.service.enablePlugin('acme', 'rt-basic');
  app = await buildApp(host);
  await app.ready();
}, 120_000);

afterAll(async () => {
  await app?.close();
  await host?.close();
  await telemetry?.shutdown();
  removeRoot(root);
});

const call = (tool: string, input: unknown) => host.callTool({ workspace: 'acme', tool, input, actor });

async function scrape() {
  const res = await app.inject({ method: 'GET', url: '/metrics' });
  expect(res.statusCode).toBe(200);
  return { text: res.body, contentType: String(res.headers['content-type']) };
}

/** The value of one sample (0 when absent): `name{labels...}` with the given labels, whatever else it carries. */
function sample(text: string, name: string, labels: Record<string, string>): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}

describe('telemetry off (the default)', () => {
  it('registers no tracer provider: @opentelemetry/api stays the no-op one and calls create no spans', async () => {
    expect(telemetry.mode).toBe('off');
    expect(isTracing()).toBe(false);
    await call('rt-basic:add', { a: 1 });
    const provider = trace.getTracerProvider() as ProxyTracerProvider;
    expect(provider.getDelegate().constructor.name).toBe('NoopTracerProvider');
    const span = trace.getTracer('neonhub').startSpan('probe');
    expect(span.isRecording()).toBe(false);
    expect(trace.isSpanContextValid(span.spanContext())).toBe(false);
    expect(trace.getActiveSpan()).toBeUndefined();
  });
});

describe('GET /metrics', () => {
  it('serves the Prometheus text format, with process metrics', async () => {
    const { text, contentType } = await scrape();
    expect(contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(text).toContain('# TYPE neonhub_tool_calls_total counter');
    expect(text).toContain('# TYPE neonhub_tool_duration histogram');
    expect(text).toMatch(/process_memory_usage\{[^}]*\} [1-9]/);
  });

  it('counts calls by tool, plugin and status, and their durations, without workspace ids', async () => {
    const before = (await scrape()).text;
    const add = { tool: 'rt-basic:add', plugin: 'rt-basic' };
    await call('rt-basic:add', { a: 1 });
    await call('rt-basic:add', { a: 2 });
    await call('rt-basic:fail', {}).catch(() => {});
    await call('rt-basic:add', { a: 'not a number' }).catch(() => {});
    const after = (await scrape()).text;
    const delta = (name: string, labels: Record<string, string>) => sample(after, name, labels) - sample(before, name, labels);
    expect(delta('neonhub_tool_calls_total', { ...add, status: 'ok' })).toBe(2);
    expect(delta('neonhub_tool_calls_total', { tool: 'rt-basic:fail', plugin: 'rt-basic', status: 'error' })).toBe(1);
    expect(delta('neonhub_tool_calls_total', { ...add, status: 'rejected' })).toBe(1);
    expect(delta('neonhub_tool_duration_count', { ...add, status: 'ok' })).toBe(2);
    expect(delta('neonhub_tool_duration_bucket', { ...add, status: 'ok', le: '+Inf' })).toBe(2);
    expect(sample(after, 'neonhub_tool_duration_sum', { ...add, status: 'ok' })).toBeGreaterThan(0);
    expect(after).not.toContain(workspaceId);
    expect(after).not.toContain('acme');
  });
});
