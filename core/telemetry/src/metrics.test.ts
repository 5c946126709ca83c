import { describe, expect, it } from 'vitest';
import { createNeonhubMetrics } from './metrics.js';

describe('NeonHub metrics in the Prometheus text format', () => {
  it('counts tool calls by tool, plugin and status and buckets their durations in ms', async () => {
    const metrics = createNeonhubMetrics({ processMetrics: false });
    metrics.recordToolCall({ tool: 'agent-seo:analyze_page', plugin: 'agent-seo', status: 'ok', durationMs: 0.4 });
    metrics.recordToolCall({ tool: 'agent-seo:analyze_page', plugin: 'agent-seo', status: 'ok', durationMs: 7 });
    metrics.recordToolCall({ tool: 'agent-seo:analyze_page', plugin: 'agent-seo', status: 'error', durationMs: 30 });
    metrics.recordRunStep('succeeded');
    const text = await metrics.prometheus();
    const labels = 'tool="agent-seo:analyze_page",plugin="agent-seo",status="ok"';
    expect(text).toContain('# TYPE neonhub_tool_calls_total counter');
    expect(text).toMatch(new RegExp(`neonhub_tool_calls_total\\{${labels}[^}]*\\} 2\\n`));
    expect(text).toMatch(/neonhub_tool_calls_total\{tool="agent-seo:analyze_page",plugin="agent-seo",status="error"[^}]*\} 1\n/);
    expect(text).toContain('# TYPE neonhub_tool_duration histogram');
    // cumulative buckets: 0.4 ms is <= 0.5; 7 ms first fits under 10
    expect(text).toMatch(new RegExp(`neonhub_tool_duration_bucket\\{${labels}[^}]*le="0.5"\\} 1\\n`));
    expect(text).toMatch(new RegExp(`neonhub_tool_duration_bucket\\{${labels}[^}]*le="5"\\} 1\\n`));
    expect(text).toMatch(new RegExp(`neonhub_tool_duration_bucket\\{${labels}[^}]*le="10"\\} 2\\n`));
    expect(text).toMatch(new RegExp(`neonhub_tool_duration_bucket\\{${labels}[^}]*le="\\+Inf"\\} 2\\n`));
    expect(text).toMatch(new RegExp(`neonhub_tool_duration_sum\\{${labels}[^}]*\\} 7.4\\n`));
    expect(text).toMatch(/neonhub_run_steps_total\{status="succeeded"[^}]*\} 1\n/);
    expect(text).not.toContain('process_memory_usage');
    await metrics.shutdown();
  });

  it('adds process CPU, memory, heap and event-loop gauges, read at scrape time', async () => {
    const metrics = createNeonhubMetrics();
    const text = await metrics.prometheus();
    expect(text).toMatch(/process_cpu_time_total\{cpu_mode="user"[^}]*\} \d/);
    expect(text).toMatch(/process_memory_usage\{[^}]*\} [1-9]\d+/);
    expect(text).toMatch(/v8js_memory_heap_used\{[^}]*\} [1-9]\d+/);
    expect(text).toContain('nodejs_eventloop_delay_p99');
    await metrics.shutdown();
  });
});
