import type { PluginKind, ToolDefinition } from '@neonhub/schemas';

export interface TemplateInput {
  id: string;
  kind: PluginKind;
  description: string;
  sdkRange: string;
  hostRange: string;
  tools: ToolDefinition[];
}

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

/** The files of a new plugin, by path relative to its folder. */
export function pluginTemplate(t: TemplateInput): Record<string, string> {
  return {
    'plugin.json': json({
      id: t.id,
      version: '0.1.0',
      kind: t.kind,
      description: t.description,
      host: t.hostRange,
      runtime: { type: 'module', entry: 'src/index.ts' },
      tools: t.tools,
      secrets: [],
      network: { hosts: [] },
      hooks: [],
    }),
    'package.json': json({
      name: `@neonhub/plugin-${t.id}`,
      version: '0.1.0',
      type: 'module',
      description: t.description,
      exports: { '.': './src/index.ts' },
      files: ['plugin.json', 'src', 'README.md'],
      scripts: { test: 'vitest run', sync: 'neonhub plugin sync .' },
      peerDependencies: { '@neonhub/sdk': t.sdkRange, zod: '^4.1.0' },
      devDependencies: { '@neonhub/sdk': t.sdkRange, vitest: '^4.1.12', zod: '^4.1.0' },
    }),
    '.gitignore': 'node_modules\n',
    'src/index.ts': `import { definePlugin } from '@neonhub/sdk';
import { wordCount } from './tools/word-count.js';

export default definePlugin({
  id: '${t.id}',
  tools: [wordCount],
});
`,
    'src/tools/word-count.ts': `import { defineTool } from '@neonhub/sdk';
import { z } from 'zod';

/** An example tool: replace it with your own. One tool per file; the zod schemas are the single source. */
export const wordCount = defineTool({
  name: 'word_count',
  description: 'Counts the words and characters in a text.',
  sideEffect: 'none',
  input: z.object({
    text: z.string().describe('The text to count words in.'),
  }),
  output: z.object({
    words: z.number().int(),
    characters: z.number().int(),
  }),
  run({ text }, ctx) {
    const trimmed = text.trim();
    const words = trimmed === '' ? 0 : trimmed.split(/\\s+/).length;
    ctx.logger.debug({ words }, 'counted words');
    return { words, characters: [...text].length };
  },
});
`,
    'src/tools/word-count.test.ts': `import { createHarness } from '@neonhub/sdk/testing';
import { describe, expect, it } from 'vitest';
import plugin from '../index.js';

describe('word_count', () => {
  const harness = createHarness(plugin);

  it('counts words and characters', async () => {
    await expect(harness.call('word_count', { text: 'Hello brave new world' })).resolves.toEqual({ words: 4, characters: 21 });
    await expect(harness.call('word_count', { text: '   ' })).resolves.toEqual({ words: 0, characters: 3 });
  });

  it('rejects input without text', async () => {
    await expect(harness.call('word_count', {})).rejects.toMatchObject({ code: 'NH_SDK_INPUT_INVALID' });
  });
});
`,
    'test/conformance.test.ts': `import { join } from 'node:path';
import { runConformance } from '@neonhub/sdk/testing';
import plugin from '../src/index.js';

runConformance({ dir: join(import.meta.dirname, '..'), plugin });
`,
    'README.md': `# ${t.id}

${t.description}

A NeonHub ${t.kind} plugin. \`plugin.json\` says what it is; the host reads it without running code.

## Develop

\`\`\`sh
# 1. write or change a tool in src/tools/ (zod input/output, one tool per file)
# 2. regenerate plugin.json's tools from the code (never edit them by hand)
neonhub plugin sync .
# 3. run the unit tests and the SDK's conformance suite
npx vitest run
# 4. pin it in the host's plugins.lock.json once it is installed
neonhub plugin lock
\`\`\`

Tools run with a context that grants only what \`plugin.json\` declares: \`ctx.fetch\` reaches only
\`network.hosts\`, \`ctx.secrets.get(name)\` returns only declared \`secrets\`. See the plugin
author guide (docs/plugin-authors.md in the NeonHub repository).
`,
  };
}
