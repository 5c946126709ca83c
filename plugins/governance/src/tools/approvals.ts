import { crashPoint } from '@neonhub/schemas';
import { defineTool, isNeonHubError } from '@neonhub/sdk';
import { z } from 'zod';
import {
  ApprovalSchema,
  ApprovalStatusSchema,
  decideApproval,
  expireApprovals,
  listApprovals,
  recordExecution,
  reopenApproved,
  viewApproval,
} from '../approvals.js';
import { govErrors } from '../errors.js';
import { requireAdmin } from '../roles.js';
import type { GovDeps } from '../store-util.js';
import { ApprovalIdSchema } from './shared.js';

export const listApprovalsTool = (deps: GovDeps) =>
  defineTool({
    name: 'list_approvals',
    description:
      'Lists approval requests in the order they were made, optionally only those of one status (pending, approved, rejected, expired, executed, failed) or one tool. A pending request past its expiresAt is listed as expired.',
    sideEffect: 'read',
    input: z.object({
      status: ApprovalStatusSchema.optional().describe('Only approvals with this status'),
      tool: z.string().min(1).optional().describe('Only approvals for this tool (plugin:tool)'),
      limit: z.number().int().min(1).max(200).default(50).describe('At most this many approvals (default 50)'),
      after: z.number().int().min(0).optional().describe('The `next` cursor of the previous page'),
    }),
    output: z.object({ approvals: z.array(ApprovalSchema), next: z.number().int().nullable() }),
    run: (input, ctx) =>
      listApprovals(
        ctx.store,
        {
          limit: input.limit,
          ...(input.status ? { status: input.status } : {}),
          ...(input.tool ? { tool: input.tool } : {}),
          ...(input.after !== undefined ? { after: input.after } : {}),
        },
        deps.now(),
      ),
  });

export const getApprovalTool = (deps: GovDeps) =>
  defineTool({
    name: 'get_approval',
    description:
      'Returns one approval request: the call it is for (tool, input, actor), its status, who decided it and, once executed, the result or error.',
    sideEffect: 'read',
    input: z.object({ approvalId: ApprovalIdSchema }),
    output: ApprovalSchema,
    run: async (input, ctx) => {
      const a = await viewApproval(ctx.store, input.approvalId, deps.now()); // a read tool writes nothing
      if (!a)
        throw govErrors.create('NH_GOV_APPROVAL_NOT_FOUND', `approval ${input.approvalId} does not exist in this workspace`, {
          details: { approvalId: input.approvalId },
        });
      return a;
    },
  });

export const approveTool = (deps: GovDeps) =>
  defineTool({
    name: 'approve',
    description:
      'Approves a pending request (owners and admins only) and executes the approved call exactly once, through the host pipeline, with the original idempotency key; returns the approval with the result or the error of that call. Approving again returns the approval as it stands (executed or failed), or, when the call never recorded its outcome (a crash), makes it again with the same idempotency key.',
    sideEffect: 'write',
    input: z.object({
      approvalId: ApprovalIdSchema,
      note: z.string().max(1000).optional().describe('A note kept with the decision'),
    }),
    output: z.object({ approval: ApprovalSchema }),
    run: async (input, ctx) => {
      requireAdmin(ctx.actor, 'approve');
      // Approving again is a no-op that reports the real state: an executed (or failed) approval is returned as it
      // is; one approved whose call never recorded its outcome (a crash) has that call made again, same key.
      const current = await viewApproval(ctx.store, input.approvalId, deps.now());
      if (current && (current.status === 'executed' || current.status === 'failed')) return { approval: current };
      const approved =
        current?.status === 'approved'
          ? await reopenApproved(ctx.store, input.approvalId)
          : await decideApproval(ctx.store, input.approvalId, {
              status: 'approved',
              by: ctx.actor,
              note: input.note ?? null,
              now: deps.now(),
            });
      crashPoint('governance.approve.decided');
      let outcome: { result: unknown } | { error: { code: string; message: string } };
      try {
        const result = await ctx.callTool(approved.tool, approved.input, {
          approvalId: approved.id,
          idempotencyKey: approved.idempotencyKey,
        });
        const pending = (result as { pendingApproval?: { reason?: string } } | null)?.pendingApproval;
        outcome = pending
          ? {
              error: { code: 'NH_GOV_APPROVAL_NOT_APPROVED', message: `another hook holds the call for approval: ${pending.reason ?? ''}` },
            }
          : { result };
      } catch (err) {
        // Another approve of the same approval (a double click, or a resume racing the original) consumed it and
        // makes the call: that one records the outcome; this one reports the approval as it stands.
        if (
          isNeonHubError(err) &&
          err.code === 'NH_TOOL_DENIED' &&
          (err.details as { code?: string } | undefined)?.code === 'NH_GOV_APPROVAL_USED'
        )
          return { approval: (await viewApproval(ctx.store, approved.id, deps.now())) ?? approved };
        outcome = {
          error: isNeonHubError(err)
            ? { code: err.code, message: err.message }
            : { code: 'NH_INTERNAL', message: err instanceof Error ? err.message : String(err) },
        };
      }
      crashPoint('governance.approve.called');
      return { approval: await recordExecution(ctx.store, approved.id, outcome, deps.now()) };
    },
  });

export const rejectTool = (deps: GovDeps) =>
  defineTool({
    name: 'reject',
    description:
      'Rejects a pending approval request with a reason (owners and admins only); the call is never executed and a retry of it is denied.',
    sideEffect: 'write',
    input: z.object({
      approvalId: ApprovalIdSchema,
      reason: z.string().trim().min(1).max(1000).describe('Why the call is rejected (shown to whoever made it)'),
    }),
    output: z.object({ approval: ApprovalSchema }),
    run: async (input, ctx) => {
      requireAdmin(ctx.actor, 'reject');
      return {
        approval: await decideApproval(ctx.store, input.approvalId, {
          status: 'rejected',
          by: ctx.actor,
          note: input.reason,
          now: deps.now(),
        }),
      };
    },
  });

export const expireApprovalsTool = (deps: GovDeps) =>
  defineTool({
    name: 'expire_approvals',
    description:
      'Marks every pending approval request past its expiresAt as expired (owners and admins only; reads already treat them as expired). Returns the ids it expired.',
    sideEffect: 'write',
    input: z.object({}),
    output: z.object({ expired: z.array(z.string()) }),
    run: async (_input, ctx) => {
      requireAdmin(ctx.actor, 'expire_approvals');
      return { expired: await expireApprovals(ctx.store, deps.now()) };
    },
  });
