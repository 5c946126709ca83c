import { isNeonHubError, type NeonHubError } from '@neonhub/schemas';
import { hostErrors } from '../errors.js';

/** What a tool threw, as a NeonHubError: its own, else NH_TOOL_FAILED naming the tool. */
export const asToolError = (qualifiedName: string, err: unknown): NeonHubError =>
  isNeonHubError(err)
    ? err
    : hostErrors.create('NH_TOOL_FAILED', `${qualifiedName} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
