import type { LanguageModelV3Prompt, LanguageModelV3ToolResultOutput } from '@ai-sdk/provider';
import { fromProviderToolName } from '../tool-names.js';
import { stableJson, truncateWords } from './text.js';

export interface SeenToolResult {
  toolCallId: string;
  /** NeonHub name (`plugin:tool`). */
  name: string;
  isError: boolean;
  /** The result as text (JSON with sorted keys for structured output). */
  text: string;
}

/** What the offline model reads out of a prompt. */
export interface PromptFacts {
  system: string;
  /** The last user message: the task. */
  task: string;
  /** Every text the model was given (for the usage estimate). */
  allText: string;
  /** Tool results that arrived after the last user message (the loop's previous steps). */
  toolResults: SeenToolResult[];
  /** Number of assistant turns after the last user message (the loop step). */
  step: number;
  topic: string;
  /** Bullet lines from the system prompt and the task: memory snippets, brand facts, notes. */
  facts: string[];
  /** `Audience: ...`, `Tone: ...`, `Brand: ...` lines, keys lower-cased. */
  settings: Record<string, string>;
  urls: string[];
  emails: string[];
  numbers: number[];
  dates: string[];
}

function outputText(output: LanguageModelV3ToolResultOutput): { text: string; isError: boolean } {
  switch (output.type) {
    case 'text':
      return { text: output.value, isError: false };
    case 'json':
      return { text: stableJson(output.value), isError: false };
    case 'error-text':
      return { text: output.value, isError: true };
    case 'error-json':
      return { text: stableJson(output.value), isError: true };
    case 'execution-denied':
      return { text: `denied${output.reason ? `: ${output.reason}` : ''}`, isError: true };
    default:
      return { text: stableJson(output.value), isError: false };
  }
}

const TOPIC_PATTERNS = [
  /\b(?:about|regarding|covering|on the topic of|on)\s+(.+?)(?:[.?!\n]|,\s|$)/i,
  /\b(?:for|promoting|announcing|introducing)\s+(.+?)(?:[.?!\n]|,\s|$)/i,
];
const LEADING_ASK =
  /^(?:please\s+)?(?:(?:write|draft|create|compose|make|prepare|give me|generate|summari[sz]e|plan|outline)\s+)?(?:(?:me|us)\s+)?(?:(?:an?|the|some)\s+)?/i;

export function extractTopic(task: string): string {
  const firstLine = task.split('\n').find((l) => l.trim().length > 0) ?? '';
  for (const pattern of TOPIC_PATTERNS) {
    const m = pattern.exec(firstLine);
    if (m?.[1] && m[1].trim().length > 2) return truncateWords(m[1].replace(/^(the|a|an)\s+/i, ''), 80);
  }
  const stripped = firstLine.replace(LEADING_ASK, '').trim();
  return truncateWords(stripped.length > 0 ? stripped : firstLine, 80) || 'your request';
}

const SETTING_LINE = /^\s*(audience|tone|brand|product|goal|cta|voice|company|channel)\s*:\s*(.+)$/i;
const BULLET_LINE = /^\s*(?:[-*•]|\d+[.)])\s+(.+)$/;

export function analyzePrompt(prompt: LanguageModelV3Prompt): PromptFacts {
  const systemParts: string[] = [];
  const all: string[] = [];
  let lastUser = -1;
  prompt.forEach((m, i) => {
    if (m.role === 'user') lastUser = i;
  });
  let task = '';
  const toolResults: SeenToolResult[] = [];
  let step = 0;
  prompt.forEach((m, i) => {
    if (m.role === 'system') {
      systemParts.push(m.content);
      all.push(m.content);
      return;
    }
    for (const part of m.content) {
      if (part.type === 'text') all.push(part.text);
      if (part.type === 'tool-call') all.push(stableJson(part.input));
      if (part.type === 'tool-result') {
        const { text, isError } = outputText(part.output);
        all.push(text);
        if (i > lastUser) toolResults.push({ toolCallId: part.toolCallId, name: fromProviderToolName(part.toolName), isError, text });
      }
    }
    if (m.role === 'user' && i === lastUser) {
      task = m.content
        .filter((p) => p.type === 'text')
        .map((p) => p.text)
        .join('\n');
    }
    if (m.role === 'assistant' && i > lastUser) step += 1;
  });
  const system = systemParts.join('\n');
  const facts: string[] = [];
  const settings: Record<string, string> = {};
  for (const line of `${system}\n${task}`.split('\n')) {
    const setting = SETTING_LINE.exec(line);
    if (setting?.[1] && setting[2]) {
      settings[setting[1].toLowerCase()] = setting[2].trim();
      continue;
    }
    const bullet = BULLET_LINE.exec(line);
    if (bullet?.[1] && facts.length < 6) facts.push(truncateWords(bullet[1], 160));
  }
  return {
    system,
    task,
    allText: all.join('\n'),
    toolResults,
    step,
    topic: extractTopic(task),
    facts,
    settings,
    urls: task.match(/https?:\/\/[^\s)>\]"']+/g) ?? [],
    emails: task.match(/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g) ?? [],
    numbers: (
      task
        .replace(/https?:\/\/\S+|\b\d{4}-\d{2}-\d{2}\b|[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g, ' ')
        .match(/(?<![\w.])-?\d+(?:\.\d+)?(?![\w.])/g) ?? []
    ).map(Number),
    dates: task.match(/\b\d{4}-\d{2}-\d{2}\b/g) ?? [],
  };
}
