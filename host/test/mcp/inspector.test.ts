import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from './fixtures/harness.js';

const run = promisify(execFile);
const hostDir = join(dirname(fileURLToPath(import.meta.url)), '../..');
const launcher = join(hostDir, '../node_modules/@modelcontextprotocol/inspector/clients/launcher/build/index.js');

let host: TestHost;
let token: string;
let scratch: string;

/** `npx @modelcontextprotocol/inspector --cli <url> ...`, from host/ (inspector-cli needs a package.json in the parent of its cwd). */
async function inspector(...args: string[]): Promise<unknown> {
  const { stdout } = await run(
    process.execPath,
    [launcher, '--cli', host.url.href, '--transport', 'http', '--header', `Authorization: Bearer ${token}`, ...args],
    { cwd: hostDir, timeout: 60_000, env: { ...process.env, MCP_CATALOG_PATH: join(scratch, 'catalog.json'), HOME: scratch } },
  );
  return JSON.parse(stdout);
}

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'neonhub-inspector-'));
  host = await startTestHost();
  host.workspaces.enable('alpha', 'demo');
  token = await host.token('alpha', 'member', 'inspector');
});
afterAll(async () => {
  await host?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('MCP Inspector CLI 2.12 against the gateway', () => {
  it('lists the workspace tools', async () => {
    const out = (await inspector('--method', 'tools/list')) as { tools: { name: string }[] };
    expect(out.tools.map((t) => t.name)).toContain('demo__echo');
  }, 90_000);

  it('calls a tool and gets its structured output', async () => {
    const out = (await inspector('--method', 'tools/call', '--tool-name', 'demo__echo', '--tool-arg', 'text=inspected')) as {
      structuredContent: unknown;
    };
    expect(out.structuredContent).toEqual({ text: 'inspected', length: 9 });
  }, 90_000);
});
