import { describe, expect, it } from 'vitest';
import { setup } from '../../test/helpers.js';
import { type ExportedChain, verifyExport } from '../core/export-format.js';
import { ENTRIES, entryKey } from '../log.js';

describe('export_chain', () => {
  it('exports entries, checkpoints and the key; the export verifies offline as an object and as JSON Lines', async () => {
    const { harness, workspace } = setup({ config: { checkpointEvery: 4 } });
    for (let i = 0; i < 10; i++) await harness.hook('afterToolCall', {});
    const obj = (await harness.call('export_chain', {})) as { export: ExportedChain; count: number };
    expect(obj.count).toBe(10);
    expect(obj.export).toMatchObject({ workspaceId: workspace.id, workspaceSlug: 'acme', count: 10 });
    expect(obj.export.checkpoints).toHaveLength(2);
    expect(verifyExport(obj.export)).toMatchObject({ ok: true, count: 10, checkpointsVerified: 2, keySource: 'export' });
    const lines = (await harness.call('export_chain', { encoding: 'jsonl' })) as { jsonl: string };
    const pinned = obj.export.publicKey!.publicKeyPem;
    expect(verifyExport(lines.jsonl, { publicKey: pinned })).toMatchObject({ ok: true, count: 10, keySource: 'pinned' });
  });

  it('exports tampered entries as they are, so the outside verifier names them', async () => {
    const { harness, store } = setup();
    for (let i = 0; i < 5; i++) await harness.hook('afterToolCall', {});
    await store.put(ENTRIES, entryKey(3), { broken: true });
    const obj = (await harness.call('export_chain', {})) as { export: ExportedChain };
    expect(verifyExport(obj.export)).toMatchObject({ ok: false, problem: 'edited', seq: 3 });
  });
});
