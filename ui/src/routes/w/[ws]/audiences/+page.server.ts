import { fail } from '@sveltejs/kit';
import { api } from '$lib/server/api';
import { failWith, guardedActions, orError, text } from '$lib/server/guard';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const ws = event.params.ws;
  const q = event.url.searchParams.get('q') ?? '';
  const client = api(event);
  const [contacts, lists, segments] = await Promise.all([
    client.request('listContacts', { params: { ws }, query: { ...(q ? { q } : {}), limit: 100 } }),
    client.request('listLists', { params: { ws } }),
    client.request('listSegments', { params: { ws } }),
  ]);
  return { q, ...orError(contacts), lists: orError(lists).lists, segments: orError(segments).segments };
};

export const actions = guardedActions({
  /** Preview (dry run) or import: every valid row in one transaction, or nothing when any row is bad. */
  import: async (event) => {
    const form = await event.request.formData();
    const csv = text(form, 'csv');
    const commit = form.get('commit') === '1';
    const list = text(form, 'list');
    if (!csv.trim()) return fail(400, { error: 'Paste the CSV, with a header row (email, phone, lists, any attribute).' });
    const r = await api(event).request('importContacts', {
      params: { ws: event.params.ws },
      body: { csv, dryRun: !commit, ...(list ? { list } : {}) },
    });
    if (!r.ok) {
      const details = r.error.details as { errors?: unknown[] } | undefined;
      return failWith(r, {
        csv,
        importErrors: (details?.errors ?? []) as { row: number; code: string; field?: string; message: string }[],
      });
    }
    return { csv, result: r.data };
  },
  createList: async (event) => {
    const form = await event.request.formData();
    const r = await api(event).request('createList', { params: { ws: event.params.ws }, body: { name: text(form, 'name') } });
    if (!r.ok) return failWith(r);
    return { listCreated: r.data.list.name };
  },
  createSegment: async (event) => {
    const form = await event.request.formData();
    const key = text(form, 'key');
    const op = text(form, 'op') as 'eq' | 'neq' | 'contains' | 'exists';
    const value = text(form, 'value');
    const r = await api(event).request('createSegment', {
      params: { ws: event.params.ws },
      body: {
        name: text(form, 'name'),
        rule: { match: 'all', conditions: key ? [{ field: 'attribute', key, op, ...(op === 'exists' ? {} : { value }) }] : [] },
      },
    });
    if (!r.ok) return failWith(r);
    return { segmentCreated: r.data.segment.name };
  },
}) satisfies Actions;
