import { type HubSpotFake, startFake } from '@neonhub/fakes';
import { ConnectorEventSchema, PluginManifestSchema } from '@neonhub/schemas';
import { createHarness } from '@neonhub/sdk/testing';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import manifestJson from '../../plugin.json' with { type: 'json' };
import plugin from '../index.js';
import { importContacts } from './import-contacts.js';
import { logEngagement } from './log-engagement.js';
import { upsertContacts } from './upsert-contacts.js';

let hub: HubSpotFake;
let tokens: { accessToken: string; refreshToken: string };

function harness(accessToken = tokens.accessToken) {
  return createHarness(plugin, {
    manifest: PluginManifestSchema.parse({ ...manifestJson, network: { hosts: [new URL(hub.url).host] } }),
    config: { baseUrl: hub.url },
    connection: { id: 'conn-hub', label: 'Portal', credentials: { accessToken, tokenType: 'bearer' } },
  });
}

beforeEach(async () => {
  await hub?.close();
  hub = await startFake('hubspot');
  tokens = hub.tokens.issue();
  for (let i = 0; i < 5; i++) {
    hub.addContact({ email: `c${i}@example.com`, firstname: `C${i}`, hs_email_optout: i === 1 ? 'true' : 'false' }, [
      {
        subscriptionId: 1001,
        subscriptionName: 'Newsletter',
        status: i === 2 ? 'NOT_SUBSCRIBED' : 'SUBSCRIBED',
        legalBasis: 'CONSENT_WITH_NOTICE',
        legalBasisExplanation: null,
      },
    ]);
  }
});
afterAll(() => hub.close());

describe('connector-hubspot (@hubspot/api-client against the HubSpot fake)', () => {
  it('imports contacts page by page with their opt-out flag and subscription statuses', async () => {
    const h = harness();
    const first = await h.run(importContacts, { limit: 3 });
    expect(first.contacts.map((c) => c.email)).toEqual(['c0@example.com', 'c1@example.com', 'c2@example.com']);
    expect(first.contacts.map((c) => c.consent)).toEqual(['subscribed', 'unsubscribed', 'unsubscribed']);
    expect(first.contacts[1]!.unsubscribedFromAll).toBe(true);
    expect(first.contacts[0]!.subscriptions).toEqual([
      { subscriptionId: '1001', name: 'Newsletter', status: 'SUBSCRIBED', legalBasis: 'CONSENT_WITH_NOTICE' },
    ]);
    expect(first.nextAfter).not.toBeNull();
    const second = await h.run(importContacts, { limit: 3, after: first.nextAfter! });
    expect(second.contacts.map((c) => c.email)).toEqual(['c3@example.com', 'c4@example.com']);
    expect(second.nextAfter).toBeNull();
    const list = hub.requests.find((r) => r.path === '/crm/v3/objects/contacts')!;
    expect(list.query.getAll('properties').join(',')).toContain('hs_email_optout');
    expect(hub.requests.filter((r) => r.path === '/communication-preferences/v4/statuses/batch/read')).toHaveLength(2);
  });

  it('upserts contacts by e-mail (no duplicate on retry) and logs engagement once per key on the contact timeline', async () => {
    const h = harness();
    const input = {
      contacts: [
        { email: 'c0@example.com', properties: { lifecyclestage: 'customer' } },
        { email: 'new@example.com', firstName: 'New' },
      ],
    };
    const a = await h.run(upsertContacts, input);
    expect(a.contacts.map((c) => c.created)).toEqual([false, true]);
    const b = await h.run(upsertContacts, input);
    expect(b.contacts.map((c) => c.created)).toEqual([false, false]);
    expect(hub.contacts).toHaveLength(6);
    expect(hub.contacts[0]!.properties.lifecyclestage).toBe('customer');

    const e = { email: 'c0@example.com', event: 'clicked', summary: 'Clicked: Spring sale newsletter' };
    const n1 = await h.run(logEngagement, e, { idempotencyKey: 'eng-1' });
    const n2 = await h.run(logEngagement, e, { idempotencyKey: 'eng-1' });
    expect(n2).toEqual({ ...n1, duplicate: true });
    expect(hub.notes).toHaveLength(1);
    expect(hub.notes[0]).toMatchObject({
      contactIds: [hub.contacts[0]!.id],
      properties: { hs_note_body: '[NeonHub · clicked] Clicked: Spring sale newsletter' },
    });
  });

  it("maps HubSpot's errors: validation → REJECTED with the category, unknown contact → REJECTED, 429 → RATE_LIMITED with the window", async () => {
    const h = harness();
    hub.faults.add({
      status: 400,
      json: { status: 'error', message: 'Property values were not valid', correlationId: 'c', category: 'VALIDATION_ERROR' },
    });
    await expect(h.run(upsertContacts, { contacts: [{ email: 'x@example.com' }] })).rejects.toMatchObject({
      code: 'NH_CONNECTOR_REJECTED',
      details: { provider: 'hubspot', status: 400, providerCode: 'VALIDATION_ERROR' },
    });
    await expect(h.run(logEngagement, { email: 'nobody@example.com', event: 'opened', summary: 'x' })).rejects.toMatchObject({
      code: 'NH_CONNECTOR_REJECTED',
      details: { status: 404, providerCode: 'OBJECT_NOT_FOUND' },
    });
    hub.rateLimit(3);
    for (let i = 0; i < 3; i++) {
      await expect(h.run(importContacts, {})).rejects.toMatchObject({
        code: 'NH_CONNECTOR_RATE_LIMITED',
        details: { status: 429, retryAfterMs: 10_000, providerCode: 'RATE_LIMITS' },
      });
    }
    expect((await h.run(importContacts, {})).contacts).toHaveLength(5);
  });

  it('an expired token is NH_CONNECTOR_AUTH_FAILED; refreshed at /oauth/v1/token the call goes through', async () => {
    hub.tokens.expireAll();
    await expect(harness().run(importContacts, {})).rejects.toMatchObject({
      code: 'NH_CONNECTOR_AUTH_FAILED',
      details: { status: 401, providerCode: 'EXPIRED_AUTHENTICATION' },
    });
    const res = await fetch(`${hub.url}/oauth/v1/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        client_id: hub.clientId,
        client_secret: hub.clientSecret,
        refresh_token: tokens.refreshToken,
      }),
    });
    const fresh = (await res.json()) as { access_token: string; expires_in: number };
    expect(fresh.expires_in).toBe(1800);
    expect((await harness(fresh.access_token).run(importContacts, {})).contacts).toHaveLength(5);
  });

  it('parses a HubSpot webhook delivery (real shape) into unsubscribed / bounced / clicked events, ignoring others', async () => {
    const body = JSON.stringify([
      {
        eventId: 100,
        subscriptionId: 25,
        portalId: 33,
        appId: 1160452,
        occurredAt: 1767225600000,
        subscriptionType: 'contact.propertyChange',
        attemptNumber: 0,
        objectId: 123,
        propertyName: 'hs_email_optout',
        propertyValue: 'true',
        changeSource: 'EMAIL',
      },
      {
        eventId: 101,
        subscriptionId: 26,
        portalId: 33,
        appId: 1160452,
        occurredAt: 1767225601000,
        subscriptionType: 'contact.propertyChange',
        attemptNumber: 0,
        objectId: 124,
        propertyName: 'hs_email_hard_bounce_reason_enum',
        propertyValue: 'MAILBOX_FULL',
      },
      {
        eventId: 102,
        subscriptionId: 27,
        portalId: 33,
        appId: 1160452,
        occurredAt: 1767225602000,
        subscriptionType: 'contact.propertyChange',
        attemptNumber: 1,
        objectId: 125,
        propertyName: 'hs_email_last_click_date',
        propertyValue: '1767225602000',
      },
      {
        eventId: 103,
        subscriptionId: 28,
        portalId: 33,
        appId: 1160452,
        occurredAt: 1767225603000,
        subscriptionType: 'contact.creation',
        attemptNumber: 0,
        objectId: 126,
      },
      {
        eventId: 104,
        subscriptionId: 25,
        portalId: 33,
        appId: 1160452,
        occurredAt: 1767225604000,
        subscriptionType: 'contact.propertyChange',
        attemptNumber: 0,
        objectId: 127,
        propertyName: 'hs_email_optout',
        propertyValue: 'false',
      },
    ]);
    const url = 'https://neonhub.example.com/hooks/connector-hubspot/conn-hub';
    const headers = hub.sign('POST', url, body);
    expect(headers['x-hubspot-signature-v3']).toMatch(/^[A-Za-z0-9+/]+=*$/);
    const logs: unknown[] = [];
    const logger = { debug: () => {}, info: () => {}, warn: (o: unknown) => logs.push(o), error: () => {} };
    const events = await plugin.webhook!.parse(
      { method: 'POST', headers, body, query: {} },
      { connection: { id: 'conn-hub', label: 'Portal', credentials: {} }, logger },
    );
    expect(events.map((e) => [e.id, e.type, e.data.contactId])).toEqual([
      ['100', 'unsubscribed', '123'],
      ['101', 'bounced', '124'],
      ['102', 'clicked', '125'],
    ]);
    for (const e of events) ConnectorEventSchema.parse(e);
    expect(events[0]!.occurredAt).toBe('2026-01-01T00:00:00.000Z');
    expect(
      await plugin.webhook!.parse(
        { method: 'POST', headers, body: 'not json', query: {} },
        { connection: { id: 'c', label: 'l', credentials: {} }, logger },
      ),
    ).toEqual([]);
  });
});
