import { describe, expect, it } from 'vitest';
import { setup } from '../../test/helpers.js';
import { sha256Hex } from '../core/entry.js';
import { ENTRIES, entryKey, readEntries } from '../log.js';

const draft = 'Spring sale: 30% off every trail running shoe until Sunday.';
const lineage = {
  tools: ['agent-content:draft_post', 'agent-seo:meta_description'],
  prompts: [{ id: 'social-post', version: '3' }],
  model: 'openai/gpt-4o-mini',
  memoryEntries: ['mem-brand-voice', 'mem-spring-offer'],
};

describe('content provenance', () => {
  it('round-trips: record, get, verify the same bytes', async () => {
    const { harness, store } = setup();
    const rec = await harness.call('record_artifact', { artifactId: 'post-1', kind: 'social_post', content: draft, ...lineage });
    expect(rec).toMatchObject({
      artifactId: 'post-1',
      version: 1,
      contentHash: sha256Hex(draft),
      size: Buffer.byteLength(draft),
      created: true,
    });
    const prov = await harness.call('get_provenance', { artifactId: 'post-1' });
    expect(prov).toMatchObject({
      artifactId: 'post-1',
      version: 1,
      versions: 1,
      kind: 'social_post',
      contentHash: sha256Hex(draft),
      lineage,
      recordedBy: { type: 'user', id: 'alice' },
      audit: { intact: true },
    });
    expect(await harness.call('verify_artifact', { content: draft })).toMatchObject({
      match: true,
      matches: [{ artifactId: 'post-1', version: 1, latest: true }],
    });
    expect(await harness.call('verify_artifact', { content: `${draft} ` })).toMatchObject({ match: false, matches: [] });
    const [entry] = (await readEntries(store)) as Array<{ kind: string; data: Record<string, unknown> }>;
    expect(entry).toMatchObject({ kind: 'artifact.recorded', data: { artifactId: 'post-1', contentHash: sha256Hex(draft), lineage } });
    expect(JSON.stringify(entry)).not.toContain('trail running');
  });

  it('a retry records nothing new; new content adds a version; old content still matches, not as latest', async () => {
    const { harness } = setup();
    await harness.call('record_artifact', { artifactId: 'post-1', kind: 'social_post', content: draft, ...lineage });
    expect(await harness.call('record_artifact', { artifactId: 'post-1', kind: 'social_post', content: draft, ...lineage })).toMatchObject({
      version: 1,
      created: false,
    });
    const edited = draft.replace('30%', '40%');
    expect(await harness.call('record_artifact', { artifactId: 'post-1', kind: 'social_post', content: edited, ...lineage })).toMatchObject(
      { version: 2, created: true },
    );
    expect(await harness.call('get_provenance', { artifactId: 'post-1' })).toMatchObject({ version: 2, versions: 2 });
    expect(await harness.call('get_provenance', { artifactId: 'post-1', version: 1 })).toMatchObject({
      version: 1,
      contentHash: sha256Hex(draft),
    });
    expect(await harness.call('verify_artifact', { content: draft, artifactId: 'post-1' })).toMatchObject({
      match: true,
      matches: [{ version: 1, latest: false }],
    });
    expect(await harness.call('verify_artifact', { content: draft, artifactId: 'post-2' })).toMatchObject({ match: false });
  });

  it('binary content by base64', async () => {
    const { harness } = setup();
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]).toString('base64');
    const r = (await harness.call('record_artifact', { artifactId: 'img-1', kind: 'image', content: png, encoding: 'base64' })) as {
      contentHash: string;
      size: number;
    };
    expect(r.size).toBe(8);
    expect(await harness.call('verify_artifact', { content: png, encoding: 'base64' })).toMatchObject({ match: true });
    expect(await harness.call('get_provenance', { artifactId: 'img-1' })).toMatchObject({
      lineage: { tools: [], prompts: [], model: null, memoryEntries: [] },
    });
  });

  it('says when the audit entry behind a provenance record was tampered with', async () => {
    const { harness, store } = setup();
    const { auditSeq } = (await harness.call('record_artifact', {
      artifactId: 'post-1',
      kind: 'social_post',
      content: draft,
      ...lineage,
    })) as { auditSeq: number };
    const rec = await store.get<{ data: Record<string, unknown> }>(ENTRIES, entryKey(auditSeq));
    await store.put(ENTRIES, entryKey(auditSeq), { ...rec!.value, data: { ...rec!.value.data, model: 'someone-else' } });
    expect(await harness.call('get_provenance', { artifactId: 'post-1' })).toMatchObject({ audit: { intact: false } });
  });

  it('an unknown artifact is NH_DATA_TRUST_ARTIFACT_NOT_FOUND', async () => {
    const { harness } = setup();
    await expect(harness.call('get_provenance', { artifactId: 'nope' })).rejects.toMatchObject({
      code: 'NH_DATA_TRUST_ARTIFACT_NOT_FOUND',
      status: 404,
    });
  });
});
