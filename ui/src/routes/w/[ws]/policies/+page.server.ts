import { fail, redirect } from '@sveltejs/kit';
import { CHANNEL_LABEL } from '$lib/capabilities';
import { isHeld, type PolicyDoc, setHeld, setSideEffectHeld } from '$lib/policy';
import { api, enc } from '$lib/server/api';
import { loadGovernance, savePolicy } from '$lib/server/brand';
import { guardedActions, text } from '$lib/server/guard';
import { shellOf } from '$lib/server/shell';
import type { Actions, PageServerLoad } from './$types';

type Caps = NonNullable<NonNullable<PolicyDoc['consent']>['frequencyCaps']>;

export const load: PageServerLoad = async (event) => {
  const gov = await loadGovernance(api(event), event.params.ws, shellOf(event, event.params.ws));
  const p = gov.policy?.policy ?? {};
  return {
    enabled: gov.policy !== null,
    error: gov.error,
    version: gov.policy?.version ?? null,
    channels: gov.channels.map((c) => ({
      channel: c.channel,
      label: CHANNEL_LABEL[c.channel] ?? c.channel,
      held: c.tools.every((t) => isHeld(p, t.name, t.sideEffect)),
      via: c.via,
    })),
    external: (p.requireApproval?.sideEffects ?? ['external']).includes('external'),
    ttlHours: p.requireApproval?.ttlHours ?? 72,
    caps: (p.consent?.frequencyCaps ?? {}) as Caps,
    pii: (p.content?.pii ?? {}) as Record<string, string>,
  };
};

const num = (form: FormData, name: string, min: number, max: number): number | null | 'bad' => {
  const raw = text(form, name);
  if (!raw) return null;
  const n = Number(raw);
  return Number.isFinite(n) && n >= min && n <= max ? n : 'bad';
};

/** The form as sent (each field's text; a switch is `on` when set): a refusal returns it, so the page shows it again. */
const keptOf = (form: FormData): Record<string, string> =>
  Object.fromEntries([...form.entries()].flatMap(([k, v]) => (typeof v === 'string' ? [[k, v] as const] : [])));

export const actions = guardedActions({
  save: async (event) => {
    const form = await event.request.formData();
    const kept = keptOf(form);
    const ws = event.params.ws ?? '';
    const client = api(event);
    const gov = await loadGovernance(client, ws);
    if (!gov.policy) return fail(400, { error: gov.error ?? 'Enable the governance plugin to set policies.' });
    let policy: PolicyDoc = setSideEffectHeld(gov.policy.policy, 'external', form.get('external') === 'on');
    for (const c of gov.channels) policy = setHeld(policy, c.tools, form.get(`channel-${c.channel}`) === 'on');
    const ttl = num(form, 'ttlHours', 1, 2160);
    if (ttl === 'bad') return fail(400, { error: 'Approvals expire after 1 to 2,160 hours.', field: 'ttlHours', kept });
    if (ttl !== null) policy = { ...policy, requireApproval: { ...policy.requireApproval, ttlHours: ttl } };
    const caps: Caps = {};
    for (const ch of ['email', 'sms'] as const) {
      const max = num(form, `cap-${ch}-max`, 1, 1_000_000);
      const hours = num(form, `cap-${ch}-hours`, 1, 744);
      if (max === 'bad')
        return fail(400, {
          error: `The ${ch === 'sms' ? 'SMS' : 'e-mail'} cap is a whole number of messages, at least 1.`,
          field: `cap-${ch}-max`,
          kept,
        });
      if (hours === 'bad') return fail(400, { error: 'A frequency window is 1 to 744 hours (31 days).', field: `cap-${ch}-hours`, kept });
      if (max !== null) caps[ch] = { max: Math.round(max), windowHours: hours ?? 24 };
    }
    const pii: Record<string, string> = { ...(policy.content?.pii ?? {}) };
    for (const k of ['email', 'phone', 'card']) pii[k] = form.get(`pii-${k}`) === 'on' ? 'deny' : 'allow';
    policy = {
      ...policy,
      consent: { ...(policy.consent ?? {}), frequencyCaps: caps },
      content: { ...(policy.content ?? {}), pii },
    };
    const r = await savePolicy(client, ws, gov.policy, policy, 'policies page');
    if (!r.output) return fail(400, { error: r.error ?? 'the policy could not be saved', code: r.code, kept });
    redirect(303, `/w/${enc(ws)}/policies?saved=${r.output.version}`);
  },
}) satisfies Actions;
