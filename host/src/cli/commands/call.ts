import { hostErrors } from '../../errors.js';
import { withHost } from '../context.js';
import { out } from '../output.js';
import { hostApi, runningHost } from '../running-host.js';

export async function call(tool: string, opts: { workspace: string; input: string; idempotencyKey?: string }) {
  let input: unknown;
  try {
    input = JSON.parse(opts.input);
  } catch (cause) {
    throw hostErrors.create('NH_REQUEST_INVALID', `--input is not valid JSON: ${(cause as Error).message}`, { cause });
  }
  const running = runningHost();
  if (running) return callOverHttp(running, tool, opts.workspace, input, opts.idempotencyKey);
  const pluginId = tool.split(':')[0] ?? '';
  await withHost({ purpose: `neonhub call ${tool}`, forCall: pluginId }, async (host) => {
    if (!host.registry.plugin(pluginId)) {
      const problem = host.problems.find((p) => p.id === pluginId);
      if (problem) throw problem.error;
    }
    const result = await host.callTool({
      workspace: opts.workspace,
      tool,
      input,
      actor: { type: 'user', id: 'cli', role: 'owner' },
      ...(opts.idempotencyKey ? { idempotencyKey: opts.idempotencyKey } : {}),
    });
    if (result.status === 'pending_approval') {
      out.warn(`${tool} needs approval (${result.reason})${result.approvalId ? `: approval ${result.approvalId}` : ''}`);
      process.exitCode = 3;
      return;
    }
    if (result.status === 'queued') {
      out.warn(`${tool} is queued in the outbox (${result.reason}): neonhub outbox show ${result.messageId}`);
      out.json(result);
      process.exitCode = 3;
      return;
    }
    out.json(result.output);
  });
}

/** While `neonhub start` holds the embedded database, calls go through its HTTP API (same pipeline). */
async function callOverHttp(url: string, tool: string, workspace: string, input: unknown, idempotencyKey?: string) {
  const body = await hostApi(url, 'callTool', {
    params: { ws: workspace, tool },
    body: { input, ...(idempotencyKey ? { idempotencyKey } : {}) },
  });
  if (body.status === 'pending_approval') {
    out.warn(`${tool} needs approval (${body.reason})${body.approvalId ? `: approval ${body.approvalId}` : ''}`);
    process.exitCode = 3;
    return;
  }
  if (body.status === 'queued') {
    out.warn(`${tool} is queued in the outbox (${body.reason}): neonhub outbox show ${body.messageId}`);
    out.json(body);
    process.exitCode = 3;
    return;
  }
  out.json(body.output);
}
