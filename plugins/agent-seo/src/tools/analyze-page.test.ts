import { createHarness } from '@neonhub/sdk/testing';
import { describe, expect, it } from 'vitest';
import plugin from '../index.js';
import { analyzePage } from './analyze-page.js';

const harness = createHarness(plugin);
const analyze = (input: unknown) => harness.run(analyzePage, input);
const codes = (r: { issues: Array<{ code: string }> }) => r.issues.map((i) => i.code);

describe('analyze_page on plain text', () => {
  // Counted by hand: 4 sentences, 20 words, 34 syllables
  // (6 + 6 + read·a·bil·i·ty 5 + for·mu·las 3 + es·ti·mate 3 + dif·fi·cul·ty 4 + short 1 + sen·ten·ces 3 + help 1 + read·ers 2).
  // Flesch = 206.835 − 1.015·(20/4) − 84.6·(34/20) = 57.94; Flesch–Kincaid = 0.39·5 + 11.8·1.7 − 15.59 = 6.42.
  const text =
    'The cat sat on the mat. The dog ran to the park.\n\nReadability formulas estimate difficulty. Short sentences help readers.';

  it('computes Flesch reading ease and Flesch–Kincaid grade as counted by hand', async () => {
    const r = await analyze({ text });
    expect(r.counts).toMatchObject({ words: 20, sentences: 4, syllables: 34 });
    expect(r.readability.fleschReadingEase).toBeCloseTo(57.94, 0);
    expect(r.readability.fleschKincaidGrade).toBeCloseTo(6.42, 0);
    expect(r.readability.avgWordsPerSentence).toBe(5);
    expect(r.headings).toBeNull();
  });

  it('scores a one-syllable sentence as very easy (116.1) and a polysyllabic one as very hard', async () => {
    const easy = await analyze({ text: 'The cat sat on the mat.' });
    expect(easy.readability.fleschReadingEase).toBeCloseTo(116.145, 0);
    expect(easy.readability.fleschKincaidGrade).toBeCloseTo(-1.45, 0);
    const hard = await analyze({
      text: 'Interdisciplinary collaboration necessitates organizational accountability, institutional flexibility and considerable communicative sophistication.',
    });
    expect(hard.readability.fleschReadingEase).toBeLessThan(0);
    expect(hard.readability.fleschKincaidGrade).toBeGreaterThan(20);
    expect(codes(hard)).toContain('readability_low');
  });

  it('counts keyword density per 100 words for words and multi-word phrases, case-insensitively', async () => {
    const r = await analyze({ text, keywords: ['cat', 'THE PARK', 'zebra'] });
    expect(r.keywords.map((k) => [k.keyword, k.occurrences, k.densityPer100Words])).toEqual([
      ['cat', 1, 5],
      ['THE PARK', 1, 5],
      ['zebra', 0, 0],
    ]);
    expect(codes(r)).toEqual(expect.arrayContaining(['keyword_stuffing', 'keyword_missing', 'content_thin', 'title_missing']));
  });

  it('does not split sentences after abbreviations such as Dr. and e.g.', async () => {
    const r = await analyze({ text: 'Dr. Smith wrote it. Use short words, e.g. plain ones.' });
    expect(r.counts.sentences).toBe(2);
  });

  it('judges title (30–60) and meta description (70–160) lengths', async () => {
    const ok = await analyze({
      text,
      title: 'How to read a page: readability formulas explained',
      metaDescription: 'Learn what Flesch reading ease means, how it is computed and how short sentences make your page easier to read.',
    });
    expect(ok.title).toMatchObject({ length: 50, verdict: 'ok' });
    expect(ok.metaDescription.verdict).toBe('ok');
    const bad = await analyze({ text, title: 'Cats', metaDescription: 'x'.repeat(161) });
    expect(bad.title.verdict).toBe('too_short');
    expect(bad.metaDescription).toMatchObject({ length: 161, verdict: 'too_long' });
    expect(codes(bad)).toEqual(expect.arrayContaining(['title_too_short', 'meta_description_too_long']));
  });
});

describe('analyze_page on HTML', () => {
  const html = `<!doctype html><html><head>
    <title>Running shoes: how to pick a pair that fits</title>
    <meta name="description" content="Short guide.">
    <script>var tracking = "running shoes running shoes";</script><style>h1 { color: red }</style>
  </head><body>
    <h1>Running shoes</h1>
    <h3>Fit</h3><p>Running shoes should fit well. Try them on in the evening.</p>
    <h2>Care</h2><p>Let them <b>dry</b> slowly.</p>
    <h1>Another title</h1>
  </body></html>`;

  it('reads title, meta description and the heading outline, and flags h1 and skipped levels', async () => {
    const r = await analyze({ html, keywords: ['running shoes'], url: 'https://shop.example/guides/running-shoes' });
    expect(r.source).toBe('html');
    expect(r.title).toMatchObject({ text: 'Running shoes: how to pick a pair that fits', verdict: 'ok' });
    expect(r.metaDescription).toMatchObject({ text: 'Short guide.', verdict: 'too_short' });
    expect(r.headings).toEqual({
      h1Count: 2,
      skippedLevels: [{ from: 1, to: 3, text: 'Fit' }],
      outline: [
        { level: 1, text: 'Running shoes' },
        { level: 3, text: 'Fit' },
        { level: 2, text: 'Care' },
        { level: 1, text: 'Another title' },
      ],
    });
    expect(codes(r)).toEqual(expect.arrayContaining(['h1_multiple', 'heading_level_skipped']));
    // script and style text are not copy: only the h1 and the first paragraph mention the keyword
    expect(r.keywords[0]).toMatchObject({ occurrences: 2, inTitle: true, inH1: true, inUrl: true, inMetaDescription: false });
    // blocks are sentences: 4 headings + 3 sentences in paragraphs
    expect(r.counts.sentences).toBe(7);
  });

  it('reports a missing h1', async () => {
    const r = await analyze({ html: '<h2>Only a subtitle</h2><p>Some text here.</p>' });
    expect(r.headings?.h1Count).toBe(0);
    expect(codes(r)).toContain('h1_missing');
  });

  it('rejects input with neither or both of text and html', async () => {
    await expect(analyze({})).rejects.toMatchObject({ code: 'NH_SDK_INPUT_INVALID' });
    await expect(analyze({ text: 'a', html: '<p>a</p>' })).rejects.toMatchObject({ code: 'NH_SDK_INPUT_INVALID' });
  });
});
