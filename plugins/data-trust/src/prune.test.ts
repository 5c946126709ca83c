import { createMemoryStore, type PluginStore } from '@neonhub/sdk';
import { describe, expect, it } from 'vitest';
import { setup } from '../test/helpers.js';
import { ENTRIES, HEADS, readHead } from './log.js';

/**
 * Head rows are pruned after a group is acknowledged, inside the drain loop: also when the append queue never empties
 * (a busy workspace), not only when it goes idle. Each group commit here starts the next appends before its insert
 * runs, so every time the loop looks, appends are waiting.
 */
describe('audit head pruning under a queue that never empties', () => {
  it('keeps the head rows bounded across 600 groups of a steady stream, and the chain verifies', async () => {
    const GROUPS = 600;
    const base = createMemoryStore();
    let groups = 0;
    let maxHeads = 0;
    let queuedBehind = 0;
    const inFlight: Promise<unknown>[] = [];
    let pending = 0;
    let append: (i: number) => Promise<unknown>;
    const track = (p: Promise<unknown>) => {
      pending++;
      inFlight.push(p.finally(() => pending--));
    };
    const store: PluginStore = {
      ...base,
      insertAll: async (c, records) => {
        if (c === ENTRIES) {
          groups++;
          maxHeads = Math.max(maxHeads, await base.count(HEADS));
          // the stream: two more calls arrive while this group is being written
          if (groups < GROUPS) for (let k = 0; k < 2; k++) track(append(groups * 2 + k));
          await new Promise((r) => setImmediate(r)); // the insert's round trip
          const ok = await base.insertAll(c, records);
          // as the group is acknowledged, the calls that arrived meanwhile are waiting: the drain loop goes on
          if (pending > records.length - 1) queuedBehind++;
          return ok;
        }
        return base.insertAll(c, records);
      },
    };
    const { harness } = setup({ store, config: { checkpointEvery: 100_000 } });
    append = (i) => harness.hook('afterToolCall', { input: { i } });
    track(append(-1));
    // every append settles (the stream stops itself after GROUPS groups)
    while (inFlight.length > 0) await Promise.all(inFlight.splice(0));

    expect(groups).toBeGreaterThanOrEqual(GROUPS);
    // calls were queued behind every group but the last (two arrived while each was written)
    expect(queuedBehind).toBe(GROUPS - 1);
    const total = await base.count(ENTRIES);
    expect(total).toBe(1 + 2 * (GROUPS - 1));
    // pruned as it went: at most the 256 head rows since the last prune, and the newest after the stream
    expect(maxHeads).toBeLessThanOrEqual(256);
    expect(await base.count(HEADS)).toBeLessThanOrEqual(256);
    expect((await readHead(store)).seq).toBe(total);
    expect(await harness.call('verify', {})).toMatchObject({ ok: true, count: total });
  }, 60_000);
});
