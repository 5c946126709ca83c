import { type ConnectorEvent, ConnectorEventSchema, isNeonHubError } from '@neonhub/schemas';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Host } from '../host.js';
import { sameSecret } from '../secrets/index.js';
import { connectionErrors } from './errors.js';
import type { StoredConnectorEvent } from './events.js';
import { publicBase } from './routes.js';
import { verifyWebhook } from './webhook-verify.js';

/** The largest webhook body accepted (providers send a few KiB; Meta batches stay well under this). */
export const WEBHOOK_BODY_LIMIT = 256 * 1024;
/** At most this many events from one request. */
const MAX_EVENTS = 500;

export interface WebhookRouteOptions {
  publicBaseUrl?: string | undefined;
  now?: () => number;
}

const notFound = (why: string) => connectionErrors.create('NH_WEBHOOK_NOT_FOUND', why);

function lowerHeaders(request: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(request.headers)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/**
 * An unsubscribe or complaint withdraws the contact's consent at once, through the `record_consent` tool of the
 * workspace's consent provider (the plugin whose manifest provides `consent`; governance as shipped): opt_out, source
 * `webhook:<plugin> <type>`, so the next send to that contact is denied with the consent reason. Skipped, with a
 * warning, where no enabled plugin provides consent.
 */
export function consentFromEvents(host: Host) {
  return async (event: StoredConnectorEvent) => {
    if ((event.type !== 'unsubscribed' && event.type !== 'complained') || !event.recipient) return;
    const channels = host.manifest(event.plugin)?.connector?.channels ?? [];
    const channel = event.recipient.includes('@') ? 'email' : channels.includes('sms') ? 'sms' : undefined;
    if (!channel) return;
    try {
      const provider = await host.contracts.provider(event.workspaceId, 'consent');
      if (!provider) {
        host.logger.warn(
          { plugin: event.plugin, event: event.eventId, type: event.type },
          'an unsubscribe/complaint webhook found no plugin providing consent in the workspace: consent is not updated',
        );
        return;
      }
      await host.callTool({
        workspace: event.workspaceId,
        tool: `${provider}:record_consent`,
        input: {
          contact: event.recipient,
          channel,
          status: 'opt_out',
          source: `webhook:${event.plugin} ${event.type}`,
          at: event.occurredAt,
        },
        actor: { type: 'system', id: `webhook:${event.plugin}` },
        idempotencyKey: `connector-event:${event.id}`,
      });
    } catch (err) {
      host.logger.warn(
        { err, plugin: event.plugin, event: event.eventId, type: event.type },
        'an unsubscribe/complaint webhook could not update consent',
      );
    }
  };
}

/**
 * `/hooks/<connector>/<connection>`: public, but every request is verified before anything is parsed or stored.
 * The raw body is kept (up to 256 KiB) and checked with the connector's declared scheme and the connection's
 * secret field; then the plugin's `webhook.parse` turns it into events, stored once per (connection, event id).
 * Bad or forged input answers a coded 4xx, never a 500. Meta's GET hub.challenge handshake is answered here.
 */
export async function registerWebhookRoutes(app: FastifyInstance, host: Host, opts: WebhookRouteOptions = {}) {
  const connections = host.storage.connections;
  const events = host.storage.connectorEvents;
  const now = opts.now ?? Date.now;

  async function target(request: FastifyRequest) {
    const { connector, connection } = request.params as { connector: string; connection: string };
    const declared = host.manifest(connector)?.connector?.webhook;
    if (!declared) throw notFound(`no connector ${connector.slice(0, 100)} receives webhooks here`);
    const found = await connections.forWebhook(connector, connection);
    if (!found) throw notFound(`no connection ${connection.slice(0, 100)} of ${connector} receives webhooks here`);
    const secret = await connections.webhookSecret(found.row, declared.secretField);
    if (!secret)
      throw connectionErrors.create(
        'NH_WEBHOOK_SECRET_MISSING',
        `connection ${found.row.label} has no ${declared.secretField}: set it so ${connector}'s webhooks can be verified`,
      );
    return { connector, declared, found, secret };
  }

  async function handle(request: FastifyRequest, reply: FastifyReply) {
    const { connector, declared, found, secret } = await target(request);
    const headers = lowerHeaders(request);
    const body = typeof request.body === 'string' ? request.body : '';
    const url = `${publicBase(request, opts.publicBaseUrl)}${request.url}`;
    const query = Object.fromEntries(new URL(url).searchParams);

    if (request.method === 'GET') {
      // Meta's subscription handshake: hub.verify_token must equal the connection's verifyToken
      if (declared.scheme !== 'meta' || query['hub.mode'] !== 'subscribe')
        throw notFound(`${connector} webhooks are POSTed here (only Meta's subscription handshake uses GET)`);
      const expected = found.context.credentials.verifyToken ?? secret;
      if (!sameSecret(query['hub.verify_token'] ?? '', expected))
        throw connectionErrors.create('NH_WEBHOOK_SIGNATURE_INVALID', 'hub.verify_token does not match the connection');
      return reply.type('text/plain').send(query['hub.challenge'] ?? '');
    }

    await verifyWebhook(declared.scheme, { method: request.method, url, headers, body, secret, now: now() });

    // Slack's Events API checks a new request URL with a signed url_verification challenge
    if (declared.scheme === 'slack' && body.startsWith('{')) {
      try {
        const parsed = JSON.parse(body) as { type?: unknown; challenge?: unknown };
        if (parsed.type === 'url_verification' && typeof parsed.challenge === 'string') return { challenge: parsed.challenge };
      } catch {
        // not JSON: the parser decides
      }
    }

    const runtime = host.registry.plugin(connector)?.runtime;
    const handler = runtime?.webhook;
    if (!handler)
      throw notFound(
        runtime
          ? `${connector} runs ${runtime.kind}: its webhook parser runs in-process only (docs/connectors.md, "Webhooks")`
          : `${connector} is not loaded`,
      );
    let parsed: ConnectorEvent[];
    try {
      const raw = await handler.parse(
        { method: request.method, headers, body, query },
        { connection: found.context, logger: host.logger.child({ plugin: connector, webhook: found.row.id }) },
      );
      if (!Array.isArray(raw) || raw.length > MAX_EVENTS)
        throw new Error(`the parser returned ${Array.isArray(raw) ? raw.length : 'no'} events`);
      parsed = raw.map((e, i) => {
        const r = ConnectorEventSchema.safeParse(e);
        if (!r.success) throw new Error(`event ${i}: ${r.error.issues.map((x) => `${x.path.join('.')} ${x.message}`).join('; ')}`);
        return r.data;
      });
    } catch (err) {
      throw connectionErrors.create(
        'NH_WEBHOOK_BODY_INVALID',
        `${connector} could not read this webhook: ${isNeonHubError(err) ? err.message : err instanceof Error ? err.message : String(err)}`,
        { cause: err },
      );
    }
    // one provider request may repeat an event id: keep the first
    const unique = [...new Map(parsed.map((e) => [e.id, e])).values()];
    const stored = await events.record({ workspaceId: found.row.workspace_id, connectionId: found.row.id, pluginId: connector }, unique);
    return { received: parsed.length, stored: stored.length };
  }

  await app.register(async (hooks) => {
    // the raw bytes are what providers sign: no JSON or form parsing before verification
    hooks.removeAllContentTypeParsers();
    hooks.addContentTypeParser('*', { parseAs: 'string', bodyLimit: WEBHOOK_BODY_LIMIT }, (_request, payload, done) => done(null, payload));
    hooks.route({
      method: ['GET', 'POST'],
      url: '/hooks/:connector/:connection',
      config: { access: 'public' },
      bodyLimit: WEBHOOK_BODY_LIMIT,
      handler: handle,
    });
  });
}
