/**
 * Writes docs/errors.md from every error registry; `--check` fails when the committed file differs.
 * A test runs the check, so a code added to a registry without docs fails CI.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { ErrorRegistry } from '@neonhub/schemas';
import { registries } from './error-registries.js';

export function renderErrorsDoc(all: Record<string, ErrorRegistry>): string {
  const lines = [
    '# Error codes',
    '',
    'Every error NeonHub raises has a stable code, a message a person can act on, an HTTP status at the API',
    'boundary and a category: `user` (fix the input; do not retry), `transient` (retry with backoff),',
    '`third_party` (an outside service or plugin failed) or `internal` (a bug; the host log has details).',
    'The API answers `{ "error": { "code", "message", "details" } }`; the CLI prints `error CODE: message` and',
    'exits with 2 for user errors and 1 otherwise.',
    '',
    '_Generated from the error registries by `pnpm errors:doc`; a test keeps this file and the code in agreement._',
    '',
  ];
  for (const [area, registry] of Object.entries(all)) {
    lines.push(`## ${area}`, '', '| code | status | category | meaning |', '|---|---|---|---|');
    for (const [code, spec] of Object.entries(registry).sort(([a], [b]) => a.localeCompare(b))) {
      lines.push(`| \`${code}\` | ${spec.status} | ${spec.category} | ${spec.description.replace(/\|/g, '\\|')} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

const isMain = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/.*\//, ''));
if (isMain) {
  const path = new URL('../docs/errors.md', import.meta.url);
  const text = renderErrorsDoc(registries);
  if (process.argv.includes('--check')) {
    if (readFileSync(path, 'utf8') !== text) {
      console.error('docs/errors.md is out of date: run `pnpm errors:doc`');
      process.exit(1);
    }
  } else writeFileSync(path, text);
}
