import type { ApiTokenInfo, TokenService } from './tokens.js';

export interface CreateTokenCommandDeps {
  tokens: TokenService;
  workspaces: { resolve(slugOrId: string): Promise<{ id: string; slug: string }> };
  /** Where the token is printed (stdout by default). */
  write?(text: string): void;
}

/**
 * `neonhub token create --workspace <slug> --role <role> --name <name>`: creates an API token and
 * prints it once (it cannot be shown again), with the lines to use it.
 */
export async function createTokenCommand(
  deps: CreateTokenCommandDeps,
  opts: { workspace: string; role: string; name: string },
): Promise<{ token: string; info: ApiTokenInfo }> {
  const write = deps.write ?? ((text: string) => void process.stdout.write(text));
  const workspace = await deps.workspaces.resolve(opts.workspace);
  const created = await deps.tokens.create({ workspaceId: workspace.id, role: opts.role, name: opts.name });
  write(createdTokenText(workspace.slug, created));
  return created;
}

/** What `neonhub token create` prints: the token, once, with the lines to use it. */
export function createdTokenText(
  workspaceSlug: string,
  created: { token: string; info: Pick<ApiTokenInfo, 'id' | 'name' | 'role'> },
): string {
  return [
    `API token "${created.info.name}" for workspace ${workspaceSlug}, role ${created.info.role} (id ${created.info.id}):`,
    '',
    `  ${created.token}`,
    '',
    'It is shown only now: store it in your MCP client or a secret manager. Use it as',
    `  Authorization: Bearer ${created.token.slice(0, 7)}...`,
    '',
  ].join('\n');
}
