import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

// biome-ignore lint/suspicious/noExplicitAny: the tracers wrap PGlite's methods, public and internal, by name
type Method = (this: unknown, ...args: any[]) => any;

/**
 * The prototype of the PGlite class core/db uses — its ESM build (require.resolve names the CommonJS one, another
 * class) — for the bench's tracers to wrap its methods before a database is opened.
 */
export async function pglitePrototype(): Promise<Record<string, Method>> {
  const require = createRequire(join(resolve(import.meta.dirname, '../../core/db'), 'package.json'));
  const esm = require.resolve('@electric-sql/pglite').replace(/index\.cjs$/, 'index.js');
  const { PGlite } = (await import(esm)) as { PGlite: { prototype: Record<string, Method> } };
  return PGlite.prototype;
}
