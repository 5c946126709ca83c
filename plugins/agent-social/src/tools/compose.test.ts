import { createHarness } from '@neonhub/sdk/testing';
import { describe, expect, it } from 'vitest';
import { weightedLength } from '../compose-post.js';
import plugin from '../index.js';
import { compose } from './compose.js';

const h = createHarness(plugin);
const run = (input: unknown) => h.run(compose, input);
const longUrl = `https://shop.example.com/spring-sale?utm_source=x&utm_campaign=${'a'.repeat(80)}`;

describe('compose', () => {
  it('counts each URL as 23 characters on x', async () => {
    expect(weightedLength(`Sale ${longUrl}`, 23)).toBe(5 + 23);
    const r = await run({ network: 'twitter', text: `Spring sale starts now ${longUrl}` });
    expect(r).toMatchObject({ network: 'x', length: 23 + 23, maxLength: 280, trimmed: false, valid: true, links: [longUrl] });
  });

  it('trims the text at a word boundary on x, keeping the link and hashtags whole', async () => {
    const text = 'Our biggest spring sale ever brings thirty percent off every pair of trail running shoes, '.repeat(5).trim();
    const r = await run({ network: 'x', text, link: longUrl, hashtags: ['SpringSale', '#trail'] });
    expect(r.trimmed).toBe(true);
    expect(r.length).toBeLessThanOrEqual(280);
    expect(r.length).toBeGreaterThan(250);
    expect(r.post.endsWith(`…\n\n${longUrl} #SpringSale #trail`)).toBe(true);
    expect(r.hashtags).toEqual(['#SpringSale', '#trail']);
    expect(r.warnings.map((w) => w.code)).toEqual(['trimmed']);
    const body = r.post.split('\n\n')[0]!;
    expect(text.startsWith(body.slice(0, -1))).toBe(true);
    expect(body.at(-2)).not.toBe(' ');
  });

  it('keeps at most 30 hashtags on instagram and warns that links are not clickable', async () => {
    const tags = Array.from({ length: 35 }, (_, i) => `tag${i}`);
    const r = await run({ network: 'instagram', text: 'New colours are in. https://shop.example.com', hashtags: tags });
    expect(r.hashtags).toHaveLength(30);
    expect(r.hashtags.at(-1)).toBe('#tag29');
    expect(r.warnings.map((w) => w.code)).toEqual(['hashtags_over_limit', 'link_not_clickable']);
    expect(r.valid).toBe(true);
  });

  it('drops invalid hashtags, skips duplicates of tags already in the text, and flags digit-only tags', async () => {
    const r = await run({
      network: 'linkedin',
      text: 'We are hiring #Remote and #2024',
      hashtags: ['remote', 'two words', '#ok_tag', '!!'],
    });
    expect(r.hashtags).toEqual(['#Remote', '#2024', '#ok_tag']);
    expect(r.post).toBe('We are hiring #Remote and #2024\n\n#ok_tag');
    expect(r.warnings.map((w) => w.code)).toEqual(['hashtag_invalid', 'hashtag_invalid', 'hashtag_invalid']);
  });

  it('applies 3000 on linkedin and 63206 on facebook', async () => {
    const text = 'word '.repeat(700).trim();
    const li = await run({ network: 'linkedin', text });
    expect(li.length).toBeLessThanOrEqual(3000);
    expect(li.trimmed).toBe(true);
    const fb = await run({ network: 'facebook', text });
    expect(fb).toMatchObject({ trimmed: false, length: 3499, maxLength: 63_206 });
  });

  it('warns about many hashtags on x', async () => {
    const r = await run({ network: 'x', text: 'Hello', hashtags: ['a1', 'b2', 'c3'] });
    expect(r.warnings.map((w) => w.code)).toEqual(['hashtags_many']);
  });
});
