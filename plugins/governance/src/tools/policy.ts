import { defineTool } from '@neonhub/sdk';
import { z } from 'zod';
import { PolicySchema } from '../policy/schema.js';
import { currentPolicy, policyHistory, setPolicy } from '../policy/store.js';
import { requireAdmin } from '../roles.js';
import type { GovDeps } from '../store-util.js';
import { PolicyVersionSchema } from './shared.js';

export const getPolicyTool = () =>
  defineTool({
    name: 'get_policy',
    description:
      "Returns the workspace's current governance policy (deny list, approval rules, content rules, consent, budget caps) with its version number; version 0 is the built-in default.",
    sideEffect: 'read',
    input: z.object({}),
    output: PolicyVersionSchema,
    run: (_input, ctx) => currentPolicy(ctx.store),
  });

export const setPolicyTool = (deps: GovDeps) =>
  defineTool({
    name: 'set_policy',
    description:
      "Replaces the workspace's governance policy with a new version (owners and admins only). The policy is validated first: an invalid one is refused with NH_GOV_POLICY_INVALID and the zod issues, and the current version stays in force. Earlier versions are kept (policy_history).",
    sideEffect: 'write',
    input: z.object({
      policy: z
        .record(z.string(), z.unknown())
        .describe('The whole policy (every field optional, see docs/governance.md or the policy_schema tool); it replaces the current one'),
      expectedVersion: z
        .number()
        .int()
        .min(0)
        .optional()
        .describe('Refuse with NH_GOV_POLICY_CONFLICT unless the current version is this one (safe concurrent edits)'),
      note: z.string().max(1000).optional().describe('Why the policy changed, kept with the version'),
    }),
    output: PolicyVersionSchema,
    run: (input, ctx) => {
      requireAdmin(ctx.actor, 'set_policy');
      return setPolicy(ctx.store, input.policy, {
        actor: ctx.actor,
        at: deps.now(),
        ...(input.note !== undefined ? { note: input.note } : {}),
        ...(input.expectedVersion !== undefined ? { expectedVersion: input.expectedVersion } : {}),
      });
    },
  });

export const policyHistoryTool = () =>
  defineTool({
    name: 'policy_history',
    description: "Lists the stored versions of the workspace's governance policy, oldest first, with who set each and when.",
    sideEffect: 'read',
    input: z.object({
      afterVersion: z.number().int().min(0).optional().describe('Return versions after this one (paging)'),
      limit: z.number().int().min(1).max(200).default(50).describe('At most this many versions (default 50)'),
    }),
    output: z.object({ versions: z.array(PolicyVersionSchema), next: z.number().int().nullable() }),
    run: async (input, ctx) => {
      const versions = await policyHistory(ctx.store, {
        limit: input.limit,
        ...(input.afterVersion !== undefined ? { afterVersion: input.afterVersion } : {}),
      });
      return { versions, next: versions.length === input.limit ? (versions.at(-1)?.version ?? null) : null };
    },
  });

export const policySchemaTool = () =>
  defineTool({
    name: 'policy_schema',
    description:
      'Returns the JSON Schema of a governance policy (what set_policy accepts), for editors and assistants that write policies.',
    sideEffect: 'read',
    input: z.object({}),
    output: z.object({ schema: z.record(z.string(), z.unknown()) }),
    run: () => ({ schema: z.toJSONSchema(PolicySchema, { io: 'input' }) as Record<string, unknown> }),
  });
