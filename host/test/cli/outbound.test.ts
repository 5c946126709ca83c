import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockRoot, makeRoot, removeRoot, runtimeFixtures } from '../integration/helpers.js';
import { errorLines, neonhubIn, startHost } from './cli-harness.js';

/**
 * `neonhub workspace outbound` against a running host (the CLI sends the operator credential): the operator
 * allow-lists a local Ollama for one workspace, and a model at a private address is refused with one coded line.
 */
let root: string;
let host: Awaited<ReturnType<typeof startHost>>;
const cli = (...args: string[]) => neonhubIn(root, args);

beforeAll(async () => {
  root = makeRoot('cli-outbound', [{ from: join(runtimeFixtures, 'rt-other') }]);
  await lockRoot(root);
  host = await startHost(root);
  expect(cli('workspace', 'create', 'acme').code).toBe(0);
}, 120_000);

afterAll(async () => {
  await host?.stop();
  removeRoot(root);
});

describe('neonhub workspace outbound', () => {
  it('refuses a workspace model at a loopback or private address until the operator allow-lists it', () => {
    const refused = cli('workspace', 'llm', 'acme', '--provider', 'ollama');
    expect(refused.code).toBe(2);
    expect(errorLines(refused.stderr)).toEqual([
      expect.stringMatching(/^error NH_OUTBOUND_BLOCKED: outbound request to 127\.0\.0\.1 refused/),
    ]);

    const set = cli('workspace', 'outbound', 'acme', '127.0.0.1:11434');
    expect(set.code).toBe(0);
    expect(set.stdout).toContain('acme: outbound allow-list 127.0.0.1:11434');
    expect(cli('workspace', 'llm', 'acme', '--provider', 'ollama').code).toBe(0);

    const privateUrl = cli(
      'workspace',
      'llm',
      'acme',
      '--provider',
      'openai-compatible',
      '--model',
      'm',
      '--base-url',
      'http://10.0.0.8/v1',
    );
    expect(errorLines(privateUrl.stderr)).toEqual([expect.stringMatching(/^error NH_OUTBOUND_BLOCKED: .*private address/)]);

    const bad = cli('workspace', 'outbound', 'acme', '0x7f.1');
    expect(bad.code).toBe(2);
    expect(errorLines(bad.stderr)).toEqual([expect.stringMatching(/^error NH_OUTBOUND_ALLOW_INVALID/)]);

    const cleared = cli('workspace', 'outbound', 'acme', '--clear', '--json');
    expect(JSON.parse(cleared.stdout)).toEqual({ host: [], workspace: [] });
  });
});
