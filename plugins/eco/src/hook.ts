import { type AfterToolCallEvent, createWriteBehind, type HookContext } from '@neonhub/sdk';
import { addToAggregate, CALLS, type CallRecord, DAILY, RUNS } from './aggregate.js';
import { EcoConfigSchema, readConfig, resolveSettings } from './config.js';
import { estimateCall, type Settings } from './factors.js';

/**
 * The run a call belongs to, when its idempotency key (or an agent actor id) carries one:
 * `run:<runId>:<step>` or `run/<runId>/...`. Nested calls inherit their parent's key as a prefix.
 */
const RUN_KEY = /^run[:/]([A-Za-z0-9_-]{1,100})(?=$|[:/])/;
export function runIdOf(event: Pick<AfterToolCallEvent, 'idempotencyKey' | 'actor'>): string | undefined {
  return RUN_KEY.exec(event.idempotencyKey)?.[1] ?? (event.actor.type === 'agent' ? RUN_KEY.exec(event.actor.id)?.[1] : undefined);
}

export const ECO_PLUGIN_ID = 'eco';

/**
 * The settings a config resolves to, by the host's config object: the host hands the same object to every call until
 * the workspace's config changes (then a new one), so a call parses and resolves nothing once its config was seen.
 * An invalid config resolves to the defaults, and its error is kept to be reported on each call as before.
 */
const resolved = new WeakMap<Record<string, unknown>, { settings: Settings; problem?: unknown }>();
function settingsOf(config: Record<string, unknown>): { settings: Settings; problem?: unknown } {
  const hit = resolved.get(config);
  if (hit) return hit;
  let entry: { settings: Settings; problem?: unknown };
  try {
    entry = { settings: resolveSettings(readConfig(config)) };
  } catch (problem) {
    entry = { settings: resolveSettings(EcoConfigSchema.parse({})), problem };
  }
  resolved.set(config, entry);
  return entry;
}

/** The eco record of one call: tokens, model, duration, and the energy and CO2e estimate. */
export function callRecord(
  event: AfterToolCallEvent,
  config: Record<string, unknown>,
  now: Date,
  onConfigProblem?: (err: unknown) => void,
): CallRecord {
  const { settings: s, problem } = settingsOf(config);
  if (problem !== undefined) onConfigProblem?.(problem);
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
    day: at.slice(0, 10),
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
 * afterToolCall (priority 800): eco's accounting, **off the call path**. Each call's record is buffered in memory
 * (`createWriteBehind`) and a workspace's buffer written in one go — the records with one insert, each day's and
 * run's running total with one compare-and-set — every 250 ms or 200 calls, before eco's own read tools answer
 * (so usage_summary and the budget check see every call this host made), and when the host stops the plugin.
 * A crash loses at most the last 250 ms of energy accounting, never a call or its audit entry.
 * Eco's own tools are not counted: governance reads usage_summary before calls to check budgets, and counting
 * those reads would double every call count (data-trust still audits them).
 */
export function createEcoRecorder(now: () => Date) {
  const buffer = createWriteBehind<CallRecord>({
    async write(store, records) {
      const rows = records.map((r) => ({ key: `${r.at}|${r.callId}`, value: r }));
      // One insert; if a row is already there (a retried flush), write the others one by one.
      if (!(await store.insertAll(CALLS, rows))) for (const row of rows) await store.putIf(CALLS, row.key, row.value, 0);
      const groups = new Map<string, { collection: string; key: string; records: CallRecord[] }>();
      const add = (collection: string, key: string, r: CallRecord) => {
        const id = `${collection}/${key}`;
        const g = groups.get(id) ?? { collection, key, records: [] };
        g.records.push(r);
        groups.set(id, g);
      };
      for (const r of records) {
        add(DAILY, r.day, r);
        if (r.runId) add(RUNS, r.runId, r);
      }
      for (const g of groups.values()) await addToAggregate(store, g.collection, g.key, g.records);
    },
  });

  return {
    afterToolCall(event: AfterToolCallEvent, ctx: HookContext): void {
      if (event.plugin === ECO_PLUGIN_ID) return;
      const record = callRecord(event, ctx.config, now(), (err) => ctx.logger.warn({ err }, 'eco config invalid; using the defaults'));
      buffer.add(ctx.workspace.id, ctx.store, ctx.logger, record);
    },
    /** Writes the workspace's buffered calls now (eco's read tools call it first). */
    flush: buffer.flush,
    /** Writes every workspace's buffered calls (the host stopping the plugin). */
    flushAll: buffer.flushAll,
  };
}

export type EcoRecorder = ReturnType<typeof createEcoRecorder>;
