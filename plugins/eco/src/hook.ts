import type { AfterToolCallEvent, HookContext, Logger, PluginStore } from '@neonhub/sdk';
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

/** A buffered workspace is written when it holds this many calls, or after FLUSH_MS. */
const FLUSH_AT = 200;
const FLUSH_MS = 250;
/** At most this many calls wait per workspace while the store fails; older ones are dropped (and logged). */
const MAX_BUFFERED = 20_000;

interface Buffer {
  store: PluginStore;
  logger: Logger;
  records: CallRecord[];
  timer?: ReturnType<typeof setTimeout>;
}

/**
 * afterToolCall (priority 800): eco's accounting, **off the call path**. Each call's record is buffered in memory
 * and the workspace's buffer is written in one go — the records with one insert, each day's and run's running
 * total with one compare-and-set — when it holds FLUSH_AT calls, FLUSH_MS after its first call, before eco's own
 * read tools answer (so usage_summary and the budget check see every call this host made), and when the host
 * stops the plugin. A crash loses at most the last FLUSH_MS of energy accounting, never a call or its audit entry.
 * Eco's own tools are not counted: governance reads usage_summary before calls to check budgets, and counting
 * those reads would double every call count (data-trust still audits them).
 */
export function createEcoRecorder(now: () => Date) {
  const lock = createKeyedLock();
  const buffers = new Map<string, Buffer>();

  async function write(store: PluginStore, records: CallRecord[]): Promise<void> {
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
  }

  function flush(workspaceId: string): Promise<void> {
    return lock(workspaceId, async () => {
      const buffer = buffers.get(workspaceId);
      if (!buffer || buffer.records.length === 0) return;
      clearTimeout(buffer.timer);
      buffer.timer = undefined;
      const records = buffer.records.splice(0);
      try {
        await write(buffer.store, records);
      } catch (err) {
        // keep them for the next flush (bounded), so a database hiccup loses nothing
        buffer.records.unshift(...records);
        const dropped = buffer.records.length - MAX_BUFFERED;
        if (dropped > 0) buffer.records.splice(0, dropped);
        buffer.logger.error(
          { err, buffered: buffer.records.length, dropped: Math.max(0, dropped) },
          'eco could not write its records; retrying',
        );
        schedule(workspaceId, buffer);
      }
    });
  }

  function schedule(workspaceId: string, buffer: Buffer) {
    if (buffer.timer) return;
    buffer.timer = setTimeout(() => {
      buffer.timer = undefined;
      void flush(workspaceId);
    }, FLUSH_MS);
    buffer.timer.unref?.();
  }

  return {
    afterToolCall(event: AfterToolCallEvent, ctx: HookContext): void {
      if (event.plugin === ECO_PLUGIN_ID) return;
      const record = callRecord(event, ctx.config, now(), (err) => ctx.logger.warn({ err }, 'eco config invalid; using the defaults'));
      let buffer = buffers.get(ctx.workspace.id);
      if (!buffer) {
        buffer = { store: ctx.store, logger: ctx.logger, records: [] };
        buffers.set(ctx.workspace.id, buffer);
      }
      buffer.store = ctx.store;
      buffer.records.push(record);
      if (buffer.records.length >= FLUSH_AT) void flush(ctx.workspace.id);
      else schedule(ctx.workspace.id, buffer);
    },
    /** Writes the workspace's buffered calls now (eco's read tools call it first). */
    flush,
    /** Writes every workspace's buffered calls (the host stopping the plugin). */
    async flushAll(): Promise<void> {
      await Promise.all([...buffers.keys()].map(flush));
    },
  };
}

export type EcoRecorder = ReturnType<typeof createEcoRecorder>;
