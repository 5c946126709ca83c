import { z } from 'zod';

export const CategorySchema = z.enum(['billing', 'technical', 'account', 'feedback', 'other']);
export type Category = z.infer<typeof CategorySchema>;
export const PrioritySchema = z.enum(['low', 'normal', 'high', 'urgent']);
export type Priority = z.infer<typeof PrioritySchema>;
export const SentimentLabelSchema = z.enum(['negative', 'neutral', 'positive']);
export type SentimentLabel = z.infer<typeof SentimentLabelSchema>;

export const CustomerSchema = z.object({
  name: z.string().max(200).optional().describe('The customer’s name, used to greet them.'),
  vip: z.boolean().default(false).describe('Whether the customer is a VIP (key account, high plan).'),
  plan: z.string().max(100).optional().describe('The customer’s plan, e.g. "enterprise".'),
});

export const TriageSchema = z.object({
  sentiment: z.object({
    /** AFINN-165 sum over the words (negation-aware). */
    score: z.number(),
    /** score / number of words. */
    comparative: z.number(),
    label: SentimentLabelSchema,
    negativeWords: z.array(z.string()),
    positiveWords: z.array(z.string()),
  }),
  category: CategorySchema,
  /** The keywords that decided the category, per category. */
  categoryMatches: z.partialRecord(CategorySchema, z.array(z.string())),
  priority: PrioritySchema,
  priorityReasons: z.array(z.string()),
});
export type Triage = z.infer<typeof TriageSchema>;
