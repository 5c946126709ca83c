import { fail } from '@sveltejs/kit';
import { echo, fieldsFromSchema, valuesFromForm } from '$lib/schema-form';
import { api } from '$lib/server/api';
import { failWith, guardedActions, orError, text } from '$lib/server/guard';
import type { Actions, PageServerLoad } from './$types';

async function tools(event: Parameters<PageServerLoad>[0] | Parameters<Actions[string]>[0]) {
  return orError(await api(event).request('listTools', { params: { ws: event.params.ws ?? '' } })).tools;
}

export const load: PageServerLoad = async (event) => {
  const list = await tools(event);
  const selected = list.find((t) => t.name === event.url.searchParams.get('tool')) ?? null;
  return {
    tools: list.map(({ name, description, sideEffect }) => ({ name, description, sideEffect })),
    selected: selected && {
      name: selected.name,
      description: selected.description,
      sideEffect: selected.sideEffect,
      ...fieldsFromSchema(selected.inputSchema),
    },
  };
};

export const actions = guardedActions({
  call: async (event) => {
    const form = await event.request.formData();
    const name = text(form, 'tool');
    const tool = (await tools(event)).find((t) => t.name === name);
    if (!tool) return fail(404, { error: `No enabled tool named ${name}`, code: 'NH_TOOL_NOT_FOUND' });
    const { fields, raw } = fieldsFromSchema(tool.inputSchema);
    let input: unknown;
    if (raw) {
      try {
        input = JSON.parse(text(form, 'raw') || '{}');
      } catch {
        return fail(400, { error: 'The input must be valid JSON.' });
      }
    } else {
      const parsed = valuesFromForm(fields, form);
      if (Object.keys(parsed.errors).length)
        return fail(400, { error: 'Fix the highlighted fields.', fieldErrors: parsed.errors, values: echo(fields, form) });
      input = parsed.value;
    }
    const r = await api(event).request('callTool', { params: { ws: event.params.ws, tool: name }, body: { input } });
    if (!r.ok) return failWith(r, { values: echo(fields, form), details: r.error.details ?? null });
    return { result: r.data, values: echo(fields, form) };
  },
}) satisfies Actions;
