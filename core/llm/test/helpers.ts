import { isNeonHubError, type NeonHubError } from '@neonhub/schemas';
import { expect, vi } from 'vitest';
import type { LlmTool } from '../src/index.js';

/** Awaits a promise that must reject with a NeonHubError, and returns it. */
export async function expectNeonHubError(p: Promise<unknown>, code: string): Promise<NeonHubError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected ${code}`).toBeDefined();
  if (!isNeonHubError(error)) throw new Error(`expected a NeonHubError ${code}, got ${String(error)}`);
  expect(error.code).toBe(code);
  return error;
}

/** The SEO tool used across tests: `execute` is a spy standing in for the host's callTool. */
export function analyzePageTool(result: unknown = { score: 72, issues: ['missing meta description'] }) {
  const execute = vi.fn(async (_input: unknown) => result);
  const tool: LlmTool = {
    description: 'Analyze a web page for SEO issues',
    inputSchema: {
      type: 'object',
      properties: { url: { type: 'string', format: 'uri' }, depth: { type: 'integer', minimum: 1, maximum: 3 } },
      required: ['url'],
      additionalProperties: false,
    },
    execute,
  };
  return { tool, execute };
}
