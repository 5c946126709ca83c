import { render } from 'svelte/server';
import { describe, expect, it } from 'vitest';
import ApprovalExpiry from './ApprovalExpiry.svelte';

/** The component as the server renders it (the browser hydrates the same words: the page's load gives `now`). */
const html = (props: { expiresAt: string | null; now: number; timeZone: string; inRun: boolean }) =>
  render(ApprovalExpiry, { props }).body.replace(/<!--[^>]*-->/g, '');

describe('when an approval expires', () => {
  const now = Date.parse('2026-12-07T01:00:00Z');

  it('says until when, in the workspace’s zone, and how long is left', () => {
    const out = html({ expiresAt: '2026-12-07T04:30:00Z', now, timeZone: 'America/New_York', inRun: true });
    expect(out).toContain('data-testid="approval-expires"');
    expect(out).toMatch(/Approve by Dec 6, 2026, 11:30\s?PM/);
    expect(out).toContain('expires in 3 h');
    expect(out).not.toContain('approval-expired');
  });

  it('once past, says it expired and what follows (a run’s step fails; a call is not made)', () => {
    const step = html({ expiresAt: '2026-12-07T00:59:00Z', now, timeZone: 'UTC', inRun: true });
    expect(step).toContain('data-testid="approval-expired"');
    expect(step).toMatch(/Expired<\/strong> Dec 7, 2026, 12:59\s?AM: it can no longer be approved/);
    expect(step).toContain('The step fails and the run ends');
    const call = html({ expiresAt: '2026-12-07T00:59:00Z', now, timeZone: 'UTC', inRun: false });
    expect(call).toContain('The call is not made');
  });

  it('says nothing when the provider gave no expiry', () => {
    expect(html({ expiresAt: null, now, timeZone: 'UTC', inRun: true }).trim()).toBe('');
  });
});
