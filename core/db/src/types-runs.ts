import type { RunStatus, SideEffect, StepStatus } from '@neonhub/schemas';
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string, string>;
type NullableJson<T> = ColumnType<T | null, string | null | undefined, string | null>;

/** The error a run or step ended with. */
export interface RunErrorJson {
  code: string;
  message: string;
  category?: string;
}

/** Rows of migration 0004_runs: one run of a goal in a workspace. */
export interface RunsTable {
  id: string;
  workspace_id: string;
  goal: string;
  status: RunStatus;
  planner: string;
  notes: Json<string[]>;
  actor: Json<unknown>;
  error: NullableJson<RunErrorJson>;
  created_at: Timestamp;
  updated_at: Timestamp;
  finished_at: NullableTimestamp;
}

/** Rows of migration 0004_runs (0008 carried steps, 0021 approval_source, 0031 input_refs, 0032 approval_expires_at): one step of a run. */
export interface StepsTable {
  run_id: string;
  id: string;
  seq: number;
  tool: string;
  title: string | null;
  input: Json<Record<string, unknown>>;
  depends_on: Json<string[]>;
  /**
   * The steps whose outputs its input references (ancestors; migration 0031): what a claim or a carried job hands
   * it. Null for steps stored before, which get their direct dependencies' outputs.
   */
  input_refs: NullableJson<string[]>;
  needs_approval: boolean;
  /** What its tool declared when the run was planned; null for steps planned before it was recorded. */
  side_effect: SideEffect | null;
  status: StepStatus;
  attempts: Generated<number>;
  max_attempts: number;
  dispatch: Generated<number>;
  lease: string | null;
  lease_until: NullableTimestamp;
  output: NullableJson<unknown>;
  error: NullableJson<RunErrorJson>;
  approval_id: string | null;
  /** 'orchestrator', or the id of the approvals provider (a plugin) that holds the approval. */
  approval_source: string | null;
  approved_by: NullableJson<unknown>;
  /** When its approval expires, as the approvals provider said (migration 0032); null when none is known. */
  approval_expires_at: NullableTimestamp;
  started_at: NullableTimestamp;
  finished_at: NullableTimestamp;
  updated_at: Timestamp;
}

/** Rows of migration 0004_runs: a run's event log. */
export interface RunEventsTable {
  /** bigserial: a string on pg, a number on PGlite. */
  id: ColumnType<string | number, never, never>;
  run_id: string;
  step_id: string | null;
  type: string;
  data: Json<Record<string, unknown>>;
  at: Timestamp;
}
