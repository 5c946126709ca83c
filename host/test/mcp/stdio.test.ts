import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { describe, expect, it } from 'vitest';
import { nodeArgsFor } from '../cli-bin.js';

const here = dirname(fileURLToPath(import.meta.url));

describe('serveWorkspaceStdio', () => {
  it('serves the workspace over real stdio as the local operator, logs on stderr only', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [...nodeArgsFor(join(here, 'fixtures/stdio-server.ts')), 'alpha'],
      cwd: join(here, '../..'),
      stderr: 'pipe',
    });
    let stderr = '';
    transport.stderr?.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const client = new Client({ name: 'stdio-test', version: '1.0.0' });
    const errors: Error[] = [];
    client.onerror = (e) => errors.push(e);
    await client.connect(transport);
    expect(client.getServerVersion()?.name).toBe('neonhub-alpha');
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('demo__echo');
    // the local operator is an owner: write tools are callable
    const saved = await client.callTool({ name: 'demo__save_draft', arguments: { title: 'Spring sale' } });
    expect(saved.structuredContent).toEqual({ saved: true, title: 'Spring sale' });
    await client.close();
    expect(errors).toEqual([]); // nothing but JSON-RPC reached stdout
    expect(stderr).toContain('serving workspace over stdio');
  }, 30_000);
});
