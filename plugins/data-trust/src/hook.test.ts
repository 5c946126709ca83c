import { createMemoryStore, type PluginStore } from '@neonhub/sdk';
import { describe, expect, it } from 'vitest';
import { setup } from '../test/helpers.js';
import { buildChain } from './core/entry.js';
import { MerkleAccumulator } from './core/merkle.js';
import { ENTRIES, entryKey, HEADS, readCheckpoints, readEntries, readHead } from './log.js';

describe('afterToolCall audit hook', () => {
  it('appends one tool_call entry per call with hashes, never the raw input or output', async () => {
    const { harness, store } = setup();
    await harness.hook('afterToolCall', {
      tool: 'connector-email-sandbox:send',
      plugin: 'connector-email-sandbox',
      input: { to: 'jane.doe@example.com', apiKey: 'sk-live-SECRET' },
      output: { messageId: 'm-1', body: 'Hi Jane' },
      status: 'ok',
      durationMs: 12.3456789,
      sideEffect: 'external',
    });
    await harness.hook('afterToolCall', {
      tool: 'governance:check',
      status: 'denied',
      error: { code: 'NH_TOOL_DENIED', message: 'no consent for jane.doe@example.com' },
    });
    const entries = (await readEntries(store)) as Array<{ seq: number; kind: string; data: Record<string, unknown> }>;
    expect(entries.map((e) => [e.seq, e.kind])).toEqual([
      [1, 'tool_call'],
      [2, 'tool_call'],
    ]);
    expect(entries[0]!.data).toMatchObject({
      tool: 'connector-email-sandbox:send',
      status: 'ok',
      durationMs: 12.346,
      sideEffect: 'external',
      inputHash: expect.stringMatching(/^hmac-sha256:[0-9a-f]{64}$/),
      outputHash: expect.stringMatching(/^hmac-sha256:[0-9a-f]{64}$/),
      actor: { type: 'user', id: 'alice' },
    });
    expect(entries[1]!.data).toMatchObject({ status: 'denied', errorCode: 'NH_TOOL_DENIED' });
    expect(entries[1]!.data).not.toHaveProperty('outputHash');
    const stored = JSON.stringify(await store.list(ENTRIES));
    for (const secret of ['jane.doe', 'SECRET', 'Hi Jane', 'no consent']) expect(stored).not.toContain(secret);
  });

  it('hashes the same input the same way within a workspace (key order does not matter) and differently in another', async () => {
    const a = setup();
    const b = setup();
    await a.harness.hook('afterToolCall', { input: { x: 1, y: 'z' } });
    await a.harness.hook('afterToolCall', { input: { y: 'z', x: 1 } });
    await b.harness.hook('afterToolCall', { input: { x: 1, y: 'z' } });
    const [e1, e2] = (await readEntries(a.store)) as Array<{ data: { inputHash: string } }>;
    const [f1] = (await readEntries(b.store)) as Array<{ data: { inputHash: string } }>;
    expect(e1!.data.inputHash).toBe(e2!.data.inputHash);
    expect(f1!.data.inputHash).not.toBe(e1!.data.inputHash);
  });

  it('records LLM usage and the approval being executed', async () => {
    const { harness, store } = setup();
    await harness.hook('afterToolCall', {
      approvalId: 'appr-9',
      llmUsage: { calls: 2, inputTokens: 10, outputTokens: 5, totalTokens: 15, models: ['openai/gpt-4o-mini'], offline: false },
    });
    const [e] = (await readEntries(store)) as Array<{ data: Record<string, unknown> }>;
    expect(e!.data).toMatchObject({
      approvalId: 'appr-9',
      llm: { calls: 2, totalTokens: 15, models: ['openai/gpt-4o-mini'], offline: false },
    });
  });

  it('signs a checkpoint automatically every checkpointEvery entries', async () => {
    const { harness, store } = setup({ config: { checkpointEvery: 5 } });
    for (let i = 0; i < 12; i++) await harness.hook('afterToolCall', {});
    const cps = (await readCheckpoints(store)) as Array<{ treeSize: number }>;
    expect(cps.map((c) => c.treeSize)).toEqual([5, 10]);
    expect(await harness.call('verify', {})).toMatchObject({ ok: true, count: 12, checkpointsVerified: 2, signaturesVerified: true });
  });

  it('keeps one gap-free chain under 60 concurrent calls', async () => {
    const { harness } = setup();
    await Promise.all(Array.from({ length: 60 }, (_, i) => harness.hook('afterToolCall', { input: { i } })));
    expect(await harness.call('verify', {})).toMatchObject({ ok: true, count: 60 });
  });

  it('commits concurrent calls in groups (few inserts, each acknowledged once durable), checkpoints included', async () => {
    const base = createMemoryStore();
    let inserts = 0;
    const otherWrites: string[] = [];
    const store: PluginStore = {
      ...base,
      insertAll: (c, r) => {
        inserts++;
        return base.insertAll(c, r);
      },
      put: (c, k, v) => (otherWrites.push(`${c}/${k}`), base.put(c, k, v)),
      putIf: (c, k, v, expected) => {
        if (c !== 'audit-checkpoints' && k !== 'signing-key' && k !== 'hash-key') otherWrites.push(`${c}/${k}`);
        return base.putIf(c, k, v, expected);
      },
    };
    const { harness } = setup({ store, config: { checkpointEvery: 10 } });
    await Promise.all(Array.from({ length: 100 }, (_, i) => harness.hook('afterToolCall', { input: { i } })));
    expect(inserts).toBeGreaterThan(0);
    expect(inserts).toBeLessThan(20);
    // each group's head row goes in with its entries: no separate write of a head (one round trip per group)
    expect(otherWrites).toEqual([]);
    expect((await base.list(HEADS)).length).toBe(inserts);
    expect((await readHead(store)).seq).toBe(100);
    expect(((await readCheckpoints(store)) as Array<{ treeSize: number }>).map((c) => c.treeSize)).toEqual([
      10, 20, 30, 40, 50, 60, 70, 80, 90, 100,
    ]);
    expect(await harness.call('verify', {})).toMatchObject({ ok: true, count: 100, checkpointsVerified: 10 });
  });

  it('prunes the head rows before the newest in batches, and a deleted tail is still caught', async () => {
    const { harness, store } = setup({ config: { checkpointEvery: 1000 } });
    for (let i = 0; i < 300; i++) await harness.hook('afterToolCall', { input: { i } });
    // sequential calls: one group, one head row each; after 256 of them the older ones were deleted in one go
    const heads = await store.list<{ seq: number }>(HEADS);
    expect(heads.map((h) => h.value.seq)).toEqual(Array.from({ length: 45 }, (_, i) => 256 + i));
    expect((await readHead(store)).seq).toBe(300);
    expect(await harness.call('verify', {})).toMatchObject({ ok: true, count: 300 });
    await store.delete(ENTRIES, entryKey(300));
    expect(await harness.call('verify', {})).toMatchObject({ ok: false, problem: 'deleted', seq: 300 });
  });

  it('continues a chain written before head rows (its head one record, updated in place): old entries verify', async () => {
    const store = createMemoryStore();
    // the layout before head rows: entries, and the head in audit-meta/head, updated with each group
    const old = buildChain(5, (seq) => ({ at: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(), kind: 'tool_call', data: { seq } }));
    const acc = new MerkleAccumulator();
    for (const e of old) {
      acc.push(e.hash);
      await store.put(ENTRIES, entryKey(e.seq), e);
    }
    await store.put('audit-meta', 'head', { seq: 5, hash: old[4]!.hash, merkle: acc.toJSON() });
    const { harness } = setup({ store, config: { checkpointEvery: 7 } });
    expect(await harness.call('verify', {})).toMatchObject({ ok: true, count: 5 });
    // the old head record still catches a deleted tail
    await store.delete(ENTRIES, entryKey(5));
    expect(await harness.call('verify', {})).toMatchObject({ ok: false, problem: 'deleted', seq: 5 });
    await store.put(ENTRIES, entryKey(5), old[4]);
    for (let i = 0; i < 3; i++) await harness.hook('afterToolCall', { input: { i } });
    expect((await readHead(store)).seq).toBe(8);
    // the checkpoint at 7 covers the old entries too: the Merkle range was carried on from the old head
    expect(await harness.call('verify', {})).toMatchObject({ ok: true, count: 8, checkpointsVerified: 1, signaturesVerified: true });
    await store.delete(ENTRIES, entryKey(8));
    expect(await harness.call('verify', {})).toMatchObject({ ok: false, problem: 'deleted', seq: 8 });
  });

  it('a failed group write rejects its appends (the call sees it) and the next append starts from the stored chain', async () => {
    const base = createMemoryStore();
    let fail = false;
    const store = {
      ...base,
      insertAll: (c: string, r: Parameters<PluginStore['insertAll']>[1]) =>
        fail ? Promise.reject(new Error('database unavailable')) : base.insertAll(c, r),
    };
    const { harness } = setup({ store });
    await harness.hook('afterToolCall', {});
    fail = true;
    await expect(harness.hook('afterToolCall', {})).rejects.toThrow('database unavailable');
    fail = false;
    await harness.hook('afterToolCall', {});
    expect(await harness.call('verify', {})).toMatchObject({ ok: true, count: 2 });
  });

  it('two plugin instances (two processes) writing one workspace store interleave into one valid chain', async () => {
    const store = createMemoryStore();
    const a = setup({ store, workspaceId: 'ws-shared' });
    const b = setup({ store, workspaceId: 'ws-shared' });
    await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).harness.hook('afterToolCall', { input: { i } })));
    const entries = (await readEntries(store)) as Array<{ seq: number }>;
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(await a.harness.call('verify', {})).toMatchObject({ ok: true, count: 40 });
  });
});
