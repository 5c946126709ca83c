import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { neonhubBin as bin } from '../cli-bin.js';
import { lockRoot, makeRoot, removeRoot, repoPlugin } from '../integration/helpers.js';

/**
 * `neonhub run` and `neonhub approve` end to end, as separate processes over one embedded database (the
 * in-process queue: each command runs the steps itself). Governance is not enabled, so the send step the
 * plan marks for approval is held by the orchestrator.
 */
const PLUGINS = ['agent-content', 'agent-email', 'connector-email-sandbox'];
let root: string;

/**
 * A hang guard, not a budget: each command is a Node process opening the embedded database (seconds of CPU); on the
 * loaded 2-core CI machine the four commands of the approve test took over 120 s.
 */
const CLI_GUARD_MS = 900_000;

function neonhub(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { REDIS_URL: _ignored, ...env } = process.env;
  const child = spawn(process.execPath, [bin, ...args], {
    env: { ...env, NEONHUB_ROOT: root, NEONHUB_DATA_DIR: '.neonhub', LOG_LEVEL: 'error', FORCE_COLOR: '0', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 300_000); // a hang guard, like CLI_GUARD_MS
  return new Promise((ok) =>
    child.once('close', (code) => {
      clearTimeout(timer);
      ok({ code, stdout, stderr });
    }),
  );
}

beforeAll(async () => {
  root = makeRoot(
    'runs-cli',
    PLUGINS.map((id) => ({ from: repoPlugin(id), link: true })),
  );
  await lockRoot(root);
  expect((await neonhub('workspace', 'create', 'acme')).code).toBe(0);
  for (const id of PLUGINS) expect((await neonhub('plugin', 'enable', id, '--workspace', 'acme')).code).toBe(0);
}, CLI_GUARD_MS);

afterAll(() => removeRoot(root));

describe('neonhub run / neonhub approve', () => {
  let runId: string;

  it(
    '`run` plans, runs up to the held send, exits 3 and prints the approve command',
    async () => {
      const r = await neonhub('run', 'announce our spring sale by email', '--workspace', 'acme', '--to', 'ada@example.com');
      expect(r.code, r.stderr).toBe(3);
      const out = `${r.stdout}\n${r.stderr}`;
      runId = /run ([0-9a-f-]{36})/.exec(out)![1]!;
      // The plan tree, then the progress lines.
      expect(out).toMatch(/draft_email agent-content:draft/);
      expect(out).toMatch(/send_email agent-email:send \[approval\]/);
      expect(out).toMatch(/compose_email succeeded/);
      expect(out).toContain(`neonhub approve ${runId} send_email --workspace acme`);
      const outbox = await neonhub('call', 'connector-email-sandbox:outbox', '--workspace', 'acme', '--input', '{}');
      expect(JSON.parse(outbox.stdout).messages).toHaveLength(0); // nothing sent before approval
    },
    CLI_GUARD_MS,
  );

  it(
    '`approve` resumes the run, which sends once and succeeds (exit 0); a second approve changes nothing',
    async () => {
      const r = await neonhub('approve', runId, 'send_email', '--workspace', 'acme', '--note', 'go');
      expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/step send_email approved/);
      expect(r.stdout).toMatch(/send_email succeeded/);
      expect(r.stdout).toContain(`run ${runId} succeeded (3 steps)`);
      const outbox = await neonhub('call', 'connector-email-sandbox:outbox', '--workspace', 'acme', '--input', '{}');
      const messages = JSON.parse(outbox.stdout).messages as { to: unknown }[];
      expect(messages).toHaveLength(1);
      expect(JSON.stringify(messages[0]!.to)).toContain('ada@example.com');

      // approving again is a no-op that reports the real state; nothing is sent again
      const again = await neonhub('approve', runId, 'send_email', '--workspace', 'acme');
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toContain(`run ${runId} succeeded`);
      const after = await neonhub('call', 'connector-email-sandbox:outbox', '--workspace', 'acme', '--input', '{}');
      expect(JSON.parse(after.stdout).messages).toHaveLength(1);
    },
    CLI_GUARD_MS,
  );
});
