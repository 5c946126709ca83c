import type { HookDecision, PluginStore, ToolCallEvent } from '@neonhub/sdk';
import { consumeApproval, requestApproval } from './approvals.js';
import { budgetReached, usageOn } from './budget.js';
import { countSends, getConsent, normalizeContact, recipientsAt } from './consent.js';
import type { GovErrorCode } from './errors.js';
import type { PolicyVersion } from './policy/store.js';
import { checkContent, contentApplies } from './rules/content.js';
import { firstMatch, matchesTool } from './rules/patterns.js';
import { getAtPointer } from './rules/pointer.js';
import { isoDay } from './store-util.js';

/** What the chain decided and why: the hook returns `decision` and records the rest. */
export interface Evaluation {
  decision: HookDecision;
  rule: string | null;
  code: GovErrorCode | null;
  reason: string;
  approvalId: string | null;
}

const deny = (code: GovErrorCode, rule: string, reason: string, approvalId: string | null = null): Evaluation => ({
  decision: { action: 'deny', reason, code },
  rule,
  code,
  reason,
  approvalId,
});

/**
 * The rule chain, in a fixed order; the first rule that fails decides:
 * 1. deny list  2. budget  3. content (banned phrases, disclosures, PII e-mail/phone/card)
 * 4. consent per recipient (missing, opted out), then frequency caps
 * 5. approvals: a call carrying approvalId must match and consume a granted approval; otherwise a call that
 *    requires approval, or whose caller asks for it (`approvalRequested`: a plan step marked needsApproval),
 *    opens (or reuses) an approval request.
 * A call that passes everything is allowed.
 */
export async function evaluate(event: ToolCallEvent, store: PluginStore, current: PolicyVersion, now: Date): Promise<Evaluation> {
  const { policy } = current;
  const { tool } = event;

  const denied = firstMatch(policy.deny, tool);
  if (denied >= 0)
    return deny(
      'NH_GOV_POLICY_DENY',
      `deny[${denied}]`,
      `the workspace policy denies ${tool} (rule deny[${denied}]: "${policy.deny[denied]}")`,
    );

  const capped = policy.budget.tokensPerDay !== undefined || policy.budget.costUsdPerDay !== undefined;
  if (capped && !policy.budget.exemptTools.some((p) => matchesTool(p, tool))) {
    const reached = budgetReached(policy, await usageOn(store, isoDay(now)));
    if (reached) return deny('NH_GOV_BUDGET_EXCEEDED', reached.rule, reached.reason);
  }

  const sendIndex = policy.consent.sends.findIndex((s) => matchesTool(s.tool, tool));
  const send = sendIndex >= 0 ? policy.consent.sends[sendIndex] : undefined;

  if (contentApplies(policy, tool, event.sideEffect)) {
    const violation = checkContent(policy, tool, event.input, send ? [send.recipientPath] : []);
    if (violation) return deny(violation.code, violation.rule, violation.reason);
  }

  if (send) {
    const rule = `consent.sends[${sendIndex}]`;
    const recipients = recipientsAt(getAtPointer(event.input, send.recipientPath));
    if (!recipients)
      return deny(
        'NH_GOV_RECIPIENT_INVALID',
        rule,
        `${tool} has no recipient at ${send.recipientPath || '(the input)'}: expected a string or an array of strings`,
      );
    const region = policy.content.pii.phoneRegion;
    const contacts = recipients.map((r) => normalizeContact(send.channel, r, region));
    for (const contact of contacts) {
      const consent = await getConsent(store, send.channel, contact);
      if (!consent) return deny('NH_GOV_CONSENT_MISSING', rule, `no ${send.channel} consent is recorded for ${contact}`);
      if (consent.status !== 'granted')
        return deny('NH_GOV_OPTED_OUT', rule, `${contact} opted out of ${send.channel} on ${consent.at} (source: ${consent.source})`);
    }
    const cap = policy.consent.frequencyCaps[send.channel];
    if (cap) {
      const since = new Date(now.getTime() - cap.windowHours * 3_600_000);
      for (const contact of contacts) {
        const sent = await countSends(store, send.channel, contact, since);
        if (sent >= cap.max)
          return deny(
            'NH_GOV_FREQUENCY_CAP',
            `consent.frequencyCaps.${send.channel}`,
            `${contact} already received ${sent} ${send.channel} sends in the last ${cap.windowHours} h (cap ${cap.max})`,
          );
      }
    }
  }

  if (event.approvalId) {
    const used = await consumeApproval(store, event.approvalId, event, now);
    if (!used.ok) return deny(used.code, 'approval', used.reason, event.approvalId);
    const by = used.approval.decidedBy;
    const reason = `executes approval ${used.approval.id} granted by ${by ? `${by.type}:${by.id}` : 'unknown'}`;
    return { decision: { action: 'allow' }, rule: 'approval', code: null, reason, approvalId: used.approval.id };
  }

  // A call made by a tool that runs under a granted approval (e.g. agent-email:send calling the
  // e-mail connector) is covered by it: the person approved the whole action, with its input.
  if (event.parent?.approvalId) {
    const reason = `covered by approval ${event.parent.approvalId} of ${event.parent.tool}`;
    return { decision: { action: 'allow' }, rule: 'approval', code: null, reason, approvalId: event.parent.approvalId };
  }

  const ra = policy.requireApproval;
  const byTool = firstMatch(ra.tools, tool);
  const bySideEffect = ra.sideEffects.includes(event.sideEffect) && firstMatch(ra.exceptTools, tool) < 0;
  // The caller's own request (a plan step marked needsApproval): held whatever the policy says; a deny above still wins.
  const requested = event.approvalRequested;
  if (byTool >= 0 || bySideEffect || requested) {
    const rule = byTool >= 0 ? `requireApproval.tools[${byTool}]` : bySideEffect ? 'requireApproval.sideEffects' : 'requested';
    const why =
      byTool >= 0
        ? `the policy requires approval for ${tool} ("${ra.tools[byTool]}")`
        : bySideEffect
          ? `the policy requires approval for ${event.sideEffect} side effects`
          : requested?.reason || 'the caller asked for approval';
    const request = await requestApproval(store, event, { rule, reason: why, ttlHours: ra.ttlHours, policyVersion: current.version, now });
    if (request.kind === 'rejected') {
      const a = request.approval;
      return deny('NH_GOV_APPROVAL_REJECTED', 'approval', `this call was rejected (approval ${a.id}${a.note ? `: ${a.note}` : ''})`, a.id);
    }
    const a = request.approval;
    const reason = request.reused ? `${why}; approval ${a.id} is ${a.status}` : `${why}; waiting for approval ${a.id}`;
    return {
      decision: { action: 'approval', reason, approvalId: a.id, expiresAt: a.expiresAt },
      rule,
      code: null,
      reason,
      approvalId: a.id,
    };
  }

  return { decision: { action: 'allow' }, rule: null, code: null, reason: 'no rule applies', approvalId: null };
}
