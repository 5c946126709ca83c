import type { Plan, PlanStep } from '@neonhub/schemas';
import { runErrors } from './errors.js';
import type { ToolInfo } from './validate-plan.js';

/** What a goal may carry besides its text (the API body's `params`, the CLI's flags). */
export interface PlanParams {
  /** E-mail recipients; without them the e-mail is composed but not sent. */
  recipients?: string[];
  /** Social networks to post on (default: those named in the goal, else linkedin). */
  networks?: string[];
  audience?: string;
}

const NETWORKS = ['x', 'twitter', 'linkedin', 'instagram', 'facebook'] as const;
const CHANNEL_WORDS = String.raw`(?:e-?mail|newsletter|social(?:\s+media)?|twitter|x|linkedin|instagram|facebook|blog|seo|search)`;
const CHANNEL_TAIL = new RegExp(
  String.raw`\s+(?:on|across|via|through|over|in|with|by)\s+(?:our\s+|the\s+)?${CHANNEL_WORDS}(?:(?:\s*,\s*|\s+and\s+|\s*&\s*|\s+plus\s+)(?:our\s+|the\s+)?${CHANNEL_WORDS})*(?:\s+channels?)?\s*[.!]?\s*$`,
  'i',
);
const LEAD_VERB = /^\s*(?:please\s+)?(?:launch|announce|promote|run|start|kick\s+off|market|publicize|advertise|write\s+about|plan)\s+/i;

/** The goal's subject: the words left once the leading verb and the trailing channel list are removed. */
export function topicOf(goal: string): string {
  let t = goal
    .trim()
    .replace(CHANNEL_TAIL, '')
    .replace(LEAD_VERB, '')
    .replace(/^(?:our|the|a|an)\s+/i, '')
    .trim();
  t = t.replace(/[.!]+$/, '');
  return t.length >= 3 ? t.slice(0, 300) : goal.trim().slice(0, 300);
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * The offline planner: rules over the goal's words, no model. See docs/runs.md ("Offline planning rules").
 * - `email`/`e-mail`/`newsletter` -> draft (agent-content, kind email) -> compose (agent-email) -> send
 *   (needs approval; only when recipients are given).
 * - `social`, or a network name -> draft (kind social) -> per network compose (agent-social) -> publish (needs approval).
 * - `blog`/`article` -> draft (kind blog).
 * - Whenever something is drafted and agent-seo is enabled: an SEO analysis of the first draft.
 * - With data-trust enabled: a provenance record per draft.
 * Tools that are not enabled drop their chain, with a note. Inputs reference earlier outputs by template.
 */
export function planOffline(goal: string, tools: ToolInfo[], params: PlanParams = {}): Plan {
  const has = (name: string) => tools.some((t) => t.name === name);
  const g = goal.toLowerCase();
  const wantsEmail = /\be-?mails?\b|\bnewsletters?\b/.test(g);
  const namedNetworks = NETWORKS.filter((n) => new RegExp(String.raw`\b${n}\b`).test(g)).map((n) => (n === 'twitter' ? 'x' : n));
  const wantsSocial = /\bsocial\b/.test(g) || namedNetworks.length > 0 || (params.networks?.length ?? 0) > 0;
  const wantsBlog = /\bblog\b|\barticles?\b|\bpost on our site\b/.test(g);
  const topic = topicOf(goal);
  const keywords = [
    ...new Set(
      topic
        .toLowerCase()
        .split(/[^a-z0-9]+/)
        .filter((w) => w.length > 3),
    ),
  ].slice(0, 5);
  const steps: PlanStep[] = [];
  const notes: string[] = [];
  const audience = params.audience ? { audience: params.audience } : {};

  const draft = (kind: 'email' | 'social' | 'blog') => {
    const id = `draft_${kind}`;
    steps.push({
      id,
      tool: 'agent-content:draft',
      title: `Draft the ${kind} copy`,
      input: { kind, topic, keywords, ...audience },
      dependsOn: [],
    });
    if (has('data-trust:record_artifact')) {
      steps.push({
        id: `provenance_${kind}`,
        tool: 'data-trust:record_artifact',
        title: `Record provenance of the ${kind} draft`,
        input: {
          artifactId: `{{steps.${id}.output.draftId}}`,
          kind: kind === 'blog' ? 'blog_post' : kind === 'social' ? 'social_post' : 'email',
          content: `{{steps.${id}.output.text}}`,
          tools: ['agent-content:draft'],
          model: `{{steps.${id}.output.model}}`,
        },
        dependsOn: [id],
      });
    }
    return id;
  };

  if (!has('agent-content:draft') && (wantsEmail || wantsSocial || wantsBlog))
    notes.push('agent-content is not enabled: nothing can be drafted');
  const canDraft = has('agent-content:draft');

  if (wantsEmail && canDraft) {
    const d = draft('email');
    if (has('agent-email:compose')) {
      steps.push({
        id: 'compose_email',
        tool: 'agent-email:compose',
        title: 'Compose the e-mail template',
        input: { name: capitalize(topic).slice(0, 200), subject: capitalize(topic).slice(0, 998), body: `{{steps.${d}.output.text}}` },
        dependsOn: [d],
      });
      const recipients = params.recipients ?? [];
      if (recipients.length && has('agent-email:send')) {
        steps.push({
          id: 'send_email',
          tool: 'agent-email:send',
          title: `Send the e-mail to ${recipients.length} recipient${recipients.length === 1 ? '' : 's'}`,
          input: { templateId: '{{steps.compose_email.output.templateId}}', recipients: recipients.map((email) => ({ email })) },
          dependsOn: ['compose_email'],
          needsApproval: true,
        });
      } else if (!recipients.length)
        notes.push('no e-mail recipients were given: the e-mail is composed, not sent (pass recipients to send it)');
      else notes.push('agent-email:send is not enabled: the e-mail is composed, not sent');
    } else notes.push('agent-email is not enabled: the e-mail is drafted only');
  }

  if (wantsSocial && canDraft) {
    const d = draft('social');
    const networks = [
      ...new Set(
        (params.networks?.length ? params.networks : namedNetworks.length ? namedNetworks : ['linkedin']).map((n) =>
          n === 'twitter' ? 'x' : n,
        ),
      ),
    ];
    if (has('agent-social:compose')) {
      for (const network of networks) {
        const suffix = networks.length > 1 ? `_${network}` : '';
        steps.push({
          id: `compose_social${suffix}`,
          tool: 'agent-social:compose',
          title: `Compose the ${network} post`,
          input: { network, text: `{{steps.${d}.output.text}}` },
          dependsOn: [d],
        });
        if (has('agent-social:publish')) {
          steps.push({
            id: `publish_social${suffix}`,
            tool: 'agent-social:publish',
            title: `Publish the ${network} post`,
            input: { network, text: `{{steps.compose_social${suffix}.output.post}}` },
            dependsOn: [`compose_social${suffix}`],
            needsApproval: true,
          });
        }
      }
    } else notes.push('agent-social is not enabled: the social post is drafted only');
  }

  if (wantsBlog && canDraft) draft('blog');

  const firstDraft = steps.find((s) => s.tool === 'agent-content:draft');
  if (firstDraft && has('agent-seo:analyze_page')) {
    const blog = steps.find((s) => s.id === 'draft_blog') ?? firstDraft;
    steps.push({
      id: 'seo_analysis',
      tool: 'agent-seo:analyze_page',
      title: 'Analyze the copy for SEO',
      input: { text: `{{steps.${blog.id}.output.text}}`, title: capitalize(topic), keywords },
      dependsOn: [blog.id],
    });
  }

  if (steps.length === 0) {
    throw runErrors.create(
      'NH_RUN_GOAL_UNPLANNABLE',
      `the offline planner has no rule for "${goal}": name a channel (email, social, a network, blog) and enable agent-content, or configure a model (NEONHUB_LLM_PROVIDER)`,
      { details: { goal, notes } },
    );
  }
  return { steps, notes };
}
