import { z } from 'zod';

/**
 * `_meta` key of every `tools/call` the host sends to a plugin's MCP server (isolated, mcp-stdio,
 * mcp-http): the workspace the call is made in. A server that keeps data scopes it by `id`.
 * Namespaced per the MCP `_meta` naming rules (reverse-DNS prefix, then a name).
 */
export const WORKSPACE_META_KEY = 'io.neonhub/workspace';

/** The value under `_meta["io.neonhub/workspace"]`: the workspace's stable id and its (renameable) slug. */
export const WorkspaceMetaSchema = z.object({
  id: z.string().min(1).max(128),
  slug: z.string().min(1).max(128),
});
export type WorkspaceMeta = z.infer<typeof WorkspaceMetaSchema>;

/** The `_meta` object carrying a workspace, to spread into a request's `_meta`. */
export function workspaceMeta(workspace: WorkspaceMeta): { [WORKSPACE_META_KEY]: WorkspaceMeta } {
  return { [WORKSPACE_META_KEY]: { id: workspace.id, slug: workspace.slug } };
}

/** The workspace a request's `_meta` names, or undefined when it names none (or a malformed one). */
export function workspaceFromMeta(meta: Record<string, unknown> | undefined): WorkspaceMeta | undefined {
  const parsed = WorkspaceMetaSchema.safeParse(meta?.[WORKSPACE_META_KEY]);
  return parsed.success ? parsed.data : undefined;
}
