import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import { createFaults, type FakeRequest, type FakeResponse, serveFake } from './http.js';
import { type FakeConnection, postWebhook } from './webhook.js';

/** A message the fake accepted, in Twilio's Message resource shape (snake_case, RFC 2822 dates). */
export interface TwilioMessage {
  sid: string;
  account_sid: string;
  to: string;
  from: string | null;
  messaging_service_sid: string | null;
  body: string;
  status: string;
  direction: 'outbound-api';
  num_segments: string;
  date_created: string;
  date_updated: string;
  date_sent: string | null;
  error_code: number | null;
  error_message: string | null;
  price: null;
  price_unit: 'USD';
  api_version: '2010-04-01';
  uri: string;
}

const E164 = /^\+[1-9]\d{6,14}$/;
const sid = (prefix: string) => `${prefix}${randomBytes(16).toString('hex')}`;
const rfc2822 = (d: Date) => d.toUTCString().replace('GMT', '+0000');
const twilioError = (status: number, code: number, message: string, headers?: Record<string, string>): FakeResponse => ({
  status,
  json: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status },
  ...(headers ? { headers } : {}),
});

/**
 * Twilio's Programmable Messaging API on a local port: POST/GET /2010-04-01/Accounts/{sid}/Messages.json (form
 * encoded, HTTP Basic account SID + auth token), GET .../Messages/{sid}.json, Twilio's error JSON (code, message,
 * more_info, status), 429 with code 20429 and Retry-After; status callbacks to a message's StatusCallback signed
 * with X-Twilio-Signature (by the twilio package), and signed inbound messages (replies, STOP).
 */
export async function startTwilioFake(opts: { port?: number; webhookUrl?: string; accountSid?: string; authToken?: string } = {}) {
  const accountSid = opts.accountSid ?? `AC${randomBytes(16).toString('hex')}`;
  const authToken = opts.authToken ?? randomBytes(16).toString('hex');
  const faults = createFaults();
  const sent: TwilioMessage[] = [];
  let loseAnswers = 0;
  const base = `/2010-04-01/Accounts/${accountSid}`;

  /** Twilio's webhook headers for a POST of `params` to `url`. */
  const sign = (url: string, params: Record<string, string>) => ({
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilio.getExpectedTwilioSignature(authToken, url, params),
      'i-twilio-idempotency-token': randomBytes(12).toString('hex'),
    },
    body: new URLSearchParams(params).toString(),
  });
  const callback = (url: string, m: TwilioMessage, status: string) => {
    const signed = sign(url, {
      AccountSid: accountSid,
      ApiVersion: '2010-04-01',
      From: m.from ?? '',
      To: m.to,
      MessageSid: m.sid,
      SmsSid: m.sid,
      MessageStatus: status,
      SmsStatus: status,
    });
    return postWebhook(url, signed.body, signed.headers);
  };

  function create(req: FakeRequest): FakeResponse {
    const p = req.form;
    const to = p.get('To') ?? '';
    const from = p.get('From');
    const service = p.get('MessagingServiceSid');
    const body = p.get('Body') ?? '';
    if (!to) return twilioError(400, 21604, "A 'To' phone number is required.");
    if (!E164.test(to)) return twilioError(400, 21211, `Invalid 'To' Phone Number: ${to}`);
    if (!from && !service) return twilioError(400, 21603, "A 'From' phone number is required.");
    if (!body && !p.get('MediaUrl')) return twilioError(400, 21602, 'Message body is required.');
    if (body.length > 1600) return twilioError(400, 21617, 'The concatenated message body exceeds the 1600 character limit.');
    const now = new Date();
    const m: TwilioMessage = {
      sid: sid('SM'),
      account_sid: accountSid,
      to,
      from: from ?? null,
      messaging_service_sid: service ?? null,
      body,
      status: service ? 'accepted' : 'queued',
      direction: 'outbound-api',
      num_segments: String(Math.max(1, Math.ceil(body.length / 153))),
      date_created: rfc2822(now),
      date_updated: rfc2822(now),
      date_sent: null,
      error_code: null,
      error_message: null,
      price: null,
      price_unit: 'USD',
      api_version: '2010-04-01',
      uri: `${base}/Messages/SM.json`,
    };
    m.uri = `${base}/Messages/${m.sid}.json`;
    sent.push(m);
    const statusCallback = p.get('StatusCallback') ?? opts.webhookUrl;
    if (statusCallback)
      setTimeout(() => {
        m.status = 'delivered';
        m.date_sent = rfc2822(new Date());
        void callback(statusCallback, m, 'sent').then(() => callback(statusCallback, m, 'delivered'));
      }, 5);
    if (loseAnswers > 0) {
      loseAnswers--;
      return twilioError(500, 20500, 'An internal server error has occurred');
    }
    return { status: 201, json: m };
  }

  function list(req: FakeRequest): FakeResponse {
    const to = req.query.get('To');
    const from = req.query.get('From');
    const pageSize = Math.min(1000, Number(req.query.get('PageSize') ?? 50));
    const found = sent
      .filter((m) => (!to || m.to === to) && (!from || m.from === from))
      .reverse()
      .slice(0, pageSize);
    const uri = `${base}/Messages.json?PageSize=${pageSize}&Page=0`;
    return {
      json: {
        messages: found,
        end: found.length - 1,
        first_page_uri: uri,
        next_page_uri: null,
        previous_page_uri: null,
        page: 0,
        page_size: pageSize,
        start: 0,
        uri,
      },
    };
  }

  function route(req: FakeRequest): FakeResponse {
    const forced = faults.next(req);
    if (forced) return forced;
    const basic = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
    if (req.headers.authorization !== basic) return twilioError(401, 20003, 'Authenticate');
    if (req.method === 'POST' && req.path === `${base}/Messages.json`) return create(req);
    if (req.method === 'GET' && req.path === `${base}/Messages.json`) return list(req);
    const one = new RegExp(`^${base}/Messages/(SM[0-9a-f]{32})\\.json$`).exec(req.path);
    if (req.method === 'GET' && one) {
      const m = sent.find((x) => x.sid === one[1]);
      return m ? { json: m } : twilioError(404, 20404, `The requested resource ${req.path} was not found`);
    }
    return twilioError(404, 20404, `The requested resource ${req.path} was not found`);
  }

  const server = await serveFake(route, opts.port !== undefined ? { port: opts.port } : {});
  return {
    name: 'twilio' as const,
    url: server.url,
    requests: server.requests,
    accountSid,
    authToken,
    /** The sender number the fake's account owns. */
    from: '+15005550006',
    /** Accepted messages, oldest first (what a test counts). */
    sent,
    faults,
    /** The next `times` API requests answer 429 (code 20429) with Retry-After. */
    rateLimit: (times = 1, retryAfterSeconds = 1) =>
      faults.add(twilioError(429, 20429, 'Too Many Requests', { 'retry-after': String(retryAfterSeconds) }), { times }),
    /** The next `times` API requests fail with `status` and Twilio's error body. */
    failNext: (times = 1, status = 500) =>
      faults.add(
        status >= 500
          ? twilioError(status, 20500, 'An internal server error has occurred')
          : twilioError(status, 21610, 'Attempt to send to unsubscribed recipient'),
        { times },
      ),
    /** The next `times` messages are accepted but answered 500: the client cannot tell whether they went out. */
    loseAnswers: (times = 1) => {
      loseAnswers += times;
    },
    /** Signs `params` for `url` the way Twilio does (X-Twilio-Signature): the headers and the form body. */
    sign,
    /** Posts a signed inbound SMS (a reply, or STOP) from `from` to the account's number at `url`. */
    inbound: (url: string, from: string, body: string, extra: Record<string, string> = {}) => {
      const s = sid('SM');
      const signed = sign(url, {
        AccountSid: accountSid,
        ApiVersion: '2010-04-01',
        MessageSid: s,
        SmsSid: s,
        SmsStatus: 'received',
        From: from,
        To: '+15005550006',
        Body: body,
        NumMedia: '0',
        ...extra,
      });
      return postWebhook(url, signed.body, signed.headers);
    },
    connection: {
      plugin: 'connector-twilio',
      config: { baseUrl: server.url },
      credentials: { accountSid, authToken, from: '+15005550006' },
    } satisfies FakeConnection,
    close: server.close,
  };
}
export type TwilioFake = Awaited<ReturnType<typeof startTwilioFake>>;
