import { join } from 'node:path';
import { runConformance } from '@neonhub/sdk/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { EcoConfigSchema } from '../src/config.js';
import plugin from '../src/index.js';
import { manifest } from './helpers.js';

runConformance({ dir: join(import.meta.dirname, '..'), plugin });

describe('eco manifest', () => {
  it('declares afterToolCall at priority 800 (before data-trust at 900)', () => {
    expect(manifest.hooks).toEqual([{ event: 'afterToolCall', priority: 800 }]);
  });

  it('config in plugin.json equals the zod config schema', () => {
    const generated = z.toJSONSchema(EcoConfigSchema, { io: 'input' }) as Record<string, unknown>;
    delete generated.$schema;
    expect(manifest.config).toEqual(generated);
  });
});
