import { SideEffectSchema } from '@neonhub/schemas';
import { z } from 'zod';

/** `plugin:tool`, `plugin:*` or `*`; `*` matches any run of characters (`connector-*:send`). */
export const ToolPatternSchema = z
  .string()
  .regex(/^(\*|[a-z0-9*][a-z0-9*-]*:[a-zA-Z0-9_*-]+)$/, 'a tool pattern looks like plugin:tool, plugin:* or * (with * as a wildcard)');

/** RFC 6901 JSON Pointer: '' (the whole input) or '/a/0/b'. */
export const JsonPointerSchema = z.string().regex(/^(\/([^~]|~[01])*)*$/, 'a JSON Pointer looks like /to or /message/recipients');

export const ChannelSchema = z.enum(['email', 'sms']);
export type Channel = z.infer<typeof ChannelSchema>;

export const PiiModeSchema = z.enum(['deny', 'allow']);

const PriceSchema = z.strictObject({
  inputPer1M: z.number().min(0).describe('USD per million input tokens'),
  outputPer1M: z.number().min(0).describe('USD per million output tokens'),
});
export type Price = z.infer<typeof PriceSchema>;

export const DisclosureRuleSchema = z.strictObject({
  tools: z.array(ToolPatternSchema).min(1).describe('Tools the rule applies to'),
  text: z.string().trim().min(1).describe('Text the content must contain, as a whole word or phrase (e.g. "Unsubscribe", "#ad")'),
  caseSensitive: z.boolean().default(false),
  /** Applies only when the input value at `path` equals `equals` (e.g. `{ path: '/sponsored', equals: true }`). */
  when: z
    .strictObject({
      path: JsonPointerSchema,
      equals: z.union([z.string(), z.number(), z.boolean(), z.null()]),
    })
    .optional(),
});
export type DisclosureRule = z.infer<typeof DisclosureRuleSchema>;

export const ChannelSendSchema = z.strictObject({
  tool: ToolPatternSchema.describe('The tool that sends to contacts (e.g. connector-email-sandbox:send)'),
  channel: ChannelSchema,
  recipientPath: JsonPointerSchema.describe('Where the recipient is in the input: a string or an array of strings'),
});
export type ChannelSend = z.infer<typeof ChannelSendSchema>;

const FrequencyCapSchema = z.strictObject({
  max: z.number().int().min(1).describe('Sends allowed per contact in the window'),
  windowHours: z.number().min(1).max(744).default(24).describe('Rolling window, in hours (at most 31 days)'),
});

/** A workspace's governance policy. Every field has a default: `{}` is a valid policy (approve every external call). */
export const PolicySchema = z
  .strictObject({
    deny: z.array(ToolPatternSchema).default([]).describe('Tools (plugin:tool) or plugins (plugin:*) never allowed'),
    requireApproval: z
      .strictObject({
        sideEffects: z.array(SideEffectSchema).default(['external']).describe('Side effects that need a person to approve'),
        tools: z.array(ToolPatternSchema).default([]).describe('Tools that need approval whatever their side effect'),
        exceptTools: z.array(ToolPatternSchema).default([]).describe('Tools exempt from the side-effect rule'),
        ttlHours: z.number().min(1).max(2160).default(72).describe('Hours before a pending approval expires'),
      })
      .default({ sideEffects: ['external'], tools: [], exceptTools: [], ttlHours: 72 }),
    contentTools: z
      .array(ToolPatternSchema)
      .default([])
      .describe('Tools whose input is checked by the content rules besides every external call'),
    content: z
      .strictObject({
        bannedPhrases: z.array(z.string().trim().min(1)).default([]),
        disclosures: z.array(DisclosureRuleSchema).default([]),
        pii: z
          .strictObject({
            email: PiiModeSchema.default('allow'),
            phone: PiiModeSchema.default('allow'),
            card: PiiModeSchema.default('deny'),
            phoneRegion: z
              .string()
              .regex(/^[A-Z]{2}$/)
              .default('US')
              .describe('Region for phone numbers written without a country code (ISO 3166-1 alpha-2)'),
          })
          .default({ email: 'allow', phone: 'allow', card: 'deny', phoneRegion: 'US' }),
        ignorePaths: z.array(JsonPointerSchema).default([]).describe('Input values not checked as content (e.g. /from)'),
      })
      .default({
        bannedPhrases: [],
        disclosures: [],
        pii: { email: 'allow', phone: 'allow', card: 'deny', phoneRegion: 'US' },
        ignorePaths: [],
      }),
    consent: z
      .strictObject({
        sends: z.array(ChannelSendSchema).default([]),
        frequencyCaps: z.strictObject({ email: FrequencyCapSchema.optional(), sms: FrequencyCapSchema.optional() }).default({}),
      })
      .default({ sends: [], frequencyCaps: {} }),
    budget: z
      .strictObject({
        tokensPerDay: z.number().int().min(1).optional(),
        costUsdPerDay: z.number().positive().optional(),
        /** `provider/model` (or `provider/*`) -> price; the most expensive model a call used prices it. */
        prices: z.record(z.string().min(1), PriceSchema).default({ 'offline/*': { inputPer1M: 0, outputPer1M: 0 } }),
        defaultPrice: PriceSchema.default({ inputPer1M: 5, outputPer1M: 15 }),
        exemptTools: z.array(ToolPatternSchema).default([]),
      })
      .default({
        prices: { 'offline/*': { inputPer1M: 0, outputPer1M: 0 } },
        defaultPrice: { inputPer1M: 5, outputPer1M: 15 },
        exemptTools: [],
      }),
    decisions: z.strictObject({ recordAllows: z.boolean().default(true) }).default({ recordAllows: true }),
  })
  .superRefine((p, ctx) => {
    const seen = new Set<string>();
    p.consent.sends.forEach((s, i) => {
      if (seen.has(s.tool)) ctx.addIssue({ code: 'custom', path: ['consent', 'sends', i, 'tool'], message: `${s.tool} is listed twice` });
      seen.add(s.tool);
    });
  });

export type Policy = z.output<typeof PolicySchema>;
export type PolicyInput = z.input<typeof PolicySchema>;

/** The policy in force before any set_policy: approval for every external call, nothing else. */
export const defaultPolicy = (): Policy => PolicySchema.parse({});
