import { describe, expect, it } from 'vitest';
import { chunkDocument, splitMarkdownSections } from '../src/chunking.js';

const para = (word: string, n: number) => Array.from({ length: n }, (_, i) => `${word} sentence number ${i} says something.`).join(' ');

describe('splitMarkdownSections', () => {
  it('tracks the heading path and pops it at a same or higher level', () => {
    const md = ['# Guide', 'intro', '## Tone', 'warm', '### Email', 'short', '## Words', 'plain', '# Other', 'x'].join('\n\n');
    expect(splitMarkdownSections(md)).toEqual([
      { headingPath: ['Guide'], body: 'intro' },
      { headingPath: ['Guide', 'Tone'], body: 'warm' },
      { headingPath: ['Guide', 'Tone', 'Email'], body: 'short' },
      { headingPath: ['Guide', 'Words'], body: 'plain' },
      { headingPath: ['Other'], body: 'x' },
    ]);
  });

  it('does not treat # lines inside fenced code as headings', () => {
    const md = '# Setup\n\n```bash\n# install it\nnpm i\n```\n\nafter';
    const sections = splitMarkdownSections(md);
    expect(sections).toHaveLength(1);
    expect(sections[0]!.headingPath).toEqual(['Setup']);
    expect(sections[0]!.body).toContain('# install it');
  });
});

describe('chunkDocument', () => {
  it('keeps small sections whole, one chunk per section, with the heading path', () => {
    const chunks = chunkDocument('# A\n\none\n\n## B\n\ntwo', 'markdown');
    expect(chunks.map((c) => [c.ord, c.text, c.headingPath])).toEqual([
      [0, 'one', ['A']],
      [1, 'two', ['A', 'B']],
    ]);
  });

  it('packs long sections into ~800-char chunks that overlap', () => {
    const body = Array.from({ length: 30 }, (_, i) => para(`p${i}`, 3)).join('\n\n');
    const chunks = chunkDocument(`# Long\n\n${body}`, 'markdown');
    expect(chunks.length).toBeGreaterThan(2);
    for (const c of chunks) {
      expect(c.headingPath).toEqual(['Long']);
      expect(c.text.length).toBeLessThanOrEqual(800 + 120 + 2);
    }
    // every chunk after the first starts with text that ended the one before
    for (let i = 1; i < chunks.length; i++) {
      const head = chunks[i]!.text.split('\n\n')[0]!;
      expect(chunks[i - 1]!.text.endsWith(head)).toBe(true);
    }
    // nothing is lost: every paragraph is in some chunk
    for (let i = 0; i < 30; i++) expect(chunks.some((c) => c.text.includes(`p${i} sentence number 2`))).toBe(true);
  });

  it('splits an over-long paragraph at sentence ends', () => {
    const chunks = chunkDocument(para('w', 60), 'text', { targetChars: 300, overlapChars: 0 });
    expect(chunks.length).toBeGreaterThan(5);
    for (const c of chunks) {
      expect(c.text.length).toBeLessThanOrEqual(300);
      expect(c.text.endsWith('.')).toBe(true);
      expect(c.headingPath).toEqual([]);
    }
  });

  it('treats text format as one section even when it has # lines', () => {
    const chunks = chunkDocument('# not a heading\n\nbody', 'text');
    expect(chunks).toEqual([{ ord: 0, text: '# not a heading\n\nbody', headingPath: [] }]);
  });

  it('indexes a Markdown document made only of headings instead of dropping it', () => {
    expect(chunkDocument('# Title\n## Sub', 'markdown')).toEqual([{ ord: 0, text: '# Title\n## Sub', headingPath: [] }]);
    expect(chunkDocument('   \n\n ', 'markdown')).toEqual([]);
  });
});
