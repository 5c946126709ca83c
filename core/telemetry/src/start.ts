import { createRequire } from 'node:module';
import { context, metrics, propagation, trace } from '@opentelemetry/api';
import type * as MetricsOtlp from '@opentelemetry/exporter-metrics-otlp-http';
import type * as TraceOtlp from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import type * as SdkNode from '@opentelemetry/sdk-node';
import type * as TraceBase from '@opentelemetry/sdk-trace-base';
import type { InMemorySpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { type TelemetryMode, telemetryMode } from './config.js';
import { neonhubMetrics } from './metrics.js';
import { setTracing } from './tracing.js';

export interface StartTelemetryOptions {
  /** `service.name` of every span and metric (default `neonhub`). */
  serviceName?: string;
  serviceVersion?: string;
  /** Where the settings are read (default process.env). */
  env?: Record<string, string | undefined>;
}

export interface Telemetry {
  mode: TelemetryMode;
  /** True when tool calls and run steps create spans. */
  tracing: boolean;
  /** Where spans land in `memory` mode (tests, debugging). */
  memoryExporter?: InMemorySpanExporter;
  /** Exports whatever is buffered (spans; metrics in OTLP mode). */
  flush(): Promise<void>;
  /** Flushes, stops the SDK and unregisters its globals; @opentelemetry/api is a no-op again. */
  shutdown(): Promise<void>;
}

let active: Telemetry | undefined;

/**
 * The OpenTelemetry SDK, its span processors and its OTLP exporters, loaded when telemetry starts: with it off (the
 * default) a process never needs them, and every process that loads the pipeline (each test file's fork among them)
 * would otherwise spend hundreds of milliseconds loading them. They are CommonJS packages; require loads the same
 * build an import does.
 */
const load = createRequire(import.meta.url);

const otlpUrl = (env: Record<string, string | undefined>, signal: 'traces' | 'metrics') => {
  const specific = env[`OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_ENDPOINT`]?.trim();
  if (specific) return specific;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  return base ? `${base.replace(/\/+$/, '')}/v1/${signal}` : undefined;
};

/**
 * Starts OpenTelemetry for the process when the environment asks for it (see telemetryMode), and does
 * nothing otherwise: no provider is registered, so @opentelemetry/api hands out no-op tracers and the
 * pipeline skips spans entirely. Prometheus metrics (neonhubMetrics) are always on and independent of this;
 * in OTLP mode the same metrics are also pushed (OTEL_METRIC_EXPORT_INTERVAL, default 60 s).
 * Calling it again while started returns the running instance.
 */
export function startTelemetry(opts: StartTelemetryOptions = {}): Telemetry {
  if (active) return active;
  const env = opts.env ?? process.env;
  const mode = telemetryMode(env);
  if (mode === 'off' || mode === 'external') {
    // external: someone else registered a provider (e.g. `node --import ...register`); we only create spans.
    setTracing(mode === 'external');
    active = {
      mode,
      tracing: mode === 'external',
      flush: async () => {},
      shutdown: async () => {
        setTracing(false);
        active = undefined;
      },
    };
    return active;
  }

  const { NodeSDK } = load('@opentelemetry/sdk-node') as typeof SdkNode;
  const { BatchSpanProcessor, ConsoleSpanExporter, InMemorySpanExporter, SimpleSpanProcessor } = load(
    '@opentelemetry/sdk-trace-base',
  ) as typeof TraceBase;
  const { OTLPTraceExporter } = load('@opentelemetry/exporter-trace-otlp-http') as typeof TraceOtlp;
  const { OTLPMetricExporter } = load('@opentelemetry/exporter-metrics-otlp-http') as typeof MetricsOtlp;
  const memoryExporter = mode === 'memory' ? new InMemorySpanExporter() : undefined;
  let spanProcessor: SpanProcessor;
  if (memoryExporter) spanProcessor = new SimpleSpanProcessor(memoryExporter);
  else if (mode === 'console') spanProcessor = new BatchSpanProcessor(new ConsoleSpanExporter());
  else {
    const url = otlpUrl(env, 'traces');
    spanProcessor = new BatchSpanProcessor(new OTLPTraceExporter(url ? { url } : {}));
  }
  const metricReaders: PeriodicExportingMetricReader[] = [];
  if (mode === 'otlp') {
    const url = otlpUrl(env, 'metrics');
    const interval = Number(env.OTEL_METRIC_EXPORT_INTERVAL ?? 60_000);
    metricReaders.push(
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter(url ? { url } : {}),
        exportIntervalMillis: Number.isFinite(interval) && interval > 0 ? interval : 60_000,
        // The always-on NeonHub metrics (the ones /metrics serves), pushed as well.
        metricProducers: [neonhubMetrics().producer],
      }),
    );
  }
  const nodeSdk = new NodeSDK({
    serviceName: opts.serviceName ?? 'neonhub',
    resource: resourceFromAttributes({
      ...(opts.serviceVersion ? { 'service.version': opts.serviceVersion } : {}),
      ...(env.NODE_ENV ? { 'deployment.environment.name': env.NODE_ENV } : {}),
    }),
    spanProcessors: [spanProcessor],
    metricReaders,
    // Logs stay in pino (stderr); no OTLP log exporter is created behind our back.
    logRecordProcessors: [],
    // Manual spans around our own code paths; auto-instrumentation under ESM needs the --import hook.
    instrumentations: [],
  });
  nodeSdk.start();
  setTracing(true);
  let stopped = false;
  const started: Telemetry = {
    mode,
    tracing: true,
    ...(memoryExporter ? { memoryExporter } : {}),
    flush: async () => {
      await spanProcessor.forceFlush();
      await Promise.all(metricReaders.map((r) => r.forceFlush()));
    },
    shutdown: async () => {
      if (stopped) return;
      stopped = true;
      setTracing(false);
      active = undefined;
      await nodeSdk.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
      metrics.disable();
    },
  };
  active = started;
  return started;
}
