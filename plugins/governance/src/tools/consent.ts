import { defineTool } from '@neonhub/sdk';
import { z } from 'zod';
import { ConsentRecordSchema, ConsentStatusSchema, consentHistory, getConsent, normalizeContact, recordConsent } from '../consent.js';
import { ChannelSchema } from '../policy/schema.js';
import { currentPolicy } from '../policy/store.js';
import { requireAdmin } from '../roles.js';
import type { GovDeps } from '../store-util.js';

const contact = z.string().trim().min(3).max(320).describe('The contact: an e-mail address, or a phone number for sms');
const channel = ChannelSchema.describe('The channel: email or sms');

export const recordConsentTool = (deps: GovDeps) =>
  defineTool({
    name: 'record_consent',
    description:
      'Records that a contact granted or withdrew (revoked, opt_out) consent to be contacted on a channel. The latest event by time wins. Granting needs an owner or admin; anyone may record an opt-out.',
    sideEffect: 'write',
    input: z.object({
      contact,
      channel,
      status: ConsentStatusSchema.describe('granted, revoked or opt_out (revoked and opt_out both stop sends)'),
      source: z.string().trim().min(1).max(200).describe('Where the consent came from (signup form, import, unsubscribe link, ...)'),
      at: z.iso.datetime({ offset: true }).optional().describe('When the contact gave or withdrew consent (default: now)'),
    }),
    output: z.object({ consent: ConsentRecordSchema, applied: z.boolean() }),
    run: async (input, ctx) => {
      if (input.status === 'granted') requireAdmin(ctx.actor, 'record_consent (granted)');
      const { policy } = await currentPolicy(ctx.store);
      const now = deps.now();
      return recordConsent(ctx.store, {
        contact: normalizeContact(input.channel, input.contact, policy.content.pii.phoneRegion),
        channel: input.channel,
        status: input.status,
        source: input.source,
        at: (input.at ? new Date(input.at) : now).toISOString(),
        recordedBy: ctx.actor,
        recordedAt: now.toISOString(),
      }).then(({ state, applied }) => ({ consent: state, applied }));
    },
  });

export const getConsentTool = () =>
  defineTool({
    name: 'get_consent',
    description:
      'Returns whether a contact may be sent to on a channel: the consent in force (or none) and, on request, every consent event recorded for it.',
    sideEffect: 'read',
    input: z.object({
      contact,
      channel,
      history: z.boolean().default(false).describe('Also return every recorded consent event, oldest first'),
    }),
    output: z.object({
      contact: z.string(),
      channel: ChannelSchema,
      allowed: z.boolean(),
      consent: ConsentRecordSchema.nullable(),
      history: z.array(ConsentRecordSchema).optional(),
    }),
    run: async (input, ctx) => {
      const { policy } = await currentPolicy(ctx.store);
      const normalized = normalizeContact(input.channel, input.contact, policy.content.pii.phoneRegion);
      const consent = (await getConsent(ctx.store, input.channel, normalized)) ?? null;
      return {
        contact: normalized,
        channel: input.channel,
        allowed: consent?.status === 'granted',
        consent,
        ...(input.history ? { history: await consentHistory(ctx.store, input.channel, normalized, 1000) } : {}),
      };
    },
  });
