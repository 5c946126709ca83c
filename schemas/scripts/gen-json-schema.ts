/** Generates schemas/json/*.schema.json from the zod schemas; `--check` fails when the committed files drift. */
import { readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { LockfileSchema, PluginManifestSchema } from '../src/index.js';

const outputs: Record<string, z.ZodType> = {
  'plugin.schema.json': PluginManifestSchema,
  'plugins-lock.schema.json': LockfileSchema,
};
const check = process.argv.includes('--check');
let drift = 0;
for (const [file, schema] of Object.entries(outputs)) {
  const path = new URL(`../json/${file}`, import.meta.url);
  const text = `${JSON.stringify(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }), null, 2)}\n`;
  if (check) {
    let current = '';
    try {
      current = readFileSync(path, 'utf8');
    } catch {}
    if (current !== text) {
      console.error(`schemas/json/${file} is out of date: run \`pnpm schemas:gen\` and commit the result`);
      drift++;
    }
  } else writeFileSync(path, text);
}
if (drift) process.exit(1);
console.log(check ? 'JSON Schemas match the zod schemas' : 'JSON Schemas written');
