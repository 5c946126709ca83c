import { hostErrors } from '../../errors.js';
import { withHost } from '../context.js';
import { out } from '../output.js';

export async function call(tool: string, opts: { workspace: string; input: string; idempotencyKey?: string }) {
  let input: unknown;
  try {
    input = JSON.parse(opts.input);
  } catch (cause) {
    throw hostErrors.create('NH_REQUEST_INVALID', `--input is not valid JSON: ${(cause as Error).message}`, { cause });
  }
  const pluginId = tool.split(':')[0] ?? '';
  await withHost({ purpose: `neonhub call ${tool}` }, async (host) => {
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
    out.json(result.output);
  });
}
