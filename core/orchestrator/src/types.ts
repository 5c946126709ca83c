import type { DB, Kysely } from '@neonhub/db';
import { type Actor, type CatalogueEntry, changesNothing, type Run, type SideEffect, type Step } from '@neonhub/schemas';
import type { StepQueue } from './jobs.js';
import type { PlannerLlm } from './planner-llm.js';
import type { PlanParams } from './planner-offline.js';
import type { ToolInfo } from './validate-plan.js';

export type OrchestratorCallResult =
  | { status: 'ok'; output: unknown }
  /**
   * Held by a policy: `plugin` is the approvals provider holding it (its `approve`/`reject` decide it); `expiresAt`
   * (ISO 8601) when the provider said when the approval expires.
   */
  | { status: 'pending_approval'; approvalId?: string; reason: string; plugin?: string; expiresAt?: string };

export interface OrchestratorCallRequest {
  workspace: string;
  tool: string;
  input: unknown;
  actor: Actor;
  idempotencyKey?: string;
  approvalId?: string;
  /** A step the plan marks `needsApproval`, not approved yet: the approvals provider must hold it (host API 0.2.1). */
  approvalRequested?: { reason: string };
}

/** What the workspace's memory holds for a goal, given to the planner (see OrchestratorDeps.planContext). */
export interface PlanContext {
  /** Fact lines for the planner, most relevant first. */
  facts: string[];
  /** The memory chunks they came from (the run.planned event records them). */
  sources: { chunkId: string; documentId: string; collection: string; title: string; source: string | null }[];
}

export interface OrchestratorDeps {
  db: Kysely<DB>;
  queue: StepQueue;
  /** The host pipeline's callTool (every step goes through the policy, audit and the rest). */
  callTool(req: OrchestratorCallRequest): Promise<OrchestratorCallResult>;
  /** The tools enabled in a workspace, with input JSON Schemas (plans are validated against them). */
  tools(workspaceId: string): Promise<ToolInfo[]>;
  resolveWorkspace(slugOrId: string): Promise<{ id: string; slug: string }>;
  /**
   * The plugin providing the approvals contract in the workspace (docs/plugin-authors.md, "Contracts"), or undefined.
   * Without one, the orchestrator holds the steps a plan marks for approval itself; with one, its policy decides.
   */
  approvalsProvider(workspaceId: string): string | undefined | Promise<string | undefined>;
  /**
   * The planner catalogue of the workspace's enabled plugins (their manifests' `serves`, tools qualified): what the
   * offline planner composes plans from. Without it the offline planner plans nothing (NH_RUN_GOAL_UNPLANNABLE).
   */
  catalogue?(workspaceId: string): CatalogueEntry[] | Promise<CatalogueEntry[]>;
  /** A model for the LLM planner; without one (or when it is the offline model) the rule planner plans. */
  planner?(workspaceId: string): PlannerLlm | undefined | Promise<PlannerLlm | undefined>;
  /**
   * Memory context for planning a goal (the host answers from the plugin providing the memory contract); the LLM
   * planner gets the facts in its prompt, the rule planner a note; the run.planned event names the sources. A failure
   * is logged and planning goes on without.
   */
  planContext?(workspaceId: string, goal: string, actor?: Actor): Promise<PlanContext | undefined>;
  logger?: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
  /** Tries per step for transient and third-party failures (default 3). */
  maxAttempts?: number;
  /** First retry delay; doubles per attempt, capped at 30 s (default 500 ms). */
  backoffBaseMs?: number;
  /**
   * How long a claimed step is owned before another worker may take it over (default 30 s). A worker renews the
   * leases of the steps it runs every `leaseMs / 3`, so a long tool keeps its step; the lease bounds how long a
   * dead worker's steps wait.
   */
  leaseMs?: number;
  /**
   * How often a worker sweeps for work a dead worker left behind: running steps whose lease expired and queued
   * steps, neither with a live job (default: leaseMs).
   */
  recoverEveryMs?: number;
  /**
   * A step without side effects runs before it is claimed and goes from queued to succeeded in one write; one
   * still running after this long is marked running (with a lease) so that it shows (default 250 ms).
   */
  markRunningAfterMs?: number;
  /** How often subscribers re-read the event log for events written by other processes (default 1000 ms). */
  pollMs?: number;
  /**
   * Called once when a run finishes (succeeded, failed or cancelled), with the run and its steps; an object it
   * returns is stored as the run's `run.summary` event, before waiters are woken. A failure is logged, not raised.
   */
  summarizeRun?(view: RunView): Promise<Record<string, unknown> | undefined> | Record<string, unknown> | undefined;
}

export interface StartRunInput {
  workspace: string;
  goal: string;
  actor: Actor;
  params?: PlanParams;
  /** A plan given by the caller instead of planning the goal (validated the same way). */
  plan?: unknown;
}

export interface RunView {
  run: Run;
  steps: Step[];
}

export const idempotencyKeyOf = (runId: string, stepId: string) => `run:${runId}:step:${stepId}`;

/**
 * Whether a step's job carries what it runs (it runs before it is claimed; see steps.ts): its tool has no side
 * effect and the plan does not hold it for approval. The same rule as `neonhub_dispatch_after` (migration 0008).
 */
export const carriable = (sideEffect: SideEffect | null | undefined, needsApproval: boolean | undefined) =>
  changesNothing(sideEffect) && !needsApproval;
