import { randomUUID } from 'node:crypto';
import { createOrchestrator, createStepQueue, type Orchestrator, type PlannerLlm, type ToolInfo } from '@neonhub/orchestrator';
import { checkRedis } from '@neonhub/queue';
import type { CatalogueEntry } from '@neonhub/schemas';
import { hostErrors } from '../errors.js';
import type { Host } from '../host.js';
import { runResultsSummary } from '../results/run-summary.js';

export interface RunsOptions {
  /** BullMQ on this Redis (default: the host config's REDIS_URL); the in-process queue without one. */
  redisUrl?: string;
  /** BullMQ key prefix (default `neonhub`). */
  prefix?: string;
  /** Handle step jobs in this process (default true; false for an API-only host with separate workers). */
  worker?: boolean;
  concurrency?: number;
  maxAttempts?: number;
  backoffBaseMs?: number;
  leaseMs?: number;
  /** How often the recovery sweep runs while the worker is up (default: leaseMs). */
  recoverEveryMs?: number;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
}

/** Builds the orchestrator over the host: its database, its call pipeline, its enabled tools and its model. */
export async function createRuns(host: Host, opts: RunsOptions = {}): Promise<Orchestrator> {
  const redisUrl = opts.redisUrl ?? host.config.redisUrl;
  // One attempt with a short timeout: an unreachable REDIS_URL is NH_REDIS_UNREACHABLE now, not a reconnect loop.
  if (redisUrl) await checkRedis(redisUrl);
  const queue = createStepQueue({
    ...(redisUrl ? { redisUrl } : {}),
    ...(opts.prefix ? { prefix: opts.prefix } : {}),
    ...(opts.lockDurationMs ? { lockDurationMs: opts.lockDurationMs } : {}),
    ...(opts.stalledIntervalMs ? { stalledIntervalMs: opts.stalledIntervalMs } : {}),
  });
  const service = host.storage.service;
  const orchestrator = createOrchestrator({
    db: host.storage.db,
    queue,
    // A send still queued in the outbox is a transient failure of the step: it is retried with the same key, which
    // finds the same message, until the message is delivered (the step's output) or dead (its error).
    callTool: async (req) => {
      const r = await host.callTool(req);
      if (r.status !== 'queued') return r;
      throw hostErrors.create('NH_OUTBOX_PENDING', `${req.tool}: ${r.reason} (outbox message ${r.messageId})`, {
        details: { messageId: r.messageId, outboxStatus: r.outboxStatus, lastError: r.lastError },
      });
    },
    resolveWorkspace: (s) => service.resolveWorkspace(s),
    approvalsProvider: (ws) => host.contracts.provider(ws, 'approvals'),
    async tools(workspaceId): Promise<ToolInfo[]> {
      const enabled = await service.listEnabledPlugins(workspaceId);
      return host.registry.toolsOf(enabled.map((p) => p.pluginId)).map((t) => ({
        name: t.qualifiedName,
        description: t.definition.description,
        sideEffect: t.definition.sideEffect,
        inputSchema: t.definition.inputSchema as Record<string, unknown>,
      }));
    },
    // The planner catalogue: what the enabled plugins' manifests say their tools serve (the offline planner reads it).
    async catalogue(workspaceId): Promise<CatalogueEntry[]> {
      const enabled = await service.listEnabledPlugins(workspaceId);
      return enabled.flatMap(
        ({ pluginId }) =>
          (host.manifest(pluginId) ?? host.registry.plugin(pluginId)?.manifest)?.serves?.map((e) => ({
            ...e,
            tool: `${pluginId}:${e.tool}`,
          })) ?? [],
      );
    },
    // The LLM planner only with a real provider (the workspace's, or the host's default): the offline model
    // writes labelled prose, not plans.
    planner: async (ws: string): Promise<PlannerLlm | undefined> =>
      (await host.storage.llm.provider(ws)) === 'offline' ? undefined : host.storage.workspaces.llm(ws),
    // A run ends with the results of what it sent so far (its `run.summary` event).
    summarizeRun: runResultsSummary(host.storage.db),
    // The planner's memory context: what the workspace's memory (the plugin providing the memory contract) holds
    // for the goal, recalled as the run's creator (the system for a plan preview).
    planContext: async (workspaceId, goal, actor) => {
      const workspace = await service.resolveWorkspace(workspaceId);
      const memory = await host.callTool.memory(workspace, actor ?? { type: 'system', id: 'planner' }, `plan:${randomUUID()}`);
      if (!memory) return undefined;
      const { chunks } = await memory.recall(goal, { limit: 5 });
      return {
        facts: chunks.map((c) => (c.text.length > 300 ? `${c.text.replace(/\s+/g, ' ').slice(0, 299)}…` : c.text.replace(/\s+/g, ' '))),
        sources: chunks.map((c) => ({
          chunkId: c.chunkId,
          documentId: c.documentId,
          collection: c.collection,
          title: c.title,
          source: c.source,
        })),
      };
    },
    logger: host.logger.child({ component: 'runs' }),
    ...(opts.leaseMs ? { leaseMs: opts.leaseMs } : {}),
    ...(opts.recoverEveryMs ? { recoverEveryMs: opts.recoverEveryMs } : {}),
    ...(opts.maxAttempts ? { maxAttempts: opts.maxAttempts } : {}),
    ...(opts.backoffBaseMs ? { backoffBaseMs: opts.backoffBaseMs } : {}),
    pollMs: redisUrl ? 500 : 2000,
  });
  if (opts.worker !== false) await orchestrator.startWorker({ concurrency: opts.concurrency ?? 4 });
  return orchestrator;
}
