import { defineTool } from '@neonhub/sdk';
import { z } from 'zod';
import { findMentions } from '../mentions.js';

const CompetitorInput = z.union([
  z.string().trim().min(1).max(100),
  z.object({
    name: z.string().trim().min(1).max(100).describe('The competitor’s name.'),
    aliases: z.array(z.string().trim().min(1).max(100)).max(20).default([]).describe('Other names it goes by (products, handles).'),
  }),
]);

const input = z.object({
  texts: z.array(z.string().max(100_000)).min(1).max(10_000).describe('The texts to search: reviews, posts, tickets, transcripts.'),
  competitors: z.array(CompetitorInput).min(1).max(100).describe('Competitors: names, or { name, aliases } objects.'),
  contextChars: z.number().int().min(0).max(500).default(60).describe('Characters of context kept on each side of a mention (default 60).'),
  maxMentions: z.number().int().min(0).max(1000).default(20).describe('Most mentions returned per competitor (counts include all).'),
});

export const competitorMentions = defineTool({
  name: 'competitor_mentions',
  description:
    'Counts mentions of competitor names (and aliases) in a list of texts, case-insensitively on word boundaries, and returns each mention with its surrounding context; competitors are ranked by mentions.',
  sideEffect: 'none',
  input,
  output: z.object({
    competitors: z.array(
      z.object({
        name: z.string(),
        count: z.number(),
        /** How many texts mention it at least once. */
        texts: z.number(),
        /** Share of all texts that mention it. */
        share: z.number(),
        mentions: z.array(z.object({ textIndex: z.number(), match: z.string(), offset: z.number(), context: z.string() })),
      }),
    ),
    totalMentions: z.number(),
    textsSearched: z.number(),
  }),
  run(a) {
    const competitors = a.competitors.map((c) => (typeof c === 'string' ? { name: c, aliases: [] } : c));
    const rows = competitors.map((c) => {
      const mentions = findMentions(a.texts, c, a.contextChars);
      const texts = new Set(mentions.map((m) => m.textIndex)).size;
      return { name: c.name, count: mentions.length, texts, share: texts / a.texts.length, mentions: mentions.slice(0, a.maxMentions) };
    });
    rows.sort((x, y) => y.count - x.count || x.name.localeCompare(y.name));
    return { competitors: rows, totalMentions: rows.reduce((s, r) => s + r.count, 0), textsSearched: a.texts.length };
  },
});
