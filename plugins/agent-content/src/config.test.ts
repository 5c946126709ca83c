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

  it('rejects unknown keys and empty banned phrases', () => {
    expect(ConfigSchema.safeParse({ brandVoice: 'warm', bannedPhrases: ['synergy'] }).success).toBe(true);
    expect(ConfigSchema.safeParse({ bannedPhrases: [''] }).success).toBe(false);
    expect(ConfigSchema.safeParse({ brandvoice: 'warm' }).success).toBe(false);
  });
});
