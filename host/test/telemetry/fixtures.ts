/** A plugin whose `relay` tool calls rt-basic:add through ctx.callTool (for nested spans). */
export function relayPlugin(id: string) {
  const schema = (props: Record<string, unknown>, required: string[]) => ({ type: 'object', properties: props, required });
  return {
    'plugin.json': JSON.stringify({
      id,
      version: '0.1.0',
      kind: 'capability',
      description: `telemetry fixture ${id}`,
      host: '^0.2.0',
      runtime: { type: 'module', entry: 'src/index.ts' },
      dependencies: { 'rt-basic': '^0.1.0' },
      tools: [
        {
          name: 'relay',
          description: 'Adds through rt-basic:add.',
          inputSchema: schema({ a: { type: 'number' } }, ['a']),
          outputSchema: { ...schema({ sum: { type: 'number' } }, ['sum']), additionalProperties: false },
          sideEffect: 'read',
        },
      ],
    }),
    'package.json': JSON.stringify({ name: `@test/${id}`, version: '0.1.0', type: 'module' }),
    'src/index.ts': `
import { definePlugin, defineTool } from '@neonhub/sdk';
import { z } from 'zod';
export default definePlugin({
  id: '${id}',
  tools: [
    defineTool({
      name: 'relay',
      description: 'Adds through rt-basic:add.',
      input: z.object({ a: z.number() }),
      output: z.object({ sum: z.number() }),
      sideEffect: 'read',
      run: async ({ a }, ctx) => (await ctx.callTool('rt-basic:add', { a })) as { sum: number },
    }),
  ],
});
`,
  };
}
