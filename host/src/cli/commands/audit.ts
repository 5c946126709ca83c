import { readFile } from 'node:fs/promises';
import { hostErrors } from '../../errors.js';
import { withHost } from '../context.js';
import { out } from '../output.js';
import { hostApi, runningHost } from '../running-host.js';

interface VerifyOutput {
  ok: boolean;
  count?: number;
  headHash?: string;
  checkpointsVerified?: number;
  problem?: string;
  seq?: number;
  message?: string;
  keySource: string;
}

const operator = { type: 'user' as const, id: 'cli', role: 'owner' as const };

/**
 * `neonhub audit verify --workspace <slug> [--public-key file.pem]`: runs the data-trust plugin's
 * `verify` tool through the pipeline (the host has no special case for it) and names the exact
 * entry that was edited, deleted, inserted or reordered.
 */
export async function verify(opts: { workspace: string; publicKey?: string }) {
  const publicKeyPem = opts.publicKey ? await readFile(opts.publicKey, 'utf8') : undefined;
  const input = publicKeyPem ? { publicKeyPem } : {};
  const running = runningHost();
  if (running) return report(opts.workspace, await callDataTrust<VerifyOutput>(running, opts.workspace, 'verify', input));
  await withHost({ purpose: 'neonhub audit verify' }, async (host) => {
    requireDataTrust(host.registry.plugin('data-trust') !== undefined);
    const result = await host.callTool({ workspace: opts.workspace, tool: 'data-trust:verify', input, actor: operator });
    if (result.status !== 'ok') throw hostErrors.create('NH_TOOL_DENIED', `data-trust:verify is waiting for approval: ${result.reason}`);
    report(opts.workspace, result.output as VerifyOutput);
  });
}

function report(workspace: string, v: VerifyOutput) {
  if (v.ok) {
    out.ok(
      `audit chain of ${workspace} is intact: ${v.count} entries, ${v.checkpointsVerified ?? 0} signed checkpoints (key: ${v.keySource})`,
    );
    if (v.headHash) out.line(`  head ${v.headHash}`);
    return;
  }
  process.stdout.write(`✗ audit chain of ${workspace} is broken: entry ${v.seq} was ${v.problem}\n  ${v.message ?? ''}\n`);
  process.exitCode = 4;
}

/**
 * While `neonhub start` holds the embedded database, the data-trust tools are called through its API (the same
 * pipeline; the host has no special case for them); an unloaded data-trust plugin is NH_TOOL_NOT_FOUND there.
 */
async function callDataTrust<T>(url: string, workspace: string, tool: 'verify' | 'export_chain', input: unknown): Promise<T> {
  const body = await hostApi(url, 'callTool', { params: { ws: workspace, tool: `data-trust:${tool}` }, body: { input } });
  if (body.status !== 'ok') throw hostErrors.create('NH_TOOL_DENIED', `data-trust:${tool} is waiting for approval: ${body.reason}`);
  return body.output as T;
}

/** `neonhub audit export --workspace <slug>`: the chain and checkpoints as JSON Lines on stdout, for outside anchoring. */
export async function exportChain(opts: { workspace: string }) {
  const running = runningHost();
  if (running) {
    const output = await callDataTrust<{ jsonl: string }>(running, opts.workspace, 'export_chain', { encoding: 'jsonl' });
    process.stdout.write(output.jsonl);
    return;
  }
  await withHost({ purpose: 'neonhub audit export', quiet: true }, async (host) => {
    requireDataTrust(host.registry.plugin('data-trust') !== undefined);
    const result = await host.callTool({
      workspace: opts.workspace,
      tool: 'data-trust:export_chain',
      input: { encoding: 'jsonl' },
      actor: operator,
    });
    if (result.status === 'ok') process.stdout.write((result.output as { jsonl: string }).jsonl);
  });
}

function requireDataTrust(loaded: boolean) {
  if (!loaded)
    throw hostErrors.create(
      'NH_PLUGIN_NOT_FOUND',
      'the data-trust plugin is not loaded; install and lock it, then enable it in the workspace',
    );
}
