import { type ConnectionContext, credential, type ToolContext } from '@neonhub/sdk';
import { TwitterApi } from 'twitter-api-v2';
import { fetchTransport } from './transport.js';

export const PLUGIN_ID = 'connector-x';

/** twitter-api-v2 acting as the connected account (OAuth 2.0 user context), sending through ctx.fetch. */
export function createXClient(ctx: Pick<ToolContext, 'fetch' | 'config' | 'signal'>, connection: ConnectionContext): TwitterApi {
  const baseUrl = typeof ctx.config.baseUrl === 'string' ? ctx.config.baseUrl : undefined;
  return new TwitterApi(credential(connection, 'accessToken', PLUGIN_ID), {
    plugins: [fetchTransport(ctx.fetch, { ...(baseUrl ? { baseUrl } : {}), signal: ctx.signal })],
  });
}
