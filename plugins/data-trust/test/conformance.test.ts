import { join } from 'node:path';
import { runConformance } from '@neonhub/sdk/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DataTrustConfigSchema } from '../src/config.js';
import plugin from '../src/index.js';
import { manifest } from './helpers.js';

runConformance({ dir: join(import.meta.dirname, '..'), plugin });

describe('data-trust manifest', () => {
  it('declares afterToolCall at priority 900 so it runs after the other after-hooks', () => {
    expect(manifest.hooks).toEqual([{ event: 'afterToolCall', priority: 900 }]);
    expect(manifest.kind).toBe('capability');
  });

  it('config in plugin.json equals the zod config schema', () => {
    const generated = z.toJSONSchema(DataTrustConfigSchema, { io: 'input' }) as Record<string, unknown>;
    delete generated.$schema;
    expect(manifest.config).toEqual(generated);
  });
});
