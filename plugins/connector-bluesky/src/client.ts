import { createHash } from 'node:crypto';
import { AtpAgent } from '@atproto/api';
import { type ConnectionContext, credential, type ToolContext } from '@neonhub/sdk';

export const PLUGIN_ID = 'connector-bluesky';
export const DEFAULT_SERVICE = 'https://bsky.social';

interface Entry {
  agent: AtpAgent;
  /** The fetch of the call using the agent now (ctx.fetch: declared hosts only). */
  fetch: typeof fetch;
}

/**
 * One logged-in agent per connection and app password, kept for the process: @atproto/api holds the session and
 * refreshes an expired access JWT with the refresh JWT itself, so a post costs no createSession (which Bluesky
 * limits to 30 per 5 minutes per account).
 */
const agents = new Map<string, Entry>();

export async function blueskyAgent(ctx: Pick<ToolContext, 'fetch' | 'config'>, connection: ConnectionContext): Promise<AtpAgent> {
  const identifier = credential(connection, 'identifier', PLUGIN_ID);
  const password = credential(connection, 'appPassword', PLUGIN_ID);
  const service = (typeof ctx.config.baseUrl === 'string' && ctx.config.baseUrl) || connection.credentials.service || DEFAULT_SERVICE;
  const key = createHash('sha256').update(`${connection.id}\0${identifier}\0${password}\0${service}`).digest('hex');
  const cached = agents.get(key);
  if (cached?.agent.hasSession) {
    cached.fetch = ctx.fetch;
    return cached.agent;
  }
  const entry: Entry = { fetch: ctx.fetch, agent: undefined as unknown as AtpAgent };
  entry.agent = new AtpAgent({ service, fetch: (input, init) => entry.fetch(input, init) });
  await entry.agent.login({ identifier, password });
  agents.set(key, entry);
  return entry.agent;
}

/** Forgets the agents (tests). */
export function forgetAgents(): void {
  agents.clear();
}
