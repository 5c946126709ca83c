import { createHarness } from '@neonhub/sdk/testing';
import { parse } from 'node-html-parser';
import { describe, expect, it } from 'vitest';
import plugin from '../index.js';
import { generateJsonld } from './generate-jsonld.js';

const harness = createHarness(plugin);
const generate = (input: unknown) => harness.run(generateJsonld, input);

describe('generate_jsonld', () => {
  it('builds a complete BlogPosting', async () => {
    const r = await generate({
      type: 'BlogPosting',
      headline: 'Spring sale: trail running shoes 30% off',
      description: 'One week of savings on every trail shoe.',
      author: [{ name: 'Ada Lovelace', url: 'https://example.com/ada' }, 'Grace Hopper'],
      datePublished: '2025-03-01T09:00:00Z',
      dateModified: '2025-03-02',
      image: 'https://example.com/shoes.jpg',
      url: 'https://example.com/blog/spring-sale',
      publisher: { name: 'Example Outdoors', logo: 'https://example.com/logo.png' },
    });
    expect(r.jsonld).toEqual({
      '@context': 'https://schema.org',
      '@type': 'BlogPosting',
      headline: 'Spring sale: trail running shoes 30% off',
      description: 'One week of savings on every trail shoe.',
      image: 'https://example.com/shoes.jpg',
      author: [
        { '@type': 'Person', name: 'Ada Lovelace', url: 'https://example.com/ada' },
        { '@type': 'Person', name: 'Grace Hopper' },
      ],
      datePublished: '2025-03-01T09:00:00Z',
      dateModified: '2025-03-02',
      url: 'https://example.com/blog/spring-sale',
      mainEntityOfPage: { '@type': 'WebPage', '@id': 'https://example.com/blog/spring-sale' },
      publisher: {
        '@type': 'Organization',
        name: 'Example Outdoors',
        logo: { '@type': 'ImageObject', url: 'https://example.com/logo.png' },
      },
    });
    expect(r.warnings).toEqual([]);
  });

  it('makes a script tag that a hostile headline cannot break out of, and that parses back to the same object', async () => {
    const headline = 'Hello </script><script>alert(1)</script> \u2028 & <!-- x -->';
    const r = await generate({ headline, author: 'Ada', datePublished: '2025-03-01' });
    expect(r.script.startsWith('<script type="application/ld+json">')).toBe(true);
    expect(r.script.match(/<\/script>/gi)).toHaveLength(1);
    // inside the JSON body no raw <, >, & or U+2028 remain
    expect(r.script.slice(r.script.indexOf('\n'), r.script.lastIndexOf('\n'))).not.toMatch(/[<>&\u2028]/);
    const scripts = parse(`<div>${r.script}</div>`).querySelectorAll('script');
    expect(scripts).toHaveLength(1);
    expect(JSON.parse(scripts[0]!.rawText)).toEqual(r.jsonld);
    expect((r.jsonld as { headline: string }).headline).toBe(headline);
    expect(r.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/^no image/)]));
  });

  it('validates headline length and ISO dates', async () => {
    const base = { author: 'Ada', datePublished: '2025-03-01' };
    await expect(generate({ ...base, headline: 'x'.repeat(111) })).rejects.toMatchObject({ code: 'NH_SDK_INPUT_INVALID' });
    await expect(generate({ ...base, headline: 'ok', datePublished: '03/01/2025' })).rejects.toMatchObject({
      code: 'NH_SDK_INPUT_INVALID',
    });
    await expect(generate({ ...base, headline: 'ok', dateModified: '2025-02-01' })).rejects.toMatchObject({
      code: 'NH_SDK_INPUT_INVALID',
      details: { issues: [expect.objectContaining({ path: ['dateModified'] })] },
    });
    const r = await generate({ ...base, headline: 'x'.repeat(110) });
    expect((r.jsonld as { dateModified: string }).dateModified).toBe('2025-03-01');
  });
});
