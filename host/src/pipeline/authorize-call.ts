import { type Actor, changesNothing, type NeonHubError, type SideEffect } from '@neonhub/schemas';
import { hostErrors } from '../errors.js';

/**
 * The pipeline's first stage: may this actor call a tool with this side effect? A person or token
 * acts with its role in the workspace (a viewer calls only tools whose side effect is `none` or
 * `read`); one without a role is refused (fail closed). Runs act as their creator, nested calls as
 * their caller, hooks as the system. The same rule for REST, MCP, the console, the CLI and runs.
 */
export function authorizeCall(actor: Actor, tool: string, sideEffect: SideEffect): NeonHubError | undefined {
  if (actor.type !== 'user' && actor.type !== 'token') return undefined;
  if (!actor.role)
    return hostErrors.create('NH_AUTH_FORBIDDEN', `${actor.type} ${actor.id} has no role in this workspace and cannot call ${tool}`, {
      details: { need: 'viewer', have: null },
    });
  if (actor.role === 'viewer' && !changesNothing(sideEffect))
    return hostErrors.create(
      'NH_AUTH_FORBIDDEN',
      `${tool} has side effect "${sideEffect}"; a viewer may call only tools whose side effect is none or read`,
      { details: { need: 'member', have: 'viewer', tool, sideEffect } },
    );
  return undefined;
}
