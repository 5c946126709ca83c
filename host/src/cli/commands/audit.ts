import { readFile } from 'node:fs/promises';
import { hostErrors } from '../../errors.js';
import { withHost } from '../context.js';
import { out } from '../output.js';

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
  await withHost({ purpose: 'neonhub audit verify' }, async (host) => {
    requireDataTrust(host.registry.plugin('data-trust') !== undefined);
    const result = await host.callTool({
      workspace: opts.workspace,
      tool: 'data-trust:verify',
      input: publicKeyPem ? { publicKeyPem } : {},
      actor: operator,
    });
    if (result.status !== 'ok') throw hostErrors.create('NH_TOOL_DENIED', `data-trust:verify is waiting for approval: ${result.reason}`);
    const v = result.output as VerifyOutput;
    if (v.ok) {
      out.ok(
        `audit chain of ${opts.workspace} is intact: ${v.count} entries, ${v.checkpointsVerified ?? 0} signed checkpoints (key: ${v.keySource})`,
      );
      if (v.headHash) out.line(`  head ${v.headHash}`);
      return;
    }
    process.stdout.write(`✗ audit chain of ${opts.workspace} is broken: entry ${v.seq} was ${v.problem}\n  ${v.message ?? ''}\n`);
    process.exitCode = 4;
  });
}

/** `neonhub audit export --workspace <slug>`: the chain and checkpoints as JSON Lines on stdout, for outside anchoring. */
export async function exportChain(opts: { workspace: string }) {
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
