import { fromProviderToolName } from '../tool-names.js';
import type { PromptFacts } from './analyze.js';
import { keywordStems, sentences, titleCase, truncateWords, words } from './text.js';

/** Every text the offline model writes starts with this label. */
export const OFFLINE_LABEL = '[offline model]';

export type DraftKind = 'blog' | 'email' | 'social' | 'summary' | 'plan' | 'answer';

const KIND_KEYWORDS: Array<[DraftKind, RegExp]> = [
  ['summary', /\b(summari[sz]e|summary|tl;?dr|recap|digest)\b/i],
  ['email', /\b(e-?mails?|newsletters?|mailing)\b/i],
  ['social', /\b(social|tweets?|linkedin|instagram|facebook|threads|bluesky|mastodon|x post|hashtags?)\b/i],
  ['blog', /\b(blog|article|post|essay|long-?form)\b/i],
  ['plan', /\b(plan|strategy|campaign|roadmap|calendar|schedule|outline|steps)\b/i],
];

/** The first template whose keywords appear in the task (summary > email > social > blog > plan). */
export function pickDraftKind(task: string): DraftKind {
  for (const [kind, re] of KIND_KEYWORDS) if (re.test(task)) return kind;
  return 'answer';
}

const HEADLINES: Record<DraftKind, string> = {
  blog: 'Draft blog post',
  email: 'Draft e-mail',
  social: 'Draft social post',
  summary: 'Summary',
  plan: 'Draft plan',
  answer: 'Answer',
};

function header(kind: DraftKind): string {
  return `${OFFLINE_LABEL} ${HEADLINES[kind]}, written from templates by NeonHub's offline model (no AI provider is configured).`;
}

function points(f: PromptFacts, extra: string[] = []): string[] {
  const list = [...f.facts, ...extra];
  return list.length > 0 ? list : [`What ${f.topic} is and who it is for`, `The problem it solves`, `One concrete next step`];
}

function audienceLine(f: PromptFacts): string {
  return f.settings.audience ? ` for ${f.settings.audience}` : '';
}

function blog(f: PromptFacts, extra: string[]): string {
  const title = titleCase(f.topic);
  const tone = f.settings.tone ? ` Tone: ${f.settings.tone}.` : '';
  return [
    `# ${title}`,
    '',
    `This post is about ${f.topic}${audienceLine(f)}.${tone}`,
    '',
    '## Key points',
    ...points(f, extra).map((p) => `- ${p}`),
    '',
    '## Next step',
    f.settings.cta ?? `Tell us what you think about ${f.topic}.`,
  ].join('\n');
}

function email(f: PromptFacts, extra: string[]): string {
  const greeting = f.settings.audience ? `Hi ${f.settings.audience},` : 'Hi there,';
  return [
    `Subject: ${titleCase(f.topic)}`,
    '',
    greeting,
    '',
    `A short note about ${f.topic}:`,
    ...points(f, extra).map((p) => `- ${p}`),
    '',
    f.settings.cta ?? 'Reply to this e-mail if you would like to know more.',
    '',
    'Best regards,',
    f.settings.brand ?? f.settings.company ?? 'The team',
  ].join('\n');
}

function social(f: PromptFacts, extra: string[]): string {
  const tags = [...new Set(words(f.topic).filter((w) => w.length >= 4 && keywordStems(w).size > 0))]
    .slice(0, 3)
    .map((t) => `#${t}`)
    .join(' ');
  const first = points(f, extra)[0] ?? f.topic;
  const body = truncateWords(`${titleCase(f.topic)}: ${first}`, 220);
  return [body, f.settings.cta ?? 'Learn more at the link in our bio.', tags].filter((l) => l.length > 0).join('\n');
}

function summary(f: PromptFacts, extra: string[]): string {
  // "Summarise this: <text>" summarises <text>; a long task is itself the text; a short ask summarises the context.
  const after = /\b(?:summari[sz]e|summary|recap|tl;?dr)\b[^\n:]*:\s*(\S[\s\S]*)/i.exec(f.task)?.[1];
  const source = after ?? (f.task.length > 280 ? f.task : f.system);
  const picked = sentences(source).slice(0, 3);
  const lines = [...picked.map((s) => truncateWords(s, 200)), ...f.facts, ...extra].slice(0, 6);
  return [`Summary of ${f.topic}:`, ...(lines.length > 0 ? lines : ['(nothing to summarise was given)']).map((l) => `- ${l}`)].join('\n');
}

function plan(f: PromptFacts, extra: string[]): string {
  const steps = [
    `Research: collect what we know about ${f.topic}${audienceLine(f)}.`,
    `Draft: write the first version of each asset for ${f.topic}.`,
    'Review: check facts, tone and links with the team.',
    `Publish: schedule the assets on the chosen channels${f.settings.channel ? ` (${f.settings.channel})` : ''}.`,
    'Measure: compare results with the goal and adjust.',
  ];
  const notes = [...f.facts, ...extra];
  return [
    `Plan for ${f.topic}`,
    '',
    ...steps.map((s, i) => `${i + 1}. ${s}`),
    ...(notes.length > 0 ? ['', 'Inputs:', ...notes.map((n) => `- ${n}`)] : []),
  ].join('\n');
}

function answer(f: PromptFacts, extra: string[]): string {
  const lines = [...f.facts, ...extra];
  return [
    `You asked about: ${f.topic}.`,
    'The offline model cannot reason about this; it can draft blog posts, e-mails, social posts, summaries and plans from templates, and call tools whose names match your request.',
    ...(lines.length > 0 ? ['', 'What I was given:', ...lines.map((l) => `- ${l}`)] : []),
  ].join('\n');
}

const RENDER: Record<DraftKind, (f: PromptFacts, extra: string[]) => string> = { blog, email, social, summary, plan, answer };

/** A labelled draft for the task. `extra` lines (e.g. tool results) are used as key points. */
export function renderDraft(f: PromptFacts, extra: string[] = []): string {
  const kind = pickDraftKind(f.task);
  return `${header(kind)}\n\n${RENDER[kind](f, extra)}`;
}

/** The final answer of a tool loop: what each tool returned, then the draft built on it. */
export function renderToolSummary(f: PromptFacts): string {
  const lines = f.toolResults.map((r) => `${r.name} ${r.isError ? 'failed' : 'returned'}: ${truncateWords(r.text, 300)}`);
  const kind = pickDraftKind(f.task);
  const head = `${OFFLINE_LABEL} Tool results for "${f.topic}", summarised by NeonHub's offline model (no AI provider is configured).`;
  const body = ['', ...lines.map((l) => `- ${l}`)];
  if (kind === 'answer') return [head, ...body].join('\n');
  return [head, ...body, '', RENDER[kind](f, lines)].join('\n');
}

/** The text of a step in which the offline model calls tools. */
export function renderToolPreamble(providerToolNames: string[]): string {
  return `${OFFLINE_LABEL} Calling ${providerToolNames.map((n) => fromProviderToolName(n)).join(', ')} (tools matched by name; no AI provider is configured).`;
}
