import { defineErrors } from '@neonhub/schemas';

/** Errors raised by the orchestrator (`@neonhub/orchestrator`). */
export const runErrors = defineErrors({
  NH_RUN_PLAN_INVALID: {
    status: 400,
    category: 'user',
    description:
      'The plan is not a valid DAG of steps (bad shape, duplicate id, missing dependency, cycle or bad template); nothing was stored.',
  },
  NH_RUN_PLAN_TOOL_UNKNOWN: {
    status: 400,
    category: 'user',
    description: 'A plan step names a tool that is not enabled in the workspace; nothing was stored.',
  },
  NH_RUN_PLAN_INPUT_INVALID: {
    status: 400,
    category: 'user',
    description: "A plan step's input does not match its tool's input JSON Schema; nothing was stored.",
  },
  NH_RUN_GOAL_UNPLANNABLE: {
    status: 422,
    category: 'user',
    description: 'The offline planner has no rule for the goal (name a channel: email, social, blog, SEO) and no model is configured.',
  },
  NH_RUN_PLANNER_FAILED: {
    status: 502,
    category: 'third_party',
    description: 'The language model did not return a usable JSON plan.',
  },
  NH_RUN_NOT_FOUND: {
    status: 404,
    category: 'user',
    description: 'No run with this id exists (in this workspace).',
  },
  NH_RUN_STEP_NOT_FOUND: {
    status: 404,
    category: 'user',
    description: 'The run has no step with this id.',
  },
  NH_RUN_STEP_NOT_WAITING: {
    status: 409,
    category: 'user',
    description: 'The step is not waiting for approval (it was already decided, or never needed approval).',
  },
  NH_RUN_FINISHED: {
    status: 409,
    category: 'user',
    description: 'The run already finished (succeeded, failed or cancelled) and cannot be changed.',
  },
  NH_RUN_STEP_REJECTED: {
    status: 409,
    category: 'user',
    description: 'A person rejected the step at approval; it did not run.',
  },
  NH_RUN_APPROVAL_EXPIRED: {
    status: 409,
    category: 'user',
    description:
      "The step's approval expired (as its approvals provider set it) before anyone decided: the step failed without running and its run ended failed; start the run again to ask anew.",
  },
  NH_RUN_TEMPLATE_UNRESOLVED: {
    status: 400,
    category: 'user',
    description: 'A `{{steps.<id>.output.<path>}}` reference names a value the earlier step did not output.',
  },
  NH_RUN_STEP_INTERRUPTED: {
    status: 503,
    category: 'transient',
    description: 'The worker running the step stopped (crash or shutdown) before it finished; the step was dispatched again.',
  },
});

export type RunErrorCode = keyof typeof runErrors.registry;
