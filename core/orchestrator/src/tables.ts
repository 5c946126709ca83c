import type { DB } from '@neonhub/db';
import type { RunStatus, SideEffect, StepStatus } from '@neonhub/schemas';
import type { ColumnType, Generated, Kysely } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string, string>;
type NullableJson<T> = ColumnType<T | null, string | null | undefined, string | null>;

export interface ErrorJson {
  code: string;
  message: string;
  category?: string;
}

export interface RunsTable {
  id: string;
  workspace_id: string;
  goal: string;
  status: RunStatus;
  planner: string;
  notes: Json<string[]>;
  actor: Json<unknown>;
  error: NullableJson<ErrorJson>;
  created_at: Timestamp;
  updated_at: Timestamp;
  finished_at: NullableTimestamp;
}

export interface StepsTable {
  run_id: string;
  id: string;
  seq: number;
  tool: string;
  title: string | null;
  input: Json<Record<string, unknown>>;
  depends_on: Json<string[]>;
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
  error: NullableJson<ErrorJson>;
  approval_id: string | null;
  /** 'orchestrator', or the id of the approvals provider (a plugin) that holds the approval. */
  approval_source: string | null;
  approved_by: NullableJson<unknown>;
  started_at: NullableTimestamp;
  finished_at: NullableTimestamp;
  updated_at: Timestamp;
}

export interface RunEventsTable {
  /** bigserial: a string on pg, a number on PGlite. */
  id: ColumnType<string | number, never, never>;
  run_id: string;
  step_id: string | null;
  type: string;
  data: Json<Record<string, unknown>>;
  at: Timestamp;
}

export type RunTables = {
  runs: RunsTable;
  steps: StepsTable;
  run_events: RunEventsTable;
};

export type RunsDb = Kysely<DB & RunTables>;

/** The host's database with the run tables (migration 0004_runs) typed. */
export const withRunTables = (db: Kysely<DB>): RunsDb => db.withTables<RunTables>();
