/**
 * Prints the `tools` array of plugin.json, generated from the zod schemas in src/tools.ts.
 *   npx tsx scripts/print-tools.ts           print it
 *   npx tsx scripts/print-tools.ts --write   rewrite plugin.json's tools in place
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { memoryToolDefinitions } from '../src/tools.js';

const tools = memoryToolDefinitions();
if (process.argv.includes('--write')) {
  const path = fileURLToPath(new URL('../plugin.json', import.meta.url));
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  manifest.tools = tools;
  writeFileSync(path, `${JSON.stringify(manifest, null, 2)}\n`);
  process.stderr.write(`wrote ${tools.length} tools to ${path}\n`);
} else {
  process.stdout.write(`${JSON.stringify(tools, null, 2)}\n`);
}
