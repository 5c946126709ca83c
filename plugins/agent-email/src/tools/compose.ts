import { randomUUID } from 'node:crypto';
import { ContentIdSchema, PromptVariantIdSchema } from '@neonhub/schemas';
import { defineTool } from '@neonhub/sdk';
import { z } from 'zod';
import { fieldsOf } from '../merge.js';
import { RecipientSchema, TEMPLATES, type Template } from '../model.js';
import { renderFor } from '../render.js';

const input = z.object({
  name: z.string().trim().min(1).max(200).optional().describe('A name for the template (defaults to the subject).'),
  subject: z.string().trim().min(1).max(998).describe('Subject line; may use merge fields such as {{first_name}}.'),
  body: z
    .string()
    .min(1)
    .max(200_000)
    .describe('Body template with merge fields: {{first_name}}, or {{first_name | there}} with an inline fallback.'),
  format: z.enum(['text', 'html']).default('text').describe('text or html; in html, merged values are HTML-escaped.'),
  defaults: z
    .record(z.string(), z.string())
    .default({})
    .describe('Fallback value per merge field for recipients that lack it, e.g. { first_name: "there" }.'),
  recipients: z.array(RecipientSchema).max(1000).default([]).describe('Recipients to preview the personalization for (up to 1000).'),
  previewLimit: z.number().int().min(0).max(50).default(5).describe('How many per-recipient previews to return (default 5).'),
  contentId: ContentIdSchema.optional().describe(
    "The draft the body came from (e.g. agent-content's draftId): every send of the template carries it into the results.",
  ),
  promptVariant: PromptVariantIdSchema.optional().describe(
    'The prompt variant that wrote that draft, carried with it (the draft prompt is scored by what it earns).',
  ),
});

const output = z.object({
  templateId: z.string(),
  /** Merge fields the subject and body use, in first-use order. */
  fields: z.array(z.string()),
  /** Fields with neither an inline fallback nor a default: every recipient must bring them. */
  requiredFields: z.array(z.string()),
  previews: z.array(z.object({ email: z.string(), subject: z.string(), body: z.string(), missingFields: z.array(z.string()) })),
  /** Recipients that lack a required field (all of them, not just the previewed ones). */
  missing: z.array(z.object({ email: z.string(), fields: z.array(z.string()) })),
  /** True when every recipient has every field. */
  ready: z.boolean(),
});

const INLINE_FALLBACK = /\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\|\s*[^}\s][^}]*\}\}/g;

export const compose = defineTool({
  name: 'compose',
  description:
    'Composes an e-mail template with merge fields ({{first_name}}, {{first_name | fallback}}, defaults), stores it, and previews the personalization per recipient, reporting every recipient that lacks a field.',
  sideEffect: 'write',
  input,
  output,
  async run(a, ctx) {
    const fields = fieldsOf(a.subject, a.body);
    const withFallback = new Set([...`${a.subject}\n${a.body}`.matchAll(INLINE_FALLBACK)].map((m) => m[1]!));
    const template: Template = {
      templateId: `tpl_${randomUUID()}`,
      name: a.name ?? a.subject,
      subject: a.subject,
      body: a.body,
      format: a.format,
      defaults: a.defaults,
      fields,
      createdAt: new Date().toISOString(),
      ...(a.contentId ? { contentId: a.contentId } : {}),
      ...(a.promptVariant ? { promptVariant: a.promptVariant } : {}),
    };
    await ctx.store.put(TEMPLATES, template.templateId, template);
    const rendered = a.recipients.map((r) => renderFor(template, r));
    const missing = rendered.filter((r) => r.missingFields.length > 0).map((r) => ({ email: r.email, fields: r.missingFields }));
    return {
      templateId: template.templateId,
      fields,
      requiredFields: fields.filter((f) => f !== 'email' && !withFallback.has(f) && a.defaults[f] === undefined),
      previews: rendered.slice(0, a.previewLimit),
      missing,
      ready: missing.length === 0,
    };
  },
});
