import { randomUUID } from 'node:crypto';
import { bearer, createFaults, createTokenStore, type FakeRequest, type FakeResponse, hmacSha256, serveFake } from './http.js';
import type { FakeConnection } from './webhook.js';

export interface HubSpotFakeContact {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
}
export interface HubSpotFakeSubscription {
  subscriptionId: number;
  subscriptionName: string;
  status: 'SUBSCRIBED' | 'NOT_SUBSCRIBED';
  legalBasis: string | null;
  legalBasisExplanation: string | null;
}
export interface HubSpotFakeNote {
  id: string;
  properties: Record<string, string>;
  contactIds: string[];
}

const hubError = (
  status: number,
  category: string,
  message: string,
  extra: Record<string, unknown> = {},
  headers?: Record<string, string>,
): FakeResponse => ({
  status,
  json: { status: 'error', message, correlationId: randomUUID(), category, ...extra },
  ...(headers ? { headers } : {}),
});

/**
 * HubSpot on a local port: CRM v3 contacts (paged list, read by email, batch upsert by email), notes with
 * associations, communication preferences v4 batch status read, OAuth v1 token refresh; errors as
 * { status: 'error', message, correlationId, category }; 429 with X-HubSpot-RateLimit-* headers; webhooks signed
 * with X-HubSpot-Signature-v3 (sign()).
 */
export async function startHubSpotFake(opts: { port?: number; clientId?: string; clientSecret?: string } = {}) {
  const tokens = createTokenStore('hubspot');
  const faults = createFaults();
  const contacts: HubSpotFakeContact[] = [];
  const subscriptions = new Map<string, HubSpotFakeSubscription[]>();
  const notes: HubSpotFakeNote[] = [];
  const clientId = opts.clientId ?? 'hubspot-client-id';
  const clientSecret = opts.clientSecret ?? 'hubspot-client-secret';
  let nextId = 51;
  const now = () => new Date().toISOString();
  const byEmail = (email: string) => contacts.find((c) => c.properties.email?.toLowerCase() === email.toLowerCase());
  const view = (c: HubSpotFakeContact, props?: string[]) => ({
    id: c.id,
    properties: props
      ? Object.fromEntries([...props, 'hs_object_id', 'createdate', 'lastmodifieddate'].map((p) => [p, c.properties[p] ?? null]))
      : c.properties,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    archived: false,
  });

  function addContact(properties: Record<string, string>, subs: HubSpotFakeSubscription[] = []): HubSpotFakeContact {
    const id = String(nextId++);
    const c = {
      id,
      properties: { hs_object_id: id, createdate: now(), lastmodifieddate: now(), ...properties },
      createdAt: now(),
      updatedAt: now(),
    };
    contacts.push(c);
    if (properties.email) subscriptions.set(properties.email.toLowerCase(), subs);
    return c;
  }

  function route(req: FakeRequest): FakeResponse {
    const { method, path } = req;
    if (method === 'POST' && path === '/oauth/v1/token') {
      const f = req.form;
      if (f.get('client_id') !== clientId || f.get('client_secret') !== clientSecret)
        return { status: 400, json: { status: 'BAD_CLIENT_ID', message: 'missing or unknown client id', correlationId: randomUUID() } };
      if (f.get('grant_type') !== 'refresh_token')
        return { status: 400, json: { status: 'BAD_GRANT_TYPE', message: 'unsupported grant type', correlationId: randomUUID() } };
      const pair = tokens.refresh(f.get('refresh_token') ?? '');
      if (!pair)
        return {
          status: 400,
          json: { status: 'BAD_REFRESH_TOKEN', message: 'missing or unknown refresh token', correlationId: randomUUID() },
        };
      return { json: { token_type: 'bearer', refresh_token: pair.refreshToken, access_token: pair.accessToken, expires_in: 1800 } };
    }
    const forced = faults.next(req);
    if (forced) return forced;
    const token = bearer(req);
    if (!tokens.valid(token)) {
      return token?.startsWith('hubspot-at-')
        ? hubError(401, 'EXPIRED_AUTHENTICATION', 'The OAuth token used to make this call expired 1 minute(s) ago.')
        : hubError(
            401,
            'INVALID_AUTHENTICATION',
            'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
          );
    }
    if (method === 'GET' && path === '/crm/v3/objects/contacts') {
      const limit = Math.min(Number(req.query.get('limit') ?? 10), 100);
      const after = Number(req.query.get('after') ?? 0);
      const props = req.query.getAll('properties').flatMap((p) => p.split(','));
      const page = contacts.slice(after, after + limit);
      const next = after + limit < contacts.length ? String(after + limit) : undefined;
      return {
        json: {
          results: page.map((c) => view(c, props.length ? props : ['email', 'firstname', 'lastname'])),
          ...(next ? { paging: { next: { after: next, link: `https://api.hubapi.com/crm/v3/objects/contacts?after=${next}` } } } : {}),
        },
      };
    }
    const one = /^\/crm\/v3\/objects\/contacts\/([^/]+)$/.exec(path);
    if (method === 'GET' && one) {
      const key = decodeURIComponent(one[1]!);
      const c = req.query.get('idProperty') === 'email' ? byEmail(key) : contacts.find((x) => x.id === key);
      return c ? { json: view(c) } : hubError(404, 'OBJECT_NOT_FOUND', 'resource not found');
    }
    if (method === 'POST' && path === '/crm/v3/objects/contacts/batch/upsert') {
      const inputs =
        (req.json as { inputs?: Array<{ id: string; idProperty?: string; properties: Record<string, string> }> } | undefined)?.inputs ?? [];
      if (inputs.length === 0 || inputs.length > 100)
        return hubError(400, 'VALIDATION_ERROR', 'Invalid input JSON on line 1: inputs must hold 1 to 100 items');
      const bad = inputs.find((i) => i.idProperty === 'email' && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(i.id));
      if (bad)
        return hubError(
          400,
          'VALIDATION_ERROR',
          `Property values were not valid: [{"isValid":false,"message":"Email address ${bad.id} is invalid","error":"INVALID_EMAIL","name":"email"}]`,
        );
      const results = inputs.map((i) => {
        const existing = byEmail(i.id);
        if (existing) {
          Object.assign(existing.properties, i.properties, { lastmodifieddate: now() });
          existing.updatedAt = now();
          return { ...view(existing), new: false };
        }
        return { ...view(addContact({ email: i.id, ...i.properties })), new: true };
      });
      return { json: { status: 'COMPLETE', results, startedAt: now(), completedAt: now() } };
    }
    if (method === 'POST' && path === '/crm/v3/objects/notes') {
      const body = req.json as
        | {
            properties?: Record<string, string>;
            associations?: Array<{ to: { id: string }; types: Array<{ associationCategory: string; associationTypeId: number }> }>;
          }
        | undefined;
      if (!body?.properties?.hs_timestamp)
        return hubError(400, 'VALIDATION_ERROR', 'Property values were not valid: hs_timestamp is required');
      const contactIds = (body.associations ?? []).map((a) => a.to.id);
      if (contactIds.some((id) => !contacts.some((c) => c.id === id)))
        return hubError(400, 'VALIDATION_ERROR', 'One or more associations are invalid');
      const note = { id: String(nextId++), properties: body.properties, contactIds };
      notes.push(note);
      return {
        status: 201,
        json: {
          id: note.id,
          properties: { ...note.properties, hs_object_id: note.id },
          createdAt: now(),
          updatedAt: now(),
          archived: false,
        },
      };
    }
    if (method === 'POST' && path === '/communication-preferences/v4/statuses/batch/read') {
      if (req.query.get('channel') !== 'EMAIL') return hubError(400, 'VALIDATION_ERROR', 'channel must be EMAIL');
      const inputs = (req.json as { inputs?: string[] } | undefined)?.inputs ?? [];
      return {
        json: {
          status: 'COMPLETE',
          results: inputs.map((email) => ({
            subscriberIdString: email,
            statuses: (subscriptions.get(email.toLowerCase()) ?? []).map((s) => ({
              ...s,
              channel: 'EMAIL',
              source: 'Public status API',
              setStatusSuccessReason: 'RESUBSCRIBE_OCCURRED',
              timestamp: now(),
              businessUnitId: 0,
            })),
          })),
          startedAt: now(),
          completedAt: now(),
        },
      };
    }
    return hubError(404, 'OBJECT_NOT_FOUND', `no route ${method} ${path}`);
  }

  const server = await serveFake(route, opts);
  const demo = tokens.issue();
  return {
    name: 'hubspot' as const,
    url: server.url,
    requests: server.requests,
    contacts,
    notes,
    subscriptions,
    tokens,
    faults,
    clientId,
    clientSecret,
    addContact,
    /** The next `times` API requests answer 429 as HubSpot's ten-secondly limit does (X-HubSpot-RateLimit-*, no Retry-After). */
    rateLimit: (times = 1) =>
      faults.add(
        hubError(
          429,
          'RATE_LIMITS',
          'You have reached your ten_secondly_rolling limit.',
          { errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING' },
          {
            'x-hubspot-ratelimit-interval-milliseconds': '10000',
            'x-hubspot-ratelimit-max': '190',
            'x-hubspot-ratelimit-remaining': '0',
            'x-hubspot-ratelimit-daily': '1000000',
            'x-hubspot-ratelimit-daily-remaining': '999000',
          },
        ),
        { times },
      ),
    /**
     * Signs a webhook delivery the way HubSpot does (v3): base64 HMAC-SHA256 with the app's client secret over
     * method + full URL + body + timestamp; returns the headers HubSpot sends.
     */
    sign(method: string, url: string, body: string, timestamp = Date.now()) {
      return {
        'x-hubspot-signature-v3': hmacSha256(clientSecret, `${method}${url}${body}${timestamp}`, 'base64'),
        'x-hubspot-request-timestamp': String(timestamp),
        'content-type': 'application/json',
      };
    },
    /** How a connection of the connector reaches this fake (NEONHUB_CONNECTORS=local-fakes, tests): plugin config and credentials. */
    connection: {
      plugin: 'connector-hubspot',
      config: { baseUrl: server.url },
      credentials: { accessToken: demo.accessToken, refreshToken: demo.refreshToken, clientSecret },
      account: { id: '24681357', name: 'NeonHub test portal' },
    } satisfies FakeConnection,
    close: server.close,
  };
}
export type HubSpotFake = Awaited<ReturnType<typeof startHubSpotFake>>;
