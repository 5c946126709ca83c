import { definePlugin, type PluginDefinition } from '@neonhub/sdk';
import { createAllowLog } from './decisions.js';
import { createHooks, GOVERNANCE_ID } from './hooks.js';
import type { GovDeps } from './store-util.js';
import { approveTool, expireApprovalsTool, getApprovalTool, listApprovalsTool, rejectTool } from './tools/approvals.js';
import { budgetStatusTool } from './tools/budget.js';
import { getConsentTool, recordConsentTool } from './tools/consent.js';
import { listDecisionsTool } from './tools/decisions.js';
import { getPolicyTool, policyHistoryTool, policySchemaTool, setPolicyTool } from './tools/policy.js';

export type { Approval, ApprovalStatus } from './approvals.js';
export type { ConsentRecord } from './consent.js';
export type { Decision } from './decisions.js';
export { type GovErrorCode, govErrors } from './errors.js';
export { defaultPolicy, type Policy, type PolicyInput, PolicySchema } from './policy/schema.js';
export type { GovDeps } from './store-util.js';

/** The governance plugin; `now` is injectable so tests can move time (approval expiry, rolling windows, UTC days). */
export function createGovernance(opts: Partial<GovDeps> = {}): PluginDefinition {
  const deps: GovDeps = { now: opts.now ?? (() => new Date()) };
  const allows = createAllowLog();
  return definePlugin({
    id: GOVERNANCE_ID,
    tools: [
      getPolicyTool(),
      setPolicyTool(deps),
      policyHistoryTool(),
      policySchemaTool(),
      listApprovalsTool(deps),
      getApprovalTool(deps),
      approveTool(deps),
      rejectTool(deps),
      expireApprovalsTool(deps),
      recordConsentTool(deps),
      getConsentTool(),
      listDecisionsTool(allows.flush),
      budgetStatusTool(deps),
    ],
    hooks: createHooks(deps, allows),
    stop: allows.flushAll,
  });
}

export default createGovernance();
