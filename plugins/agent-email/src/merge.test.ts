import { describe, expect, it } from 'vitest';
import { fieldsOf, merge } from './merge.js';

describe('merge fields', () => {
  it('lists fields in first-use order across templates', () => {
    expect(fieldsOf('Hi {{ first_name }}', '{{company}} and {{first_name|friend}} {{email}}')).toEqual(['first_name', 'company', 'email']);
  });

  it('takes the recipient value, then the inline fallback, then the default, else reports it missing', () => {
    const t = 'Hi {{first_name | there}}, {{company}} {{plan}}!';
    expect(merge(t, { first_name: 'Ada', company: 'Acme', plan: 'Pro' }, {})).toEqual({ text: 'Hi Ada, Acme Pro!', missing: [] });
    expect(merge(t, { first_name: '  ' }, { company: 'your team' })).toEqual({ text: 'Hi there, your team !', missing: ['plan'] });
  });

  it('escapes values in html but not the template', () => {
    expect(merge('<b>{{name}}</b>', { name: '<script>&' }, {}, { html: true }).text).toBe('<b>&lt;script&gt;&amp;</b>');
  });
});
