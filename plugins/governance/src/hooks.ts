import type { AfterToolCallEvent, HookContext, HookDecision, PluginHooks, ToolCallEvent } from '@neonhub/sdk';
import { recordUsage } from './budget.js';
import { normalizeContact, recipientsAt, recordSends } from './consent.js';
import { type AllowLog, type Decision, recordDecision } from './decisions.js';
import { evaluate } from './evaluate.js';
import { currentPolicy } from './policy/store.js';
import { matchesTool } from './rules/patterns.js';
import { getAtPointer } from './rules/pointer.js';
import type { GovDeps } from './store-util.js';

export const GOVERNANCE_ID = 'governance';

/** Governance's own tools are never governed by it (an admin must always be able to fix the policy); they check roles themselves. */
const isOwnTool = (tool: string) => tool.startsWith(`${GOVERNANCE_ID}:`);

export function createHooks(deps: GovDeps, allows: AllowLog): PluginHooks {
  return {
    async beforeToolCall(event: ToolCallEvent, ctx: HookContext): Promise<HookDecision> {
      if (isOwnTool(event.tool)) return { action: 'allow' };
      const now = deps.now();
      const current = await currentPolicy(ctx.store);
      const result = await evaluate(event, ctx.store, current, now);
      if (result.decision.action !== 'allow' || current.policy.decisions.recordAllows || result.approvalId) {
        const decision: Decision = {
          callId: event.callId,
          tool: event.tool,
          sideEffect: event.sideEffect,
          actor: event.actor,
          decision: result.decision.action,
          rule: result.rule,
          code: result.code,
          reason: result.reason,
          approvalId: result.approvalId,
          policyVersion: current.version,
          at: now.toISOString(),
        };
        if (decision.decision === 'allow' && !decision.approvalId) allows.add(ctx.workspace.id, ctx.store, ctx.logger, decision);
        else await recordDecision(ctx.store, decision);
      }
      if (result.decision.action !== 'allow')
        ctx.logger.info(
          { tool: event.tool, callId: event.callId, decision: result.decision.action, rule: result.rule, code: result.code },
          'governance decision',
        );
      return result.decision;
    },

    /** Keeps governance's running counters: today's language-model usage, and sends per contact for frequency caps. */
    async afterToolCall(event: AfterToolCallEvent, ctx: HookContext): Promise<void> {
      if (!event.llmUsage && event.status !== 'ok') return;
      const now = deps.now();
      const { policy } = await currentPolicy(ctx.store);
      if (event.llmUsage) await recordUsage(ctx.store, policy, event.llmUsage, now);
      if (event.status !== 'ok') return;
      const send = policy.consent.sends.find((s) => matchesTool(s.tool, event.tool));
      if (!send) return;
      const recipients = recipientsAt(getAtPointer(event.input, send.recipientPath)) ?? [];
      const contacts = recipients.map((r) => normalizeContact(send.channel, r, policy.content.pii.phoneRegion));
      await recordSends(ctx.store, send.channel, contacts, now);
    },
  };
}
