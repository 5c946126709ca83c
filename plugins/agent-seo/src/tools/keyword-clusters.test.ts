import { createHarness } from '@neonhub/sdk/testing';
import { describe, expect, it } from 'vitest';
import plugin from '../index.js';
import { keywordClusters, stemsOf } from './keyword-clusters.js';

const harness = createHarness(plugin);
const cluster = (input: unknown) => harness.run(keywordClusters, input);

const keywords = [
  'running shoes',
  'best running shoes',
  'Running Shoe',
  'running tips',
  'marathon training',
  'marathon training plan',
  'shoes for running',
  'trail run',
  'Running shoes',
];

describe('keyword_clusters', () => {
  it('stems words and drops stopwords', () => {
    expect(stemsOf('Best Running Shoes for women')).toEqual(['run', 'shoe', 'women']);
  });

  it('groups keywords that share most of their stems, and reports duplicates', async () => {
    const r = await cluster({ keywords });
    expect(r.clusters).toEqual([
      {
        label: 'Running Shoe',
        stems: ['run', 'shoe'],
        keywords: ['running shoes', 'best running shoes', 'Running Shoe', 'shoes for running'],
      },
      { label: 'marathon training', stems: ['marathon', 'train'], keywords: ['marathon training', 'marathon training plan'] },
      { label: 'running tips', stems: ['run', 'tip'], keywords: ['running tips'] },
      { label: 'trail run', stems: ['run', 'trail'], keywords: ['trail run'] },
    ]);
    expect(r.duplicates).toEqual(['Running shoes']);
  });

  it('is deterministic and, up to which spelling of a duplicate is kept, independent of input order', async () => {
    const shape = (r: { clusters: Array<{ label: string; keywords: string[] }> }) =>
      r.clusters.map((c) => [c.label, c.keywords.map((k) => k.toLowerCase()).sort()]);
    const a = await cluster({ keywords });
    expect(shape(await cluster({ keywords }))).toEqual(shape(a));
    const b = await cluster({ keywords: [...keywords].reverse() });
    expect(b.duplicates).toEqual(['running shoes']);
    expect(shape(b)).toEqual(shape(a));
  });

  it('merges more at a lower similarity threshold', async () => {
    const r = await cluster({ keywords, minSimilarity: 0.3 });
    const run = r.clusters.find((c) => c.keywords.includes('running shoes'))!;
    expect(run.keywords).toEqual(expect.arrayContaining(['running tips', 'trail run']));
    expect(run.stems).toEqual(['run']);
  });
});
