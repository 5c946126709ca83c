import { createHarness } from '@neonhub/sdk/testing';
import { describe, expect, it } from 'vitest';
import plugin from '../index.js';
import { compose } from './compose.js';

describe('compose', () => {
  it('previews each recipient, reports missing fields and which fields are required', async () => {
    const h = createHarness(plugin);
    const r = await h.run(compose, {
      subject: '{{first_name | Friend}}, your {{discount}} code',
      body: 'Hi {{first_name | there}},\nUse {{code}} for {{discount}} off at {{company}}.\nSent to {{email}}.',
      defaults: { discount: '20%' },
      recipients: [
        { email: 'ada@example.com', fields: { first_name: 'Ada', code: 'ADA20', company: 'Acme' } },
        { email: 'bob@example.com', fields: { code: 'BOB20' } },
      ],
    });
    expect(r.fields).toEqual(['first_name', 'discount', 'code', 'company', 'email']);
    expect(r.requiredFields).toEqual(['code', 'company']);
    expect(r.templateId).toMatch(/^tpl_/);
    expect(r.previews[0]).toEqual({
      email: 'ada@example.com',
      subject: 'Ada, your 20% code',
      body: 'Hi Ada,\nUse ADA20 for 20% off at Acme.\nSent to ada@example.com.',
      missingFields: [],
    });
    expect(r.previews[1]).toMatchObject({
      subject: 'Friend, your 20% code',
      body: 'Hi there,\nUse BOB20 for 20% off at .\nSent to bob@example.com.',
    });
    expect(r.missing).toEqual([{ email: 'bob@example.com', fields: ['company'] }]);
    expect(r.ready).toBe(false);
  });

  it('stores the template and limits previews', async () => {
    const h = createHarness(plugin);
    const recipients = Array.from({ length: 8 }, (_, i) => ({ email: `u${i}@example.com`, fields: { first_name: `U${i}` } }));
    const r = await h.run(compose, { subject: 'Hello', body: 'Hi {{first_name}}', recipients, previewLimit: 3 });
    expect(r.previews.map((p) => p.body)).toEqual(['Hi U0', 'Hi U1', 'Hi U2']);
    expect(r.ready).toBe(true);
    const stored = await h.context.store.get<{ subject: string; format: string }>('templates', r.templateId);
    expect(stored?.value).toMatchObject({ subject: 'Hello', format: 'text' });
  });
});
