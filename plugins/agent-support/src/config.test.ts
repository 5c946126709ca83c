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

  it('rejects unknown keys and unknown priorities', () => {
    expect(
      ConfigSchema.safeParse({ escalationRules: [{ name: 'billing', route: 'finance', when: { categories: ['billing'] } }] }).success,
    ).toBe(true);
    expect(ConfigSchema.safeParse({ escalationRules: [{ name: 'x', route: 'y', when: { priorities: ['critical'] } }] }).success).toBe(
      false,
    );
    expect(ConfigSchema.safeParse({ escalation: [] }).success).toBe(false);
  });
});
