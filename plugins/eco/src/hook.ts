import type { AfterToolCallEvent, HookContext } from '@neonhub/sdk';
import { createKeyedLock } from '@neonhub/sdk';
import { addToAggregate, CALLS, type CallRecord, DAILY, RUNS } from './aggregate.js';
import { EcoConfigSchema, readConfig, resolveSettings } from './config.js';
import { estimateCall } from './factors.js';

/**
 * The run a call belongs to, when its idempotency key (or an agent actor id) carries one:
 * `run:<runId>:<step>` or `run/<runId>/...`. Nested calls inherit their parent's key as a prefix.
 */
export function runIdOf(event: Pick<AfterToolCallEvent, 'idempotencyKey' | 'actor'>): string | undefined {
  const re = /^run[:/]([A-Za-z0-9_-]{1,100})(?=$|[:/])/;
  return re.exec(event.idempotencyKey)?.[1] ?? (event.actor.type === 'agent' ? re.exec(event.actor.id)?.[1] : undefined);
}

export const ECO_PLUGIN_ID = 'eco';

export const utcDay = (d: Date) => d.toISOString().slice(0, 10);

/** The eco record of one call: tokens, model, duration, and the energy and CO2e estimate. */
export function callRecord(
  event: AfterToolCallEvent,
  config: Record<string, unknown>,
  now: Date,
  onConfigProblem?: (err: unknown) => void,
): CallRecord {
  let cfg = EcoConfigSchema.parse({});
  try {
    cfg = readConfig(config);
  } catch (err) {
    onConfigProblem?.(err);
  }
  const s = resolveSettings(cfg);
  const u = event.llmUsage;
  const models = u?.models ?? [];
  const est = estimateCall(
    {
      inputTokens: u?.inputTokens ?? 0,
      outputTokens: u?.outputTokens ?? 0,
      models,
      offline: u?.offline ?? true,
      durationMs: event.durationMs,
    },
    s,
  );
  const runId = runIdOf(event);
  const at = now.toISOString();
  return {
    at,
    day: utcDay(now),
    callId: event.callId,
    tool: event.tool,
    plugin: event.plugin,
    status: event.status,
    ...(runId ? { runId } : {}),
    model: models.length === 0 ? 'none' : models.join('+'),
    modelClass: est.modelClass,
    llmCalls: u?.calls ?? 0,
    inputTokens: u?.inputTokens ?? 0,
    outputTokens: u?.outputTokens ?? 0,
    totalTokens: u?.totalTokens ?? 0,
    durationMs: event.durationMs,
    llmWh: est.llmWh,
    cpuWh: est.cpuWh,
    wh: est.wh,
    co2eG: est.co2eG,
    region: s.region,
    gCO2ePerKWh: s.gCO2ePerKWh,
    pue: s.pue,
  };
}

/**
 * afterToolCall (priority 800): records the call and adds it to today's and its run's running totals.
 * Eco's own tools are not counted: governance reads usage_summary before calls to check budgets, and
 * counting those reads would double every call count (data-trust still audits them).
 */
export function createEcoHook(now: () => Date) {
  const lock = createKeyedLock();
  return async function afterToolCall(event: AfterToolCallEvent, ctx: HookContext): Promise<void> {
    if (event.plugin === ECO_PLUGIN_ID) return;
    const record = callRecord(event, ctx.config, now(), (err) => ctx.logger.warn({ err }, 'eco config invalid; using the defaults'));
    await ctx.store.append(CALLS, record);
    await lock(ctx.workspace.id, async () => {
      await addToAggregate(ctx.store, DAILY, record.day, record);
      if (record.runId) await addToAggregate(ctx.store, RUNS, record.runId, record);
    });
  };
}
