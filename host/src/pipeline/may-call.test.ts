import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PluginManifestSchema } from '@neonhub/schemas';
import { describe, expect, it } from 'vitest';
import { mayCall } from './may-call.js';

const manifest = (id: string) =>
  PluginManifestSchema.parse(JSON.parse(readFileSync(join(import.meta.dirname, '../../../plugins', id, 'plugin.json'), 'utf8')));

describe('mayCall', () => {
  const social = manifest('agent-social');
  const x = manifest('connector-x');

  it("lets an agent call a connector's channel tool (where ctx.channels routes a post), not its other tools", () => {
    expect(mayCall(social, 'connector-x:post', x)).toBe(true);
    const hubspot = manifest('connector-hubspot');
    expect(mayCall(social, 'connector-hubspot:upsert_contacts', hubspot)).toBe(true);
    expect(mayCall(social, 'connector-hubspot:import_contacts', hubspot)).toBe(false);
    expect(mayCall(social, 'connector-x:post')).toBe(false); // the target plugin unknown: refused
  });

  it('keeps dependencies and calls patterns, and gives no channel tools to plugins that are not agents', () => {
    expect(mayCall(social, 'connector-social-sandbox:post')).toBe(true);
    expect(mayCall(social, 'agent-email:send')).toBe(false);
    expect(mayCall(manifest('data-trust'), 'connector-x:post', x)).toBe(false);
  });
});
