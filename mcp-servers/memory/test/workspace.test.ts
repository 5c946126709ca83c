import { isNeonHubError } from '@neonhub/schemas';
import { describe, expect, it } from 'vitest';
import { workspaceOf } from '../src/server.js';

const codeOf = (run: () => unknown): string | undefined => {
  try {
    run();
    return undefined;
  } catch (err) {
    return isNeonHubError(err) ? err.code : String(err);
  }
};

describe('the workspace of a memory call', () => {
  it('is the one the host names in _meta["io.neonhub/workspace"]', () => {
    expect(workspaceOf({ 'io.neonhub/workspace': { id: 'ws-1', slug: 'alpha' } })).toBe('ws-1');
  });

  it('is refused when no workspace is named and the server is not pinned (never a shared default)', () => {
    expect(codeOf(() => workspaceOf(undefined))).toBe('NH_MEMORY_WORKSPACE_REQUIRED');
    expect(codeOf(() => workspaceOf({}))).toBe('NH_MEMORY_WORKSPACE_REQUIRED');
    expect(codeOf(() => workspaceOf({ 'io.neonhub/workspace': { id: '' } }))).toBe('NH_MEMORY_WORKSPACE_REQUIRED');
  });

  it('is the pinned workspace of a standalone server, which refuses calls naming another', () => {
    expect(workspaceOf(undefined, 'acme')).toBe('acme');
    expect(workspaceOf({ 'io.neonhub/workspace': { id: 'acme', slug: 'acme' } }, 'acme')).toBe('acme');
    expect(codeOf(() => workspaceOf({ 'io.neonhub/workspace': { id: 'globex', slug: 'globex' } }, 'acme'))).toBe(
      'NH_MEMORY_WORKSPACE_MISMATCH',
    );
  });
});
