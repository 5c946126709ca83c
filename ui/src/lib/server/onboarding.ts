import { type Contracts, providerOf } from '$lib/capabilities';
import type { Api } from './api';
import { type WorkspacePluginView, workspaceContracts, workspacePlugins } from './plugins';

export interface OnboardingStep {
  id: 'brand' | 'channel' | 'goal';
  title: string;
  detail: string;
  href: string;
  done: boolean;
}

/**
 * The first-run checklist of a workspace: a brand kit (a brand voice saved), a channel (a connector enabled)
 * and a first goal (a run). Read from what the workspace already holds; nothing is stored for it. What the caller
 * reads anyway (the plugins, whether there are runs) is not read again.
 */
export async function onboarding(
  client: Api,
  ws: string,
  known: { plugins?: Promise<readonly WorkspacePluginView[]>; hasRuns?: Promise<boolean>; contracts?: Promise<Contracts> } = {},
): Promise<{ steps: OnboardingStep[]; complete: boolean }> {
  const [plugins, hasRuns, conns, contracts] = await Promise.all([
    known.plugins ?? workspacePlugins(client, ws).then((r) => (r.ok ? r.data.plugins : [])),
    known.hasRuns ?? client.request('listRuns', { params: { ws } }).then((r) => r.ok && r.data.runs.length > 0),
    client.request('listConnections', { params: { ws } }),
    known.contracts ?? workspaceContracts(client, ws),
  ]);
  const enabled = plugins.filter((p) => p.enabled);
  // the brand voice is the content provider's config
  const content = enabled.find((p) => p.id === providerOf(contracts, 'content'));
  const base = `/w/${encodeURIComponent(ws)}`;
  const steps: OnboardingStep[] = [
    {
      id: 'brand',
      title: 'Set up your brand kit',
      detail: 'Your brand voice, banned phrases and product facts: every draft uses them.',
      href: `${base}/brand`,
      done: typeof content?.config.brandVoice === 'string' && content.config.brandVoice.trim() !== '',
    },
    {
      id: 'channel',
      title: 'Connect a channel',
      detail: 'An e-mail or social account to send and publish through (the sandbox records without sending).',
      href: `${base}/connections`,
      done: (conns.ok && conns.data.connections.some((c) => c.status === 'active')) || enabled.some((p) => p.kind === 'connector'),
    },
    {
      id: 'goal',
      title: 'Give your first goal',
      detail: 'e.g. “launch our spring sale on e-mail and LinkedIn”: the agents plan it, you approve what goes out.',
      href: `${base}/runs`,
      done: hasRuns,
    },
  ];
  return { steps, complete: steps.every((s) => s.done) };
}
