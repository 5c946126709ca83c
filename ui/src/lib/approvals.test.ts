import { describe, expect, it } from 'vitest';
import {
  EAGER_PREVIEWS,
  eagerPreviews,
  emailDocument,
  mergeFields,
  originOf,
  policyInWords,
  previewOf,
  previewSummary,
  resolveRefs,
  type StepLike,
} from './approvals';
import { atLeast, currentItem, navFor } from './nav';

// The spring-sale plan as the offline planner makes it, the drafts and the composition done, the send waiting.
const steps: StepLike[] = [
  {
    id: 'draft_email',
    status: 'succeeded',
    title: 'Draft the email copy',
    input: { kind: 'email' },
    output: { draftId: 'd1', text: 'Hi {{first_name | there}},\n\nOur spring sale: https://shop.example/sale\n\nSee you' },
  },
  {
    id: 'compose_email',
    status: 'succeeded',
    title: 'Compose the e-mail template',
    input: { name: 'Spring sale', subject: 'Spring sale for {{first_name | you}}', body: '{{steps.draft_email.output.text}}' },
    output: { templateId: 'tpl_1', fields: ['first_name'] },
  },
  {
    id: 'send_email',
    status: 'waiting_approval',
    title: 'Send the e-mail to 2 recipients',
    input: {
      templateId: '{{steps.compose_email.output.templateId}}',
      recipients: [{ email: 'ada@example.com', fields: { first_name: 'Ada' } }, { email: 'grace@example.com' }],
    },
  },
  { id: 'compose_social', status: 'pending', title: 'Compose the LinkedIn post', input: { network: 'linkedin', text: 'x' } },
  {
    id: 'publish_social',
    status: 'pending',
    title: 'Publish the LinkedIn post',
    input: { network: 'linkedin', text: '{{steps.compose_social.output.post}}' },
  },
];

describe('resolveRefs', () => {
  it('replaces a whole reference by the value and an embedded one by text, as the orchestrator will', () => {
    const r = resolveRefs(
      { id: '{{steps.compose_email.output.templateId}}', note: 'draft {{steps.draft_email.output.draftId}} ok' },
      steps,
    );
    expect(r.value).toEqual({ id: 'tpl_1', note: 'draft d1 ok' });
    expect(r.waitingOn).toEqual([]);
  });
  it('says in words what a step that has not run yet will fill in, never the raw {{…}}', () => {
    const r = resolveRefs(steps[4]?.input, steps);
    expect(JSON.stringify(r.value)).not.toContain('{{');
    expect((r.value as { text: string }).text).toBe('(filled in by “Compose the LinkedIn post” when it runs)');
    expect(r.waitingOn).toEqual(['compose_social']);
  });
  it('finds the step a whole reference comes from', () => {
    expect(originOf('{{steps.compose_email.output.templateId}}')).toBe('compose_email');
    expect(originOf('plain')).toBeUndefined();
  });
});

describe('previewOf', () => {
  it('previews an e-mail sent by template id with the composed subject and body, merge fields filled for the first recipient', () => {
    const input = resolveRefs(steps[2]?.input, steps).value as Record<string, unknown>;
    const p = previewOf(input, steps);
    expect(p.kind).toBe('email');
    if (p.kind !== 'email') return;
    expect(p.subject).toBe('Spring sale for Ada');
    expect(p.body.startsWith('Hi Ada,')).toBe(true);
    expect(p.recipient?.email).toBe('ada@example.com');
    expect(p.recipientCount).toBe(2);
    expect(p.missing).toEqual([]);
  });
  it('previews a social post with its network limit and the first link as a card', () => {
    const p = previewOf({ network: 'x', text: 'Spring is here https://shop.example/s #sale' });
    expect(p).toMatchObject({ kind: 'social', network: 'x', maxLength: 280, link: 'https://shop.example/s' });
  });
  it('shows any other input as labelled fields, not JSON', () => {
    const p = previewOf({ url: 'https://a.example', keywords: ['running', 'shoes'], sendAt: '2026-12-06' });
    expect(p).toEqual({
      kind: 'fields',
      fields: [
        { label: 'Url', value: 'https://a.example' },
        { label: 'Keywords', value: 'running, shoes' },
        { label: 'Send at', value: '2026-12-06' },
      ],
    });
  });
  it('previews a direct e-mail (to, subject, html)', () => {
    const p = previewOf({ to: 'x@example.com', subject: 'Hello {{first_name | friend}}', html: '<p>Hi</p>' });
    expect(p).toMatchObject({ kind: 'email', subject: 'Hello friend', format: 'html', recipientCount: 1 });
  });
});

describe('mergeFields and emailDocument', () => {
  it('fills fields from the recipient, then the inline fallback, then the defaults, and lists what is missing', () => {
    expect(mergeFields('{{a}} {{b | B}} {{c}} {{d}}', { a: 'A' }, { c: 'C' })).toEqual({ text: 'A B C ', missing: ['d'] });
  });
  it('escapes a text body, links its URLs, and strips scripts from an HTML body', () => {
    const text = emailDocument({ subject: 'S', body: 'a <b> https://x.example/y\n\nsecond', format: 'text' });
    expect(text).toContain('<p>a &lt;b&gt; <a href="https://x.example/y">https://x.example/y</a></p>');
    expect(text).toContain('<p>second</p>');
    const html = emailDocument({ subject: 'S', body: '<p>ok</p><script>alert(1)</script>', format: 'html' });
    expect(html).toContain('<p>ok</p>');
    expect(html).not.toContain('alert');
  });
});

describe('policyInWords', () => {
  it('explains the rule that held the call without ids', () => {
    expect(policyInWords({ source: 'policy', rule: 'requireApproval.sideEffects', sideEffect: 'external' })).toMatch(/reaches outside/);
    expect(policyInWords({ source: 'plan' })).toMatch(/plan holds this step/);
    expect(policyInWords({ source: 'policy', rule: 'requireApproval.tools[0]' })).toMatch(/names this action/);
  });
});

describe('navigation by role', () => {
  it('hides admin pages from members and viewers, and shows them to admins and owners', () => {
    expect(navFor('viewer').admin).toEqual([]);
    expect(navFor('member').admin).toEqual([]);
    expect(navFor('admin').admin.map((i) => i.path)).toContain('plugins');
    expect(navFor('viewer').work.map((i) => i.path)).toEqual([
      '',
      'approvals',
      'runs',
      'campaigns',
      'audiences',
      'analytics',
      'calendar',
      'outbox',
      'content',
      'brand',
      'policies',
      'usage',
      'notifications',
    ]);
    expect(atLeast('owner', 'admin') && !atLeast('member', 'admin')).toBe(true);
  });
  it('marks the page a path belongs to', () => {
    expect(currentItem('/w/s', '/w/s')?.label).toBe('Home');
    expect(currentItem('/w/s/runs/123', '/w/s')?.label).toBe('Runs');
    expect(currentItem('/elsewhere', '/w/s')).toBeUndefined();
  });
});

describe('previews rendered at once, and the others in a line', () => {
  it('renders the first few at once, and the one the URL asks for', () => {
    const items = Array.from({ length: 30 }, (_, i) => ({ key: `run/step-${i}` }));
    const eager = eagerPreviews(items);
    expect([...eager]).toEqual(items.slice(0, EAGER_PREVIEWS).map((i) => i.key));
    expect(eagerPreviews(items, 'run/step-20').has('run/step-20')).toBe(true);
    expect(eagerPreviews([]).size).toBe(0);
  });

  it('says what a preview not yet rendered holds', () => {
    const email = {
      kind: 'email',
      subject: 'Spring sale',
      body: '',
      format: 'text',
      recipient: null,
      recipientCount: 2,
      missing: [],
    } as const;
    expect(previewSummary({ ...email, missing: [] })).toBe('E-mail “Spring sale” to 2 recipients');
    expect(previewSummary({ ...email, subject: '', recipientCount: 0, missing: [] })).toBe('E-mail “(no subject)” to no recipients yet');
    const post = previewSummary({
      kind: 'social',
      network: 'linkedin',
      text: 'x'.repeat(200),
      maxLength: 3000,
      length: 200,
      link: null,
      media: [],
      warnings: [],
    });
    expect(post).toMatch(/^Post on LinkedIn: “x{79}…”$/);
  });
});
