import type { Plan } from '@neonhub/schemas';
import { runErrors } from './errors.js';
import type { PlanParams } from './planner-offline.js';
import type { ToolInfo } from './validate-plan.js';

/** The slice of a language model the planner needs (the SDK's LlmAccess fits). */
export interface PlannerLlm {
  generate(input: {
    system?: string;
    prompt: string;
    maxOutputTokens?: number;
    temperature?: number;
  }): Promise<{ text: string; offline?: boolean }>;
}

export const PLAN_PROMPT_VERSION = 'plan-json@1';

const SYSTEM = `You plan marketing work as a DAG of tool calls. Answer with ONE JSON object and nothing else:
{"steps":[{"id":"lowercase_id","tool":"plugin-id:tool_name","title":"short title","input":{...},"dependsOn":["earlier_id"],"needsApproval":false}],"notes":["..."]}
Rules: use only the tools listed; each input must match its tool's input schema; steps that do not depend on each
other run in parallel; an input value may be "{{steps.<id>.output.<path>}}" to use an earlier step's output (that
step must be in dependsOn, directly or through another step); set needsApproval true on steps that send, post or
spend (side effect external).`;

function extractJson(text: string): unknown {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/.exec(text);
  const body = fenced ? fenced[1]! : text;
  const start = body.indexOf('{');
  const end = body.lastIndexOf('}');
  if (start < 0 || end <= start) throw new Error('no JSON object in the answer');
  return JSON.parse(body.slice(start, end + 1));
}

/** Asks the model for a JSON plan over the enabled tools; the caller validates it like any plan. */
export async function planWithLlm(
  llm: PlannerLlm,
  goal: string,
  tools: ToolInfo[],
  params: PlanParams = {},
  /** Facts the workspace's memory holds for the goal (brand, products, past winners). */
  memory: string[] = [],
): Promise<Plan> {
  const catalog = tools.map((t) => ({ tool: t.name, sideEffect: t.sideEffect, description: t.description, inputSchema: t.inputSchema }));
  const known = memory.length ? `What the workspace's memory holds for this goal:\n${memory.map((f) => `- ${f}`).join('\n')}\n` : '';
  const prompt = `Goal: ${goal}\nParameters: ${JSON.stringify(params)}\n${known}Tools:\n${JSON.stringify(catalog)}\nThe JSON plan:`;
  let text: string;
  try {
    text = (await llm.generate({ system: SYSTEM, prompt, temperature: 0, maxOutputTokens: 4000 })).text;
  } catch (cause) {
    throw runErrors.create('NH_RUN_PLANNER_FAILED', `the model could not plan the goal: ${(cause as Error).message}`, { cause });
  }
  try {
    return extractJson(text) as Plan;
  } catch (cause) {
    throw runErrors.create('NH_RUN_PLANNER_FAILED', `the model did not answer with a JSON plan: ${(cause as Error).message}`, {
      cause,
      details: { answer: text.slice(0, 2000), prompt: PLAN_PROMPT_VERSION },
    });
  }
}
