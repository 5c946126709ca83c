import { makePgliteTemplate, PGLITE_TEMPLATE_ENV } from '../core/db/src/pglite-template.js';

/**
 * Once per `vitest run`, before any test file: initdb into a kept template (makePgliteTemplate), named in
 * NEONHUB_PGLITE_TEMPLATE for the test workers and the processes they start, so each fresh embedded database (every
 * test host's, every `neonhub` child's) starts as a copy instead of running initdb itself.
 */
export default async function setup(): Promise<void> {
  process.env[PGLITE_TEMPLATE_ENV] ??= await makePgliteTemplate();
}
