export {
  createOrchestrator,
  idempotencyKeyOf,
  type Orchestrator,
  type OrchestratorCallRequest,
  type OrchestratorCallResult,
  type OrchestratorDeps,
  type PlanContext,
  type RequestedApproval,
  type RunView,
  type StartRunInput,
} from './engine.js';
export { type RunErrorCode, runErrors } from './errors.js';
export { createStepQueue, jobIdOf, STEP_QUEUE_NAME, type StepJob, StepJobSchema, type StepQueue } from './jobs.js';
export { PLAN_PROMPT_VERSION, type PlannerLlm, planWithLlm } from './planner-llm.js';
export { type PlanParams, planOffline, topicOf } from './planner-offline.js';
export { findRefs, resolveTemplates } from './template.js';
export { type ToolInfo, validatePlan } from './validate-plan.js';
export { createWaitingQuery } from './waiting.js';
