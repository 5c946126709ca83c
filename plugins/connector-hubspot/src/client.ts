import { Client } from '@hubspot/api-client';
import { type ConnectionContext, credential, type ToolContext } from '@neonhub/sdk';

export const PLUGIN_ID = 'connector-hubspot';

/**
 * The official HubSpot client acting for the connected portal. It sends with node-fetch (it takes no fetch), to
 * api.hubapi.com or the admin-set config baseUrl (a local fake); retries are left to the outbox.
 */
export function hubspotClient(ctx: Pick<ToolContext, 'config'>, connection: ConnectionContext): Client {
  const basePath = typeof ctx.config.baseUrl === 'string' ? ctx.config.baseUrl.replace(/\/+$/, '') : undefined;
  return new Client({
    accessToken: credential(connection, 'accessToken', PLUGIN_ID),
    numberOfApiCallRetries: 0,
    ...(basePath ? { basePath } : {}),
  });
}
