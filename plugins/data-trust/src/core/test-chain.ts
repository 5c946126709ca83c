import { type AuditEntry, buildChain, createEntry } from './entry.js';

/** Deterministic PRNG (mulberry32) for picking tamper positions reproducibly. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const T0 = Date.parse('2026-11-25T09:00:00Z');

/** A realistic in-memory chain of tool-call entries. */
export function sampleChain(count: number): AuditEntry[] {
  return buildChain(count, (seq) => ({
    at: new Date(T0 + seq * 1000).toISOString(),
    kind: seq % 10 === 0 ? 'approval.granted' : 'tool_call',
    data: {
      callId: `call-${seq}`,
      tool: seq % 2 ? 'agent-seo:analyze_page' : 'connector-email-sandbox:send',
      actor: { type: 'user', id: `u${seq % 7}` },
      status: 'ok',
      durationMs: seq / 7,
      inputHash: `hmac-sha256:${seq.toString(16).padStart(64, '0')}`,
    },
  }));
}

/** A well-formed entry that is not part of the chain (self-consistent hash, bogus link). */
export function forgedEntry(seq: number, prevHash: string): AuditEntry {
  return createEntry({ seq: seq - 1, hash: prevHash }, { at: '2026-11-25T12:00:00.000Z', kind: 'tool_call', data: { forged: true } });
}
