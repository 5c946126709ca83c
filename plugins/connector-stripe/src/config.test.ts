import { toJsonSchema } from '@neonhub/sdk';
import { describe, expect, it } from 'vitest';
import manifest from '../plugin.json' with { type: 'json' };
import { ConfigSchema } from './config.js';

describe('config schema', () => {
  it('plugin.json config is generated from ConfigSchema', () => {
    expect(manifest.config).toEqual(toJsonSchema(ConfigSchema, 'input'));
  });
});
