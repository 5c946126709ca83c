import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '../..');

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sources(path));
    else if (/\.(ts|mts|js|mjs|svelte)$/.test(name)) out.push(path);
  }
  return out;
}

const importsOf = (file: string) =>
  [...readFileSync(file, 'utf8').matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"]([^'"]+)['"]/g)].map((m) => m[1]!);

/** The dependency direction of the design: schemas <- core <- host; plugins and MCP servers never import the host. */
describe('package boundaries', () => {
  const cases: [string, RegExp][] = [
    ['plugins', /(^@neonhub\/host\b)|((\.\.\/)+host\/)/],
    ['mcp-servers', /(^@neonhub\/host\b)|((\.\.\/)+host\/)/],
    ['core', /(^@neonhub\/host\b)|((\.\.\/)+host\/)/],
    ['schemas', /(^@neonhub\/(host|sdk|db|llm)\b)|((\.\.\/)+(host|core)\/)/],
  ];
  for (const [folder, forbidden] of cases) {
    it(`${folder}/ does not import what it must not`, () => {
      // core's own tests hold plugin sources as strings (the conformance suite's bad examples)
      const files = sources(join(repo, folder)).filter((f) => folder !== 'core' || !/\.test\.ts$/.test(f));
      const offenders = files.flatMap((file) =>
        importsOf(file)
          .filter((spec) => forbidden.test(spec))
          .map((spec) => `${relative(repo, file)} imports ${spec}`),
      );
      expect(offenders).toEqual([]);
    });
  }
});
