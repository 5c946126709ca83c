import { fail, redirect } from '@sveltejs/kit';
import { type Campaign, CHANNELS } from '$lib/campaigns';
import { api, enc } from '$lib/server/api';
import { guardedActions, text } from '$lib/server/guard';
import { callContract } from '$lib/server/plugins';
import { shellOf } from '$lib/server/shell';
import type { Actions, PageServerLoad } from './$types';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export const load: PageServerLoad = async (event) => {
  const client = api(event);
  // the campaigns contract's provider (the campaign agent as shipped)
  const { contracts } = await shellOf(event, event.params.ws);
  if (!contracts.campaigns) return { enabled: false, campaigns: [] as Campaign[], error: null, channels: CHANNELS };
  const r = await callContract<{ campaigns: Campaign[] }>(
    client,
    event.params.ws,
    'campaigns',
    'list_campaigns',
    { limit: 200 },
    contracts,
  );
  return { enabled: true, campaigns: r.output?.campaigns ?? [], error: r.error ?? null, channels: CHANNELS };
};

export const actions = guardedActions({
  create: async (event) => {
    const form = await event.request.formData();
    const channels = form.getAll('channels').filter((c): c is string => typeof c === 'string');
    const values = {
      name: text(form, 'name'),
      goal: text(form, 'goal'),
      audience: text(form, 'audience'),
      budget: text(form, 'budget'),
      currency: text(form, 'currency').toUpperCase() || 'USD',
      startDate: text(form, 'startDate'),
      endDate: text(form, 'endDate'),
      channels,
    };
    const errors: Record<string, string> = {};
    if (!values.name) errors.name = 'Give the campaign a name.';
    if (!values.goal) errors.goal = 'Say what it should achieve.';
    if (!values.audience) errors.audience = 'Say who it targets.';
    if (!channels.length || channels.some((c) => !(CHANNELS as readonly string[]).includes(c)))
      errors.channels = 'Pick at least one channel.';
    const budget = Number(values.budget);
    if (!values.budget || !Number.isFinite(budget) || budget < 0) errors.budget = 'A budget of 0 or more.';
    if (!/^[A-Z]{3}$/.test(values.currency)) errors.currency = 'A three-letter code such as USD or EUR.';
    if (!DATE.test(values.startDate)) errors.startDate = 'A start date.';
    if (!DATE.test(values.endDate)) errors.endDate = 'An end date.';
    else if (values.endDate <= values.startDate) errors.endDate = 'The end must be after the start.';
    if (Object.keys(errors).length) return fail(400, { error: 'Fix the highlighted fields.', fieldErrors: errors, values });
    const r = await callContract<Campaign>(api(event), event.params.ws ?? '', 'campaigns', 'create_campaign', {
      name: values.name,
      goal: values.goal,
      audience: values.audience,
      channels,
      budget,
      currency: values.currency,
      startDate: values.startDate,
      endDate: values.endDate,
    });
    if (!r.output) return fail(400, { error: r.error ?? 'could not create the campaign', code: r.code, values });
    redirect(303, `/w/${enc(event.params.ws ?? '')}/campaigns/${enc(r.output.campaignId)}`);
  },
}) satisfies Actions;
