import { describe, expect, it } from 'vitest';
import { setup } from '../../test/helpers.js';
import { readEntries } from '../log.js';

describe('record_event', () => {
  it('appends admin and approval events with the actor, chained after tool calls', async () => {
    const { harness, store } = setup();
    await harness.hook('afterToolCall', {});
    const r = await harness.call('record_event', { kind: 'admin.plugin_enabled', data: { plugin: 'agent-seo', by: 'console' } });
    expect(r).toMatchObject({ seq: 2, hash: expect.stringMatching(/^[0-9a-f]{64}$/), checkpoint: null });
    await harness.call('record_event', { kind: 'approval.granted', data: { approvalId: 'a-1' } });
    const entries = (await readEntries(store)) as Array<{ kind: string; data: Record<string, unknown> }>;
    expect(entries[1]).toMatchObject({ kind: 'admin.plugin_enabled', data: { actor: { id: 'alice' }, details: { plugin: 'agent-seo' } } });
    expect(entries[2]!.kind).toBe('approval.granted');
    expect(await harness.call('verify', {})).toMatchObject({ ok: true, count: 3 });
  });

  it('refuses kinds the plugin writes itself', async () => {
    const { harness } = setup();
    for (const kind of ['tool_call', 'artifact.recorded', 'checkpoint.signed'])
      await expect(harness.call('record_event', { kind, data: {} })).rejects.toMatchObject({ code: 'NH_DATA_TRUST_KIND_RESERVED' });
  });

  it('refuses data the database cannot store', async () => {
    const { harness } = setup();
    await expect(harness.call('record_event', { kind: 'admin.x', data: { s: 'a\u0000b' } })).rejects.toMatchObject({
      code: 'NH_DATA_TRUST_DATA_INVALID',
    });
    await expect(harness.call('record_event', { kind: 'admin.x', data: { s: '\ud800' } })).rejects.toMatchObject({
      code: 'NH_DATA_TRUST_DATA_INVALID',
    });
  });

  it('validates the kind', async () => {
    const { harness } = setup();
    await expect(harness.call('record_event', { kind: 'Admin Changed', data: {} })).rejects.toMatchObject({ code: 'NH_SDK_INPUT_INVALID' });
  });
});
