import type { RunWithSteps } from '@neonhub/schemas';
import { error } from '@sveltejs/kit';
import type { Api } from './api';

export type { RunWithSteps };

/** A run of this workspace, or the 404 page (a run of another workspace looks exactly like a missing one). */
export async function runOf(client: Api, workspaceId: string, runId: string): Promise<RunWithSteps> {
  const r = await client.request('getRun', { params: { id: runId } });
  if (!r.ok) {
    const status = r.status === 400 || r.status === 403 ? 404 : r.status;
    error(status, { message: status === 404 ? 'No such run' : r.error.message, code: r.error.code });
  }
  if (r.data.run.workspaceId !== workspaceId) error(404, { message: 'No such run', code: 'NH_RUN_NOT_FOUND' });
  return r.data;
}

/** Recipients typed one per line or separated by commas. */
export const splitList = (value: string) =>
  value
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter(Boolean);
