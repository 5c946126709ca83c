import { type ConnectionContext, credential, type ToolContext } from '@neonhub/sdk';
import twilio from 'twilio';
import { PLUGIN_ID } from './config.js';

type RequestOptions = Parameters<InstanceType<typeof twilio.RequestClient>['request']>[0];

/**
 * twilio's HTTP client with the API origin replaced by `baseUrl` (a local fake or a proxy), keeping the
 * Retry-After of the last 429 (twilio's RestException does not carry headers).
 */
class RebasedRequestClient extends twilio.RequestClient {
  lastRetryAfter: string | undefined;
  constructor(private readonly baseUrl: string | undefined) {
    super({ autoRetry: false });
  }
  override async request<T>(opts: RequestOptions) {
    // biome-ignore lint/suspicious/noExplicitAny: the library's generic request options
    const anyOpts = opts as any;
    const o = { ...anyOpts } as { uri: string };
    if (this.baseUrl) {
      const u = new URL(o.uri);
      const b = new URL(this.baseUrl);
      u.protocol = b.protocol;
      u.host = b.host;
      o.uri = u.toString();
    }
    const res = await super.request<T>(o as typeof anyOpts);
    if (res.statusCode === 429) {
      const h = (res.headers ?? {}) as Record<string, string | undefined>;
      this.lastRetryAfter = h['retry-after'] ?? h['Retry-After'];
    }
    return res;
  }
}

export function createTwilio(ctx: Pick<ToolContext, 'config'>, connection: ConnectionContext) {
  const accountSid = credential(connection, 'accountSid', PLUGIN_ID);
  const authToken = credential(connection, 'authToken', PLUGIN_ID);
  const http = new RebasedRequestClient(typeof ctx.config.baseUrl === 'string' ? ctx.config.baseUrl : undefined);
  return { client: twilio(accountSid, authToken, { httpClient: http, autoRetry: false }), http };
}
