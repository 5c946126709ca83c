import { fail, redirect } from '@sveltejs/kit';
import { CHANNEL_LABEL, providerOf } from '$lib/capabilities';
import { lines, type PolicyDoc } from '$lib/policy';
import { api, enc } from '$lib/server/api';
import { loadBrandKit, loadGovernance, saveBrandKit, savePolicy } from '$lib/server/brand';
import { guardedActions, text } from '$lib/server/guard';
import { shellOf } from '$lib/server/shell';
import type { Actions, PageServerLoad } from './$types';

type Disclosure = NonNullable<NonNullable<PolicyDoc['content']>['disclosures']>[number];
const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));

export const load: PageServerLoad = async (event) => {
  const client = api(event);
  const ws = event.params.ws;
  const gov = await loadGovernance(client, ws, shellOf(event, ws));
  // the brand voice and banned phrases are the content provider's config; product facts live in memory
  const content = gov.enabled.find((p) => p.id === providerOf(gov.contracts, 'content')) ?? null;
  const config = (content?.config ?? {}) as { brandVoice?: string; bannedPhrases?: string[] };
  // the brand kit in memory (null when no plugin provides memory here)
  const kit = providerOf(gov.contracts, 'memory') ? await loadBrandKit(client, ws) : null;
  const memory = kit !== null;
  // disclosures a marketer manages: those that cover exactly one channel's delivery tools
  const disclosures = (gov.policy?.policy.content?.disclosures ?? []).map((d) => ({
    text: d.text,
    channel:
      gov.channels.find((c) =>
        sameSet(
          c.tools.map((t) => t.name),
          d.tools,
        ),
      )?.channel ?? null,
  }));
  return {
    contentEnabled: content !== null,
    policyEnabled: gov.policy !== null,
    memory,
    brandVoice: config.brandVoice || kit?.kit.voice || '',
    bannedPhrases: [...new Set([...(config.bannedPhrases ?? []), ...(gov.policy?.policy.content?.bannedPhrases ?? [])])],
    disclosures: disclosures.filter((d) => d.channel),
    otherDisclosures: disclosures.filter((d) => !d.channel).length,
    channels: gov.channels.map((c) => ({ channel: c.channel, label: CHANNEL_LABEL[c.channel] ?? c.channel })),
    facts: kit?.kit.facts ?? '',
    policyVersion: gov.policy?.version ?? null,
    error: gov.error,
  };
};

export const actions = guardedActions({
  save: async (event) => {
    const form = await event.request.formData();
    const ws = event.params.ws ?? '';
    const client = api(event);
    const brandVoice = text(form, 'brandVoice');
    const banned = lines(text(form, 'bannedPhrases'));
    const facts = text(form, 'facts');
    const values = { brandVoice, bannedPhrases: banned.join('\n'), facts };
    if (brandVoice.length > 2000) return fail(400, { error: 'Keep the brand voice under 2,000 characters.', values });
    if (banned.some((b) => b.length > 200)) return fail(400, { error: 'A banned phrase is longer than 200 characters.', values });
    const gov = await loadGovernance(client, ws);
    const content = gov.enabled.find((p) => p.id === providerOf(gov.contracts, 'content'));
    if (content) {
      const config = { ...content.config, brandVoice, bannedPhrases: banned };
      if (!brandVoice) delete (config as { brandVoice?: string }).brandVoice;
      const r = await client.request('setPluginConfig', { params: { ws, id: content.id }, body: { config } });
      if (!r.ok) return fail(r.status >= 500 ? 502 : r.status, { error: r.error.message, code: r.error.code, values });
    }
    if (gov.policy) {
      const rows: Disclosure[] = [];
      for (let i = 0; form.has(`disclosure-${i}`); i++) {
        const t = text(form, `disclosure-${i}`);
        const channel = gov.channels.find((c) => c.channel === text(form, `disclosure-${i}-channel`));
        if (t && channel) rows.push({ text: t, tools: channel.tools.map((x) => x.name) });
      }
      const current = gov.policy.policy;
      const kept = (current.content?.disclosures ?? []).filter(
        (d) =>
          !gov.channels.some((c) =>
            sameSet(
              c.tools.map((t) => t.name),
              d.tools,
            ),
          ),
      );
      const policy: PolicyDoc = {
        ...current,
        content: { ...(current.content ?? {}), bannedPhrases: banned, disclosures: [...kept, ...rows] },
      };
      const r = await savePolicy(client, ws, gov.policy, policy, 'brand kit');
      if (!r.output) return fail(400, { error: r.error ?? 'the policy could not be saved', code: r.code, values });
    }
    // the brand kit in the workspace's memory (drafts recall it): every section, replaced on each save
    const disclosures: { channel: string; text: string }[] = [];
    for (let i = 0; form.has(`disclosure-${i}`); i++) {
      const t = text(form, `disclosure-${i}`);
      const channel = text(form, `disclosure-${i}-channel`);
      if (t && channel) disclosures.push({ channel, text: t.slice(0, 1000) });
    }
    const kit = await saveBrandKit(client, ws, { voice: brandVoice, bannedPhrases: banned, disclosures, facts });
    if (!kit.ok) return fail(kit.status >= 500 ? 502 : 400, { error: `Brand kit: ${kit.error}`, code: kit.code, values });
    redirect(303, `/w/${enc(ws)}/brand?saved=1`);
  },
}) satisfies Actions;
