import { z } from 'zod';

/** The contact properties imported, HubSpot's internal names. */
export const IMPORTED_PROPERTIES = [
  'email',
  'firstname',
  'lastname',
  'phone',
  'lifecyclestage',
  'hs_email_optout',
  'hs_legal_basis',
  'lastmodifieddate',
];

export const SubscriptionStatusSchema = z.object({
  subscriptionId: z.string(),
  name: z.string(),
  status: z.enum(['SUBSCRIBED', 'NOT_SUBSCRIBED']),
  legalBasis: z.string().nullable(),
});

export const ImportedContactSchema = z.object({
  id: z.string(),
  email: z.string().nullable(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  phone: z.string().nullable(),
  lifecycleStage: z.string().nullable(),
  /** HubSpot's hs_email_optout: the contact unsubscribed from all e-mail. */
  unsubscribedFromAll: z.boolean(),
  /** Consent as NeonHub's governance reads it: opted out of everything, or no subscription they are subscribed to. */
  consent: z.enum(['subscribed', 'unsubscribed', 'unknown']),
  /** Per subscription type (marketing newsletter, one-to-one...), from communication preferences v4. */
  subscriptions: z.array(SubscriptionStatusSchema),
  legalBasis: z.string().nullable(),
  updatedAt: z.string(),
});
export type ImportedContact = z.infer<typeof ImportedContactSchema>;
