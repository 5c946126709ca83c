import { z } from 'zod';

/** `twitter` is accepted as another name for `x`. */
export const NetworkInputSchema = z.enum(['x', 'twitter', 'linkedin', 'instagram', 'facebook']);
export const NetworkSchema = z.enum(['x', 'linkedin', 'instagram', 'facebook']);
export type Network = z.infer<typeof NetworkSchema>;

export const normalizeNetwork = (n: z.infer<typeof NetworkInputSchema>): Network => (n === 'twitter' ? 'x' : n);

export interface NetworkRules {
  /** Longest post, in the network's own count. */
  maxLength: number;
  /** Hard cap on hashtags, when the network has one. */
  maxHashtags?: number;
  /** Hashtags above this are allowed but a warning says they hurt reach. */
  recommendedHashtags: number;
  /** Every URL counts as this many characters (x wraps links in t.co). */
  urlLength?: number;
  /** Links in the text are not clickable (instagram captions). */
  linksClickable: boolean;
}

export const RULES: Record<Network, NetworkRules> = {
  x: { maxLength: 280, urlLength: 23, recommendedHashtags: 2, linksClickable: true },
  linkedin: { maxLength: 3000, recommendedHashtags: 5, linksClickable: true },
  instagram: { maxLength: 2200, maxHashtags: 30, recommendedHashtags: 30, linksClickable: false },
  facebook: { maxLength: 63_206, recommendedHashtags: 3, linksClickable: true },
};
