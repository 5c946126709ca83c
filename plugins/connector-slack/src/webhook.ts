import type { ConnectorEvent } from '@neonhub/schemas';
import type { WebhookHandler } from '@neonhub/sdk';

interface SlackEnvelope {
  type?: string;
  event_id?: string;
  event_time?: number;
  event?: {
    type?: string;
    subtype?: string;
    channel?: string;
    user?: string;
    text?: string;
    ts?: string;
    thread_ts?: string;
    bot_id?: string;
  };
}

/**
 * Parses a Slack Events API request (signed with the app's signing secret, verified by the host): a human reply in
 * the thread of a message the connector posted becomes `replied` (messageId `<channel>:<thread_ts>`, as `post`
 * returns it). url_verification and other events give none.
 */
export const webhook: WebhookHandler = {
  parse(request) {
    let env: SlackEnvelope;
    try {
      env = JSON.parse(request.body) as SlackEnvelope;
    } catch {
      return [];
    }
    const e = env.event;
    if (env.type !== 'event_callback' || !e || e.type !== 'message' || e.subtype || e.bot_id) return [];
    if (!e.thread_ts || e.thread_ts === e.ts || !e.channel) return [];
    const event: ConnectorEvent = {
      id: env.event_id ?? `${e.channel}:${e.ts}`,
      type: 'replied',
      messageId: `${e.channel}:${e.thread_ts}`,
      ...(e.user ? { recipient: e.user } : {}),
      occurredAt: new Date((env.event_time ?? Date.now() / 1000) * 1000).toISOString(),
      data: { text: (e.text ?? '').slice(0, 1000), channel: e.channel },
    };
    return [event];
  },
};
