import { describe, expect, it } from 'vitest';
import { setup } from '../../test/helpers.js';
import { CHECKPOINTS, ENTRIES, entryKey } from '../log.js';

async function loggedWorkspace(count: number, config: Record<string, unknown> = {}) {
  const s = setup({ config });
  for (let i = 0; i < count; i++) await s.harness.hook('afterToolCall', { input: { i } });
  return s;
}

describe('verify tool over the store', () => {
  it('reports ok with the count, head and the stored key', async () => {
    const { harness } = await loggedWorkspace(30, { checkpointEvery: 10 });
    expect(await harness.call('verify', {})).toMatchObject({
      ok: true,
      count: 30,
      checkpointsVerified: 3,
      signaturesVerified: true,
      keySource: 'store',
    });
  });

  it('names an entry edited in the database', async () => {
    const { harness, store } = await loggedWorkspace(30);
    const rec = await store.get<{ data: Record<string, unknown> }>(ENTRIES, entryKey(17));
    await store.put(ENTRIES, entryKey(17), { ...rec!.value, data: { ...rec!.value.data, status: 'error' } });
    expect(await harness.call('verify', {})).toMatchObject({ ok: false, problem: 'edited', seq: 17 });
  });

  it('names a deleted entry, and a deleted tail', async () => {
    const a = await loggedWorkspace(30);
    await a.store.delete(ENTRIES, entryKey(9));
    expect(await a.harness.call('verify', {})).toMatchObject({ ok: false, problem: 'deleted', seq: 9 });
    const b = await loggedWorkspace(30);
    await b.store.delete(ENTRIES, entryKey(30));
    await b.store.delete(ENTRIES, entryKey(29));
    expect(await b.harness.call('verify', {})).toMatchObject({ ok: false, problem: 'deleted', seq: 29 });
  });

  it('names two entries whose records were swapped', async () => {
    const { harness, store } = await loggedWorkspace(30);
    const x = (await store.get(ENTRIES, entryKey(11)))!.value;
    const y = (await store.get(ENTRIES, entryKey(12)))!.value;
    await store.put(ENTRIES, entryKey(11), y);
    await store.put(ENTRIES, entryKey(12), x);
    expect(await harness.call('verify', {})).toMatchObject({ ok: false, problem: 'reordered', seq: 11 });
  });

  it('names an inserted record', async () => {
    const { harness, store } = await loggedWorkspace(30);
    await store.put(ENTRIES, `${entryKey(20)}a`, {
      seq: 21,
      prevHash: '0'.repeat(64),
      at: 'x',
      kind: 'tool_call',
      data: {},
      hash: '1'.repeat(64),
    });
    expect(await harness.call('verify', {})).toMatchObject({ ok: false, problem: 'inserted', index: 20 });
  });

  it('fails a forged checkpoint, and a pinned key that did not sign', async () => {
    const { harness, store } = await loggedWorkspace(20, { checkpointEvery: 10 });
    const pinned = (await harness.call('public_key', {})) as { publicKeyPem: string };
    expect(await harness.call('verify', { publicKeyPem: pinned.publicKeyPem })).toMatchObject({ ok: true, keySource: 'pinned' });
    const cp = (await store.get<{ rootHash: string }>(CHECKPOINTS, entryKey(10)))!.value;
    await store.put(CHECKPOINTS, entryKey(10), { ...cp, rootHash: 'f'.repeat(64) });
    expect(await harness.call('verify', { publicKeyPem: pinned.publicKeyPem })).toMatchObject({
      ok: false,
      problem: 'bad_signature',
      seq: 10,
    });
    const other = setup();
    const foreign = (await other.harness.call('public_key', {})) as { publicKeyPem: string };
    await store.put(CHECKPOINTS, entryKey(10), cp);
    expect(await harness.call('verify', { publicKeyPem: foreign.publicKeyPem })).toMatchObject({ ok: false, problem: 'bad_signature' });
  });

  it('rejects a public key that is not ed25519 PEM with NH_DATA_TRUST_KEY_INVALID', async () => {
    const { harness } = await loggedWorkspace(1);
    await expect(harness.call('verify', { publicKeyPem: 'not a key' })).rejects.toMatchObject({ code: 'NH_DATA_TRUST_KEY_INVALID' });
  });
});
