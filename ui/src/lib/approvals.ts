/**
 * What an approval will do, for a person: a step's input with its `{{steps.<id>.output...}}` references
 * resolved from the run's outputs, and a preview picked from the input's shape (an e-mail has a subject and
 * a body, or a template another step composed; a social post has a network and a text) — never from a
 * plugin's tool id, so a new connector with the same shape previews the same way.
 */

// the module alone, not the package's index: that would bring zod and every schema into the browser's first bundle
import { mergeFields } from '@neonhub/schemas/merge-fields';
import { networkName } from './capabilities';

/** What a preview needs of a run's steps (the runs API's Step). */
export interface StepLike {
  id: string;
  status: string;
  input: Record<string, unknown>;
  output?: unknown;
  title?: string;
}

const REF = /\{\{\s*steps\.([a-z][a-z0-9_-]*)\.output((?:\.[A-Za-z0-9_-]+)*)\s*\}\}/g;
const WHOLE = /^\{\{\s*steps\.([a-z][a-z0-9_-]*)\.output((?:\.[A-Za-z0-9_-]+)*)\s*\}\}$/;

const pathOf = (p: string) => (p ? p.slice(1).split('.') : []);

function lookup(steps: ReadonlyMap<string, StepLike>, step: string, path: string[]): { found: boolean; value?: unknown } {
  const s = steps.get(step);
  if (!s || s.output === undefined) return { found: false };
  let cur: unknown = s.output;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object' || !(key in (cur as object))) return { found: false };
    cur = (cur as Record<string, unknown>)[key];
  }
  return { found: true, value: cur };
}

/** A reference that has no value yet reads as what it will be. */
export const laterText = (step: StepLike | undefined, stepId: string) => `(filled in by “${step?.title ?? stepId}” when it runs)`;

/**
 * The value with every reference replaced by the referenced output, as the orchestrator will (a whole-string
 * reference becomes the value itself); a reference whose step has not produced it yet becomes a readable
 * placeholder, and its step id is listed in `waitingOn`.
 */
export function resolveRefs(value: unknown, steps: readonly StepLike[]): { value: unknown; waitingOn: string[] } {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const waitingOn = new Set<string>();
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      if (!v.includes('{{')) return v;
      const whole = WHOLE.exec(v);
      if (whole) {
        const r = lookup(byId, whole[1] ?? '', pathOf(whole[2] ?? ''));
        if (r.found) return r.value;
        waitingOn.add(whole[1] ?? '');
        return laterText(byId.get(whole[1] ?? ''), whole[1] ?? '');
      }
      return v.replace(REF, (_m, step: string, path: string) => {
        const r = lookup(byId, step, pathOf(path));
        if (!r.found) {
          waitingOn.add(step);
          return laterText(byId.get(step), step);
        }
        return typeof r.value === 'string' ? r.value : JSON.stringify(r.value);
      });
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return { value: walk(value), waitingOn: [...waitingOn] };
}

/** The step a whole-string reference points at (`{{steps.compose_email.output.templateId}}` -> compose_email). */
export function originOf(value: unknown): string | undefined {
  return typeof value === 'string' ? WHOLE.exec(value)?.[1] : undefined;
}

/** A recipient as e-mail tools take them: an address, or `{ email, fields }`. */
export interface SampleRecipient {
  email: string;
  fields: Record<string, string>;
}

export interface EmailPreview {
  kind: 'email';
  subject: string;
  /** The body as the sample recipient gets it (merge fields filled). */
  body: string;
  format: 'text' | 'html';
  recipient: SampleRecipient | null;
  recipientCount: number;
  /** Merge fields the sample recipient has no value for. */
  missing: string[];
}

export interface SocialPreview {
  kind: 'social';
  network: string;
  text: string;
  /** The network's longest post; null when it is not known. */
  maxLength: number | null;
  length: number;
  /** The first link in the text (shown as a link card). */
  link: string | null;
  media: string[];
  warnings: string[];
}

export interface FieldsPreview {
  kind: 'fields';
  fields: { label: string; value: string }[];
}

export type Preview = EmailPreview | SocialPreview | FieldsPreview;

/** Public limits of the networks (characters per post), for texts that no compose step measured. */
export const NETWORK_LIMITS: Record<string, number> = { x: 280, twitter: 280, linkedin: 3000, instagram: 2200, facebook: 63_206 };
/** Merge fields filled for one recipient: the e-mail agent's own implementation (@neonhub/schemas), so the preview is what is sent. */
export { mergeFields, networkName };

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const obj = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);

function recipientsOf(input: Record<string, unknown>): SampleRecipient[] {
  const raw = input.recipients ?? input.to;
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  const out: SampleRecipient[] = [];
  for (const r of list) {
    if (typeof r === 'string') out.push({ email: r, fields: {} });
    else if (obj(r) && typeof obj(r)?.email === 'string') {
      const fields = Object.fromEntries(
        Object.entries(obj(obj(r)?.fields) ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string'),
      );
      out.push({ email: String(obj(r)?.email), fields });
    }
  }
  return out;
}

const LINK = /https?:\/\/[^\s<>"')]+/;

function readable(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.map((x) => (obj(x) && typeof obj(x)?.email === 'string' ? String(obj(x)?.email) : readable(x))).join(', ');
  return Object.entries(v as Record<string, unknown>)
    .map(([k, x]) => `${labelOf(k)}: ${readable(x)}`)
    .join('; ');
}

/** `sendAt` -> "Send at", `mediaUrls` -> "Media urls". */
export const labelOf = (key: string) => {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/**
 * The preview of a call's input (already resolved with resolveRefs): an e-mail, a social post, or the fields
 * in words. `steps` lets an e-mail sent by template id show the subject and body that another step composed.
 */
export function previewOf(input: Record<string, unknown>, steps: readonly StepLike[] = []): Preview {
  const network = str(input.network);
  const postText = str(input.text) ?? str(input.post);
  if (network && postText !== undefined) {
    const media = Array.isArray(input.mediaUrls) ? input.mediaUrls.filter((m): m is string => typeof m === 'string') : [];
    return {
      kind: 'social',
      network,
      text: postText,
      maxLength: NETWORK_LIMITS[network] ?? null,
      length: [...postText].length,
      link: LINK.exec(postText)?.[0] ?? null,
      media,
      warnings: [],
    };
  }
  const recipients = recipientsOf(input);
  let subject = str(input.subject);
  let body = str(input.html) ?? str(input.body) ?? (subject !== undefined ? str(input.text) : undefined);
  let format: 'text' | 'html' = str(input.html) !== undefined || input.format === 'html' ? 'html' : 'text';
  let defaults: Record<string, string> = {};
  if ((subject === undefined || body === undefined) && typeof input.templateId === 'string') {
    // sent by template: the step that composed it holds its subject and body
    const composer = steps.find((s) => obj(s.output)?.templateId === input.templateId);
    if (composer) {
      const composed = resolveRefs(composer.input, steps).value as Record<string, unknown>;
      subject = str(composed.subject);
      body = str(composed.body) ?? str(composed.html);
      format = composed.format === 'html' || str(composed.html) !== undefined ? 'html' : 'text';
      defaults = Object.fromEntries(
        Object.entries(obj(composed.defaults) ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string'),
      );
    }
  }
  if (subject !== undefined && body !== undefined) {
    const sample = recipients[0] ?? null;
    const fields = { ...(sample ? { email: sample.email } : {}), ...(sample?.fields ?? {}) };
    const s = mergeFields(subject, fields, defaults);
    const b = mergeFields(body, fields, defaults);
    return {
      kind: 'email',
      subject: s.text.replace(/\s+/g, ' ').trim(),
      body: b.text,
      format,
      recipient: sample,
      recipientCount: recipients.length,
      missing: [...new Set([...s.missing, ...b.missing])].filter((f) => f !== 'email'),
    };
  }
  return {
    kind: 'fields',
    fields: Object.entries(input)
      .filter(([k]) => k !== 'idempotencyKey')
      .map(([k, v]) => ({ label: labelOf(k), value: readable(v) })),
  };
}

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESC[c] ?? c);

/**
 * The document an e-mail preview frame shows (its `srcdoc`; the frame is sandboxed without scripts): a text
 * body becomes paragraphs with clickable links; an HTML body is shown as written, minus scripts.
 */
export function emailDocument(p: Pick<EmailPreview, 'subject' | 'body' | 'format'>): string {
  const content =
    p.format === 'html'
      ? p.body.replace(/<script\b[\s\S]*?<\/script\s*>/gi, '')
      : p.body
          .split(/\n{2,}/)
          .map(
            (para) =>
              `<p>${escapeHtml(para)
                .replace(/https?:\/\/[^\s<>&"]+/g, (u) => `<a href="${u}">${u}</a>`)
                .replace(/\n/g, '<br>')}</p>`,
          )
          .join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(p.subject)}</title><style>body{margin:0;padding:24px;font:16px/1.55 -apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1d1f2b;background:#fff;word-wrap:break-word}a{color:#0b57d0}img{max-width:100%;height:auto}</style></head><body>${content}</body></html>`;
}

/** Why a call waits for a person, in words (from the rule that held it; no ids). */
export function policyInWords(h: { source: 'plan' | 'policy'; rule?: string | null; sideEffect?: string | null }): string {
  if (h.source === 'plan') return 'The plan holds this step for a person before it runs: nothing goes out until someone approves it.';
  if (h.rule?.startsWith('requireApproval.tools'))
    return 'Your approval policy names this action: a person approves it every time before it runs.';
  if (h.rule === 'requireApproval.sideEffects') {
    const what =
      h.sideEffect === 'external'
        ? 'anything that reaches outside NeonHub (sending e-mail, publishing posts, charging)'
        : h.sideEffect === 'write'
          ? 'anything that changes stored data'
          : `actions with a “${h.sideEffect ?? 'listed'}” effect`;
    return `Your approval policy asks a person to approve ${what}.`;
  }
  return 'Your approval policy holds this action for a person.';
}

/** What the bell and the Approvals badge show: how many things wait, and the first few. */
export interface PendingSummary {
  count: number;
  first: { key: string; title: string; context: string | null }[];
}

/** The element id of a pending item on the approvals page (`<runId>/<stepId>` or an approval id). */
export const pendingAnchor = (key: string) => `ap-${key.replace(/[^A-Za-z0-9_-]/g, '-')}`;

/** Why an item waits in the approvals provider's words, once its list has been read (streamed to the page). */
export const whyOf = (reasons: { why: object } | null | undefined, key: string): string | undefined =>
  reasons ? (reasons.why as Record<string, string | undefined>)[key] : undefined;

/**
 * How many previews the approvals page renders at once (the first ones, on screen when it paints); the others render
 * as they near the screen or are opened — thirty e-mail frames at once made the page slow to load and to hydrate.
 */
export const EAGER_PREVIEWS = 2;

/** The keys whose previews render at once: the first `EAGER_PREVIEWS` in page order, and the one the URL asks to show. */
export function eagerPreviews(items: readonly { key: string }[], show: string | null = null): Set<string> {
  const keys = new Set(items.slice(0, EAGER_PREVIEWS).map((i) => i.key));
  if (show) keys.add(show);
  return keys;
}

/** One line saying what a preview not yet rendered holds (an e-mail's subject and audience, a post's network and start). */
export function previewSummary(p: Preview): string {
  if (p.kind === 'email') {
    const to = p.recipientCount === 0 ? 'no recipients yet' : `${p.recipientCount} recipient${p.recipientCount === 1 ? '' : 's'}`;
    return `E-mail “${p.subject || '(no subject)'}” to ${to}`;
  }
  if (p.kind === 'social') {
    const text = p.text.length > 80 ? `${p.text.slice(0, 79).trimEnd()}…` : p.text;
    return `Post on ${networkName(p.network)}: “${text}”`;
  }
  return p.fields.length ? p.fields.map((f) => f.label).join(', ') : 'No input.';
}

/** Whether an approval has expired at `now` (then it can no longer be approved: a run's step fails, a call is not made). */
export const approvalExpired = (expiresAt: string | null | undefined, now: number) =>
  typeof expiresAt === 'string' && !(Date.parse(expiresAt) > now);

/**
 * The held input with each tracked link (`<base>/r/<code>`) put back to the URL it redirects to (`links`, the host's
 * map of the held call's tracked links): the approver reads the links as the marketer wrote them, not the redirect
 * (which would record a click if followed). `tracked` counts the distinct links put back.
 */
export function untrackLinks(value: unknown, links: Readonly<Record<string, string>>): { value: unknown; tracked: number } {
  // longest first: a tracked address never stands for the start of another
  const pairs = Object.entries(links).sort((a, b) => b[0].length - a[0].length);
  if (pairs.length === 0) return { value, tracked: 0 };
  const seen = new Set<string>();
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      let out = v;
      for (const [from, to] of pairs)
        if (out.includes(from)) {
          seen.add(from);
          out = out.split(from).join(to);
        }
      return out;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  const out = walk(value);
  return { value: out, tracked: seen.size };
}
