// A "slow" outside MCP server over stdio: one tool that waits 100 ms (I/O-bound work).
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';

const server = new Server({ name: 'slow', version: '1.0.0' }, { capabilities: { tools: {} } });
server.setRequestHandler(ListToolsRequestSchema, () => ({
  tools: [
    {
      name: 'wait_100ms',
      description: 'Waits 100 ms',
      inputSchema: { type: 'object', properties: {} },
      annotations: { readOnlyHint: true },
    },
  ],
}));
server.setRequestHandler(CallToolRequestSchema, async () => {
  await new Promise((r) => setTimeout(r, 100));
  return { content: [{ type: 'text', text: 'done' }] };
});
await server.connect(new StdioServerTransport());
