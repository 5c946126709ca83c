import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { registries } from '../../scripts/error-registries.js';
import { renderErrorsDoc } from '../../scripts/gen-errors-doc.js';

describe('docs/errors.md', () => {
  it('lists exactly the codes of every error registry (run `pnpm errors:doc` after adding one)', () => {
    const committed = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    expect(committed).toBe(renderErrorsDoc(registries));
  });

  it('has no code in two registries', () => {
    const seen = new Map<string, string>();
    for (const [area, registry] of Object.entries(registries)) {
      for (const code of Object.keys(registry)) {
        expect(seen.get(code), `${code} is in ${seen.get(code)} and ${area}`).toBeUndefined();
        seen.set(code, area);
      }
    }
  });
});
