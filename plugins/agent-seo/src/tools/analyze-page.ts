import { defineTool } from '@neonhub/sdk';
import { z } from 'zod';
import { extractPage, type Heading } from '../html.js';
import { readabilityOf } from '../readability.js';
import { charLength, countPhrase, round, splitSentences, tokens } from '../text.js';

export const TITLE_RANGE = { min: 30, max: 60 } as const;
export const META_RANGE = { min: 70, max: 160 } as const;
/** Below this many words a page rarely ranks for anything. */
export const MIN_WORDS = 300;
/** Occurrences per 100 words above which a keyword reads as stuffed. */
export const MAX_DENSITY = 3;

const LengthVerdictSchema = z.enum(['missing', 'too_short', 'ok', 'too_long']);
const IssueSchema = z.object({
  code: z.string(),
  severity: z.enum(['error', 'warning', 'info']),
  message: z.string(),
});
export type Issue = z.infer<typeof IssueSchema>;

const input = z
  .object({
    text: z.string().optional().describe('The page copy as plain text; blank lines separate paragraphs. Give text or html, not both.'),
    html: z
      .string()
      .optional()
      .describe('The page as HTML; its <title>, meta description and h1–h6 outline are read too. Give text or html, not both.'),
    title: z.string().optional().describe('The page title (overrides the HTML <title>).'),
    metaDescription: z.string().optional().describe('The meta description (overrides the HTML <meta name="description">).'),
    keywords: z.array(z.string().trim().min(1)).max(50).default([]).describe('Focus keywords or phrases to measure density for.'),
    url: z.url().optional().describe('The page URL, checked for length and keyword presence.'),
  })
  .refine((v) => (v.text === undefined) !== (v.html === undefined), { message: 'give exactly one of text or html' });

const output = z.object({
  source: z.enum(['text', 'html']),
  counts: z.object({ words: z.number(), sentences: z.number(), syllables: z.number(), characters: z.number() }),
  readability: z.object({
    fleschReadingEase: z.number(),
    fleschKincaidGrade: z.number(),
    avgWordsPerSentence: z.number(),
    avgSyllablesPerWord: z.number(),
    readingTimeMinutes: z.number(),
  }),
  keywords: z.array(
    z.object({
      keyword: z.string(),
      occurrences: z.number(),
      densityPer100Words: z.number(),
      inTitle: z.boolean(),
      inMetaDescription: z.boolean(),
      inH1: z.boolean().nullable(),
      inUrl: z.boolean().nullable(),
    }),
  ),
  title: z.object({
    text: z.string().nullable(),
    length: z.number(),
    verdict: LengthVerdictSchema,
    range: z.object({ min: z.number(), max: z.number() }),
  }),
  metaDescription: z.object({
    text: z.string().nullable(),
    length: z.number(),
    verdict: LengthVerdictSchema,
    range: z.object({ min: z.number(), max: z.number() }),
  }),
  headings: z
    .object({
      h1Count: z.number(),
      skippedLevels: z.array(z.object({ from: z.number(), to: z.number(), text: z.string() })),
      outline: z.array(z.object({ level: z.number(), text: z.string() })),
    })
    .nullable(),
  issues: z.array(IssueSchema),
});

function verdict(text: string | undefined, range: { min: number; max: number }): z.infer<typeof LengthVerdictSchema> {
  if (text === undefined || text.trim() === '') return 'missing';
  const n = charLength(text);
  return n < range.min ? 'too_short' : n > range.max ? 'too_long' : 'ok';
}

function headingReport(headings: Heading[]) {
  const skippedLevels: Array<{ from: number; to: number; text: string }> = [];
  headings.forEach((h, i) => {
    const prev = headings[i - 1];
    if (prev && h.level > prev.level + 1) skippedLevels.push({ from: prev.level, to: h.level, text: h.text });
  });
  return { h1Count: headings.filter((h) => h.level === 1).length, skippedLevels, outline: headings };
}

const contains = (haystack: string | undefined, phrase: string[]) => haystack !== undefined && countPhrase(tokens(haystack), phrase) > 0;

export const analyzePage = defineTool({
  name: 'analyze_page',
  description:
    'Audits a page for on-page SEO without an LLM: Flesch reading ease and Flesch–Kincaid grade, word and sentence counts, keyword density per keyword or phrase, title and meta description length, the h1–h6 outline, and a list of issues to fix.',
  sideEffect: 'none',
  input,
  output,
  run(args) {
    const page = args.html !== undefined ? extractPage(args.html) : undefined;
    const body = page ? page.text : (args.text ?? '');
    const sentences = splitSentences(body, page ? 'lines' : 'blank-lines');
    const r = readabilityOf(sentences);
    const title = args.title ?? page?.title;
    const meta = args.metaDescription ?? page?.metaDescription;
    const bodyTokens = sentences.flatMap((s) => tokens(s));
    const h1Text = page?.headings
      .filter((h) => h.level === 1)
      .map((h) => h.text)
      .join(' ');
    const urlText = args.url ? decodeURIComponent(new URL(args.url).pathname).replace(/[-_/.]+/g, ' ') : undefined;
    const issues: Issue[] = [];

    const keywords = args.keywords.map((keyword) => {
      const phrase = tokens(keyword);
      const occurrences = countPhrase(bodyTokens, phrase);
      const density = r.words === 0 ? 0 : (occurrences / r.words) * 100;
      if (occurrences === 0)
        issues.push({ code: 'keyword_missing', severity: 'warning', message: `"${keyword}" does not occur in the copy` });
      else if (density > MAX_DENSITY)
        issues.push({
          code: 'keyword_stuffing',
          severity: 'warning',
          message: `"${keyword}" occurs ${round(density, 2)} times per 100 words (over ${MAX_DENSITY}): it reads as stuffed`,
        });
      const inTitle = contains(title, phrase);
      if (!inTitle && title)
        issues.push({ code: 'keyword_not_in_title', severity: 'info', message: `the title does not contain "${keyword}"` });
      return {
        keyword,
        occurrences,
        densityPer100Words: round(density, 2),
        inTitle,
        inMetaDescription: contains(meta, phrase),
        inH1: page ? contains(h1Text, phrase) : null,
        inUrl: urlText === undefined ? null : contains(urlText, phrase),
      };
    });

    if (r.words === 0) issues.push({ code: 'content_empty', severity: 'error', message: 'the page has no readable text' });
    else if (r.words < MIN_WORDS)
      issues.push({ code: 'content_thin', severity: 'warning', message: `${r.words} words: pages under ${MIN_WORDS} words rarely rank` });
    if (r.words > 0 && r.fleschReadingEase < 50)
      issues.push({
        code: 'readability_low',
        severity: 'warning',
        message: `Flesch reading ease ${round(r.fleschReadingEase)} (below 50 is hard to read): use shorter sentences and simpler words`,
      });
    if (r.avgWordsPerSentence > 25)
      issues.push({
        code: 'sentences_long',
        severity: 'info',
        message: `sentences average ${round(r.avgWordsPerSentence)} words (aim for under 20)`,
      });

    const titleVerdict = verdict(title, TITLE_RANGE);
    const metaVerdict = verdict(meta, META_RANGE);
    const lengthIssue = (
      what: string,
      code: string,
      v: typeof titleVerdict,
      text: string | undefined,
      range: { min: number; max: number },
    ) => {
      if (v === 'missing') issues.push({ code: `${code}_missing`, severity: 'error', message: `the page has no ${what}` });
      else if (v !== 'ok')
        issues.push({
          code: `${code}_${v}`,
          severity: 'warning',
          message: `the ${what} has ${charLength(text ?? '')} characters; aim for ${range.min}–${range.max}`,
        });
    };
    lengthIssue('title', 'title', titleVerdict, title, TITLE_RANGE);
    lengthIssue('meta description', 'meta_description', metaVerdict, meta, META_RANGE);

    const headings = page ? headingReport(page.headings) : null;
    if (headings) {
      if (headings.h1Count === 0) issues.push({ code: 'h1_missing', severity: 'error', message: 'the page has no h1' });
      if (headings.h1Count > 1)
        issues.push({ code: 'h1_multiple', severity: 'warning', message: `the page has ${headings.h1Count} h1 headings; keep one` });
      for (const s of headings.skippedLevels)
        issues.push({
          code: 'heading_level_skipped',
          severity: 'warning',
          message: `h${s.from} is followed by h${s.to} ("${s.text}"): do not skip levels`,
        });
    }
    if (args.url && charLength(args.url) > 100)
      issues.push({
        code: 'url_long',
        severity: 'info',
        message: `the URL has ${charLength(args.url)} characters; shorter URLs are easier to share`,
      });

    return {
      source: page ? ('html' as const) : ('text' as const),
      counts: { words: r.words, sentences: r.sentences, syllables: r.syllables, characters: charLength(sentences.join(' ')) },
      readability: {
        fleschReadingEase: round(r.fleschReadingEase),
        fleschKincaidGrade: round(r.fleschKincaidGrade),
        avgWordsPerSentence: round(r.avgWordsPerSentence),
        avgSyllablesPerWord: round(r.avgSyllablesPerWord, 2),
        readingTimeMinutes: round(r.words / 238),
      },
      keywords,
      title: { text: title ?? null, length: charLength(title ?? ''), verdict: titleVerdict, range: { ...TITLE_RANGE } },
      metaDescription: { text: meta ?? null, length: charLength(meta ?? ''), verdict: metaVerdict, range: { ...META_RANGE } },
      headings,
      issues,
    };
  },
});
