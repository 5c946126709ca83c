/**
 * Audit chain benchmark: `npx tsx bench/audit/run.ts [entries]` (default 100,000).
 * Builds a chain of realistic tool-call entries in memory, then verifies it with verifyChain (recomputed
 * entry hashes, seq and prevHash linkage, the RFC 6962 tree head, and one signed checkpoint per 1,000
 * entries), side by side with a baseline: plain sha256 over the same canonical JSON of each entry.
 * The ratio is the chain's overhead over hashing alone. Absolute figures swing between runs; compare
 * the ratio.
 */
import { createHash } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import {
  buildChain,
  type Checkpoint,
  canonicalJson,
  generateSigningKey,
  MerkleAccumulator,
  signCheckpoint,
  verifyChain,
} from '../../plugins/data-trust/src/chain.js';

const N = Number(process.argv[2] ?? 100_000);
const ROUNDS = 3;
const CHECKPOINT_EVERY = 1000;

const start = Date.parse('2026-11-25T00:00:00Z');
const tools = ['agent-seo:analyze_page', 'agent-email:draft_email', 'connector-email-sandbox:send', 'governance:check'];
const hex = (i: number, salt: string) => createHash('sha256').update(`${salt}${i}`).digest('hex');
const make = (seq: number) => ({
  at: new Date(start + seq * 37).toISOString(),
  kind: 'tool_call',
  data: {
    callId: `c${seq.toString(36).padStart(8, '0')}-4b1e-4c6a-9f55-${seq.toString(16).padStart(12, '0')}`,
    tool: tools[seq % tools.length]!,
    plugin: tools[seq % tools.length]!.split(':')[0]!,
    actor: { type: 'user', id: `user-${seq % 17}`, role: 'editor' },
    status: seq % 50 === 0 ? 'error' : 'ok',
    sideEffect: 'none',
    durationMs: Math.round((seq % 997) * 1.731 * 1000) / 1000,
    inputHash: `hmac-sha256:${hex(seq, 'in')}`,
    outputHash: `hmac-sha256:${hex(seq, 'out')}`,
    idempotencyKey: `run:r${seq % 311}:step-${seq % 7}`,
  },
});

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const rate = (count: number, millis: number) => Math.round((count / millis) * 1000);

let t0 = process.hrtime.bigint();
const entries = buildChain(N, make);
const buildMs = ms(t0);

const key = generateSigningKey();
const acc = new MerkleAccumulator();
const checkpoints: Checkpoint[] = [];
for (const e of entries) {
  acc.push(e.hash);
  if (e.seq % CHECKPOINT_EVERY === 0)
    checkpoints.push(
      signCheckpoint(
        {
          type: 'neonhub.audit.checkpoint.v1',
          workspaceId: 'bench',
          treeSize: e.seq,
          rootHash: acc.root(),
          headHash: e.hash,
          at: e.at,
          keyId: key.keyId,
        },
        key.privateKeyPem,
      ),
    );
}

function baseline(): number {
  let x = 0;
  for (const e of entries) {
    const { hash: _h, ...rest } = e;
    x ^= createHash('sha256').update(canonicalJson(rest)).digest()[0]!;
  }
  return x;
}

const results: Array<{ name: string; best: number }> = [];
function measure(name: string, fn: () => unknown) {
  fn(); // warm up
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < ROUNDS; r++) {
    t0 = process.hrtime.bigint();
    fn();
    best = Math.min(best, ms(t0));
  }
  results.push({ name, best });
}

measure('baseline: sha256(canonical JSON) per entry', baseline);
measure('verifyChain (entries only)', () => {
  const r = verifyChain(entries);
  if (!r.ok) throw new Error(`unexpected: ${r.message}`);
});
measure(`verifyChain + ${checkpoints.length} signed checkpoints`, () => {
  const r = verifyChain(entries, checkpoints, key.publicKeyPem);
  if (!r.ok || r.checkpointsVerified !== checkpoints.length) throw new Error('unexpected verify result');
});

const base = results[0]!.best;
console.log(
  `audit chain benchmark: ${N.toLocaleString('en')} entries, Node ${process.version}, best of ${ROUNDS}; ${availableParallelism()} CPUs, load average ${loadavg()[0]!.toFixed(1)}`,
);
console.log(`build (createEntry per entry): ${buildMs.toFixed(0)} ms = ${rate(N, buildMs).toLocaleString('en')} entries/s`);
console.log('');
console.log('| what | time (ms) | entries/s | vs baseline |');
console.log('|---|---:|---:|---:|');
for (const r of results)
  console.log(`| ${r.name} | ${r.best.toFixed(0)} | ${rate(N, r.best).toLocaleString('en')} | ${(r.best / base).toFixed(2)}x |`);
const verifyRate = rate(N, results[1]!.best);
console.log('');
console.log(`goal >= 50,000 entries/s for verifyChain: ${verifyRate >= 50_000 ? 'met' : 'NOT met'} (${verifyRate.toLocaleString('en')})`);
