import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { toJsonSchema } from '@neonhub/sdk';
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from './config.js';

describe('config schema', () => {
  it('plugin.json config is generated from ConfigSchema', async () => {
    const manifest = JSON.parse(await readFile(join(import.meta.dirname, '..', 'plugin.json'), 'utf8'));
    expect(manifest.config).toEqual(toJsonSchema(ConfigSchema, 'input'));
  });

  it('rejects unknown keys and a sender that is not an address', () => {
    expect(ConfigSchema.safeParse({ from: 'news@example.com' }).success).toBe(true);
    expect(ConfigSchema.safeParse({ from: 'not an address' }).success).toBe(false);
    expect(ConfigSchema.safeParse({ form: 'news@example.com' }).success).toBe(false);
  });
});
