import { type ConnectionContext, credential, type ToolContext } from '@neonhub/sdk';
import { RestliClient } from 'linkedin-api-client';

export const PLUGIN_ID = 'connector-linkedin';
/** The Posts and Images API version this connector speaks (LinkedIn-Version: YYYYMM; each is served about a year). */
export const LINKEDIN_VERSION = '202510';

/**
 * LinkedIn's official Rest.li client, sending with axios' fetch adapter through ctx.fetch (declared hosts, the
 * host's outbound guard); a config baseUrl (a local fake) replaces https://api.linkedin.com.
 */
export function linkedinClient(ctx: Pick<ToolContext, 'fetch' | 'config' | 'signal'>): RestliClient {
  const client = new RestliClient({ adapter: 'fetch', env: { fetch: ctx.fetch }, signal: ctx.signal } as never);
  const baseUrl = typeof ctx.config.baseUrl === 'string' ? ctx.config.baseUrl.replace(/\/+$/, '') : undefined;
  if (baseUrl) {
    client.axiosInstance.interceptors.request.use((req) => {
      if (req.url?.startsWith('https://api.linkedin.com')) req.url = baseUrl + req.url.slice('https://api.linkedin.com'.length);
      return req;
    });
  }
  return client;
}

export function accessToken(connection: ConnectionContext): string {
  return credential(connection, 'accessToken', PLUGIN_ID);
}
