import { readFile } from 'node:fs/promises';
import { hostErrors } from '../../errors.js';
import type { Host } from '../../host.js';
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
 * The audit trail's tools are found by contract, never by plugin id: the enabled plugin that provides `audit` in the
 * workspace (data-trust, or any plugin replacing it) serves `verify` and, optionally, `export_chain`.
 */
type AuditTool = 'verify' | 'export_chain';

function contractMissing(workspace: string, tool: AuditTool): never {
  const what = tool === 'verify' ? 'the audit contract' : "the audit contract's export_chain tool";
  throw hostErrors.create(
    'NH_CONTRACT_MISSING',
    `no plugin enabled in ${workspace} provides ${what} (data-trust does: install and lock it, then \`neonhub plugin enable data-trust -w ${workspace}\`; with two providers enabled, disable all but one)`,
    { details: { contract: 'audit', tool, workspace } },
  );
}

/** The qualified tool serving the audit contract's `tool` in a workspace of an embedded host. */
async function auditToolOf(host: Host, workspace: string, tool: AuditTool): Promise<string> {
  const ws = await host.storage.workspaces.resolve(workspace);
  await host.contracts.provider(ws.id, 'audit'); // two enabled providers: NH_CONTRACT_AMBIGUOUS names them
  return (await host.contracts.providers(ws.id)).audit?.tools[tool] ?? contractMissing(workspace, tool);
}

/** The same through a running host's API (GET /api/workspaces/:ws/contracts). */
async function auditToolVia(url: string, workspace: string, tool: AuditTool): Promise<string> {
  const providers = await hostApi(url, 'getContracts', { params: { ws: workspace } });
  return providers.audit?.tools[tool] ?? contractMissing(workspace, tool);
}

async function callAudit<T>(host: Host, workspace: string, tool: AuditTool, input: unknown): Promise<T> {
  const qualified = await auditToolOf(host, workspace, tool);
  const result = await host.callTool({ workspace, tool: qualified, input, actor: operator });
  if (result.status !== 'ok') throw hostErrors.create('NH_TOOL_DENIED', `${qualified} is waiting for approval: ${result.reason}`);
  return result.output as T;
}

/**
 * While `neonhub start` holds the embedded database, the audit tools are called through its API (the same pipeline;
 * the host has no special case for them).
 */
async function callAuditVia<T>(url: string, workspace: string, tool: AuditTool, input: unknown): Promise<T> {
  const qualified = await auditToolVia(url, workspace, tool);
  const body = await hostApi(url, 'callTool', { params: { ws: workspace, tool: qualified }, body: { input } });
  if (body.status !== 'ok') throw hostErrors.create('NH_TOOL_DENIED', `${qualified} is waiting for approval: ${body.reason}`);
  return body.output as T;
}

/**
 * `neonhub audit verify --workspace <slug> [--public-key file.pem]`: runs the `verify` tool of the plugin providing
 * the audit contract through the pipeline and names the exact entry that was edited, deleted, inserted or reordered.
 */
export async function verify(opts: { workspace: string; publicKey?: string }) {
  const publicKeyPem = opts.publicKey ? await readFile(opts.publicKey, 'utf8') : undefined;
  const input = publicKeyPem ? { publicKeyPem } : {};
  const running = runningHost();
  if (running) return report(opts.workspace, await callAuditVia<VerifyOutput>(running, opts.workspace, 'verify', input));
  await withHost({ purpose: 'neonhub audit verify' }, async (host) => {
    report(opts.workspace, await callAudit<VerifyOutput>(host, opts.workspace, 'verify', input));
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

/** `neonhub audit export --workspace <slug>`: the chain and checkpoints as JSON Lines on stdout, for outside anchoring. */
export async function exportChain(opts: { workspace: string }) {
  const input = { encoding: 'jsonl' };
  const running = runningHost();
  if (running) {
    process.stdout.write((await callAuditVia<{ jsonl: string }>(running, opts.workspace, 'export_chain', input)).jsonl);
    return;
  }
  await withHost({ purpose: 'neonhub audit export', quiet: true }, async (host) => {
    process.stdout.write((await callAudit<{ jsonl: string }>(host, opts.workspace, 'export_chain', input)).jsonl);
  });
}
