import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createHostAudit, readHostAudit } from './host-audit.js';

const dir = mkdtempSync(join(tmpdir(), 'nh-host-audit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the host audit log', () => {
  it('chains entries (also across instances and concurrent appends) and names the first edited one', async () => {
    const file = join(dir, 'audit', 'host.jsonl');
    const audit = createHostAudit(file);
    await Promise.all([audit.append('a.one', { n: 1 }), audit.append('a.two', { n: 2 })]);
    await createHostAudit(file).append('a.three', { n: 3 });
    const read = await readHostAudit(file);
    expect(read.broken).toBeUndefined();
    expect(read.entries.map((e) => [e.seq, e.kind])).toEqual([
      [1, 'a.one'],
      [2, 'a.two'],
      [3, 'a.three'],
    ]);
    writeFileSync(file, readFileSync(file, 'utf8').replace('"n":2', '"n":20'));
    expect((await readHostAudit(file)).broken).toBe(2);
  });
});
