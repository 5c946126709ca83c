import { randomUUID } from 'node:crypto';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { WORKSPACE_META_KEY } from '@neonhub/schemas';

export interface McpIsolationProbe {
  /** A call that stores `marker` (e.g. ingest a document, add a note). */
  write(marker: string): { name: string; arguments: Record<string, unknown> };
  /** A call whose result shows what the workspace holds (e.g. search for the marker, list notes). */
  read(marker: string): { name: string; arguments: Record<string, unknown> };
}

/**
 * The workspace test for an MCP server a NeonHub host mounts (mcp-stdio, mcp-http), written with
 * any SDK: through `client`, stores a unique marker from one workspace and reads from another, the
 * way the host calls (`_meta["io.neonhub/workspace"]`). Returns the problems found (empty = the
 * server scopes its data by workspace): the marker must be readable from its own workspace, never
 * from another, and a call that names no workspace must be refused rather than use a shared one.
 */
export async function checkMcpWorkspaceIsolation(client: Client, probe: McpIsolationProbe): Promise<string[]> {
  const problems: string[] = [];
  const marker = `nhiso${randomUUID().replaceAll('-', '')}`;
  const id = randomUUID().slice(0, 8);
  const a = { id: `isolation-a-${id}`, slug: `isolation-a-${id}` };
  const b = { id: `isolation-b-${id}`, slug: `isolation-b-${id}` };
  const call = async (req: { name: string; arguments: Record<string, unknown> }, ws?: { id: string; slug: string }) =>
    (await client.callTool({ ...req, ...(ws ? { _meta: { [WORKSPACE_META_KEY]: ws } } : {}) })) as CallToolResult;
  const shows = (r: CallToolResult) => JSON.stringify([r.structuredContent ?? null, r.content]).includes(marker);

  const written = await call(probe.write(marker), a);
  if (written.isError) return [`${probe.write(marker).name} failed in a workspace: ${JSON.stringify(written.content)}`];
  const inA = await call(probe.read(marker), a);
  if (inA.isError || !shows(inA))
    problems.push(`what was stored in workspace A is not read back in workspace A (${probe.read(marker).name})`);
  const inB = await call(probe.read(marker), b);
  if (shows(inB)) problems.push(`what was stored in workspace A is visible from workspace B (${probe.read(marker).name})`);
  const none = await call(probe.read(marker));
  if (!none.isError)
    problems.push(
      `a call that names no workspace was answered (${probe.read(marker).name}${shows(none) ? ', with workspace A’s data' : ''}): refuse it instead of using a shared default`,
    );
  return problems;
}
