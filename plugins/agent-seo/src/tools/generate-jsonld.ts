import { defineTool } from '@neonhub/sdk';
import { z } from 'zod';

const IsoDateSchema = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

const PersonSchema = z.object({
  name: z.string().trim().min(1).describe('The author name.'),
  url: z.url().optional().describe('A page about the author.'),
});

const input = z
  .object({
    type: z.enum(['Article', 'BlogPosting']).default('Article').describe('The schema.org type: Article or BlogPosting.'),
    headline: z.string().trim().min(1).max(110).describe('The headline; Google shows at most 110 characters.'),
    description: z.string().trim().min(1).optional().describe('A short summary of the article.'),
    author: z
      .union([z.string().trim().min(1), PersonSchema, z.array(z.union([z.string().trim().min(1), PersonSchema])).min(1)])
      .describe('The author: a name, { name, url }, or a list of them.'),
    datePublished: IsoDateSchema.describe('ISO 8601 date (2025-03-01) or date-time with offset (2025-03-01T09:00:00Z).'),
    dateModified: IsoDateSchema.optional().describe('ISO 8601 date or date-time of the last change; not before datePublished.'),
    image: z
      .union([z.url(), z.array(z.url()).min(1)])
      .optional()
      .describe('Image URL(s) of the article.'),
    url: z.url().optional().describe('The canonical URL of the article.'),
    publisher: z
      .object({ name: z.string().trim().min(1).describe('The organization name.'), logo: z.url().optional().describe('URL of its logo.') })
      .optional()
      .describe('The organization that publishes the article.'),
  })
  .refine((v) => v.dateModified === undefined || Date.parse(v.dateModified) >= Date.parse(v.datePublished), {
    message: 'dateModified is before datePublished',
    path: ['dateModified'],
  });

const output = z.object({
  jsonld: z.record(z.string(), z.unknown()),
  script: z.string(),
  warnings: z.array(z.string()),
});

const person = (a: string | z.infer<typeof PersonSchema>) =>
  typeof a === 'string' ? { '@type': 'Person', name: a } : { '@type': 'Person', name: a.name, ...(a.url ? { url: a.url } : {}) };

/**
 * JSON for inside a `<script>` element: `<`, `>` and `&` as \u escapes so `</script>` or `<!--` in a
 * value cannot end the element, and U+2028/U+2029 escaped for old JavaScript parsers. Still valid JSON.
 */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value, null, 2)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export const generateJsonld = defineTool({
  name: 'generate_jsonld',
  description:
    'Builds schema.org Article or BlogPosting JSON-LD for a page from its headline, author and dates (validated: headline ≤ 110 characters, ISO 8601 dates), and returns the object and a ready <script type="application/ld+json"> tag.',
  sideEffect: 'none',
  input,
  output,
  run(a) {
    const authors = Array.isArray(a.author) ? a.author.map(person) : person(a.author);
    const jsonld: Record<string, unknown> = {
      '@context': 'https://schema.org',
      '@type': a.type,
      headline: a.headline,
      ...(a.description ? { description: a.description } : {}),
      ...(a.image ? { image: a.image } : {}),
      author: authors,
      datePublished: a.datePublished,
      dateModified: a.dateModified ?? a.datePublished,
      ...(a.url ? { url: a.url, mainEntityOfPage: { '@type': 'WebPage', '@id': a.url } } : {}),
      ...(a.publisher
        ? {
            publisher: {
              '@type': 'Organization',
              name: a.publisher.name,
              ...(a.publisher.logo ? { logo: { '@type': 'ImageObject', url: a.publisher.logo } } : {}),
            },
          }
        : {}),
    };
    const warnings: string[] = [];
    if (!a.image) warnings.push('no image: Google recommends at least one image for article rich results');
    if (!a.dateModified) warnings.push('no dateModified: datePublished was used');
    if (!a.url) warnings.push('no url: mainEntityOfPage is omitted');
    return { jsonld, script: `<script type="application/ld+json">\n${scriptSafeJson(jsonld)}\n</script>`, warnings };
  },
});
