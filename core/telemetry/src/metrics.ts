import { monitorEventLoopDelay } from 'node:perf_hooks';
import { ValueType } from '@opentelemetry/api';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, type MetricProducer } from '@opentelemetry/sdk-metrics';
import { ToolCallAggregate } from './tool-call-aggregate.js';

/** How a tool call ended, as counted: the pipeline's statuses plus `rejected` (refused before the tool ran). */
export type ToolCallMetricStatus = 'ok' | 'error' | 'denied' | 'pending_approval' | 'rejected';

export interface ToolCallMetric {
  /** `plugin-id:tool_name`. */
  tool: string;
  plugin: string;
  status: ToolCallMetricStatus;
  durationMs: number;
}

/** The NeonHub meters. Labels are workspace-independent on purpose: a label per workspace would grow without bound. */
export interface NeonhubMetrics {
  /** `neonhub.tool.calls` (counter) and `neonhub.tool.duration` (histogram, ms), labelled tool, plugin, status. */
  recordToolCall(call: ToolCallMetric): void;
  /** `neonhub.run.steps` (counter), labelled status. */
  recordRunStep(status: string): void;
  /** `neonhub.hook.failures` (counter), labelled plugin and event: a hook that threw (an audit write that failed...). */
  recordHookFailure(plugin: string, event: 'beforeToolCall' | 'afterToolCall'): void;
  /**
   * `neonhub.outbox.messages` (counter), labelled plugin and event: `queued` (written), `delivered`, `retried` (an
   * attempt failed and another is scheduled), `dead`; and `neonhub.outbox.attempts` (counter), labelled plugin, outcome.
   */
  recordOutbox(plugin: string, event: 'queued' | 'delivered' | 'retried' | 'dead' | 'cancelled' | 'requeued'): void;
  recordOutboxAttempt(plugin: string, outcome: string): void;
  /** Every metric in the Prometheus text exposition format (version 0.0.4). */
  prometheus(): Promise<string>;
  /** The same metrics for another reader (the OTLP exporter pulls them through this). */
  producer: MetricProducer;
  shutdown(): Promise<void>;
}

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export interface MetricsOptions {
  serviceName?: string;
  /** Process CPU, memory, heap and event-loop delay gauges (read only when scraped). Default true. */
  processMetrics?: boolean;
}

/**
 * A MeterProvider of its own (never the global one), read by a Prometheus exporter that opens no port.
 * Tool calls are aggregated by ToolCallAggregate (cheap on the hot path); nothing is serialized until someone scrapes.
 */
export function createNeonhubMetrics(opts: MetricsOptions = {}): NeonhubMetrics {
  const resource = resourceFromAttributes({ 'service.name': opts.serviceName ?? 'neonhub' });
  const toolCalls = new ToolCallAggregate(resource);
  const reader = new PrometheusExporter({ preventServerStart: true, metricProducers: [toolCalls] });
  const provider = new MeterProvider({ resource, readers: [reader] });
  const meter = provider.getMeter('neonhub');
  const steps = meter.createCounter('neonhub.run.steps', { description: 'Run steps executed by the orchestrator, by outcome' });
  const hookFailures = meter.createCounter('neonhub.hook.failures', {
    description: 'Plugin hooks that threw, by plugin and event (a failed afterToolCall is a call missing from the audit log)',
  });
  const outbox = meter.createCounter('neonhub.outbox.messages', {
    description: 'Outbox messages by event (queued, delivered, retried, dead)',
  });
  const attempts = meter.createCounter('neonhub.outbox.attempts', { description: 'Outbox delivery attempts by outcome' });
  if (opts.processMetrics !== false) registerProcessMetrics(meter);

  const serializer = new PrometheusSerializer();

  return {
    recordToolCall({ tool, plugin, status, durationMs }) {
      toolCalls.record(tool, plugin, status, durationMs);
    },
    recordRunStep(status) {
      steps.add(1, { status });
    },
    recordHookFailure(plugin, event) {
      hookFailures.add(1, { plugin, event });
    },
    recordOutbox(plugin, event) {
      outbox.add(1, { plugin, event });
    },
    recordOutboxAttempt(plugin, outcome) {
      attempts.add(1, { plugin, outcome });
    },
    async prometheus() {
      const { resourceMetrics } = await reader.collect();
      return serializer.serialize(resourceMetrics);
    },
    producer: { collect: (options) => reader.collect(options) },
    shutdown: () => provider.shutdown(),
  };
}

function registerProcessMetrics(meter: ReturnType<MeterProvider['getMeter']>) {
  const loop = monitorEventLoopDelay({ resolution: 20 });
  loop.enable();
  const cpu = meter.createObservableCounter('process.cpu.time', { unit: 's', description: 'CPU time of the host process' });
  const memory = meter.createObservableGauge('process.memory.usage', {
    unit: 'By',
    description: 'Resident set size',
    valueType: ValueType.INT,
  });
  const heap = meter.createObservableGauge('v8js.memory.heap.used', {
    unit: 'By',
    description: 'V8 heap in use',
    valueType: ValueType.INT,
  });
  const delay = meter.createObservableGauge('nodejs.eventloop.delay.p99', { unit: 's', description: 'Event loop delay, 99th percentile' });
  const uptime = meter.createObservableGauge('process.uptime', { unit: 's', description: 'Seconds since the host process started' });
  meter.addBatchObservableCallback(
    (result) => {
      const usage = process.cpuUsage();
      result.observe(cpu, usage.user / 1e6, { 'cpu.mode': 'user' });
      result.observe(cpu, usage.system / 1e6, { 'cpu.mode': 'system' });
      const mem = process.memoryUsage();
      result.observe(memory, mem.rss);
      result.observe(heap, mem.heapUsed);
      result.observe(delay, loop.percentile(99) / 1e9);
      result.observe(uptime, process.uptime());
    },
    [cpu, memory, heap, delay, uptime],
  );
}

let shared: NeonhubMetrics | undefined;

/** The process-wide NeonHub metrics (created on first use): the host pipeline, the orchestrator and /metrics share it. */
export function neonhubMetrics(): NeonhubMetrics {
  shared ??= createNeonhubMetrics();
  return shared;
}
