import type { OutboxMessageView } from '@neonhub/schemas';
import { networkName } from './capabilities';

/**
 * An outbox message in a marketer's words (the Outbox page): who or where it goes, and through what — the connector's
 * name from its manifest and the channel, never the plugin's id.
 */
type Message = Pick<OutboxMessageView, 'channel' | 'network' | 'plugin' | 'recipients'>;

const CHANNEL_LABEL: Record<string, string> = {
  email: 'E-mail',
  social: 'Social post',
  sms: 'SMS',
  chat: 'Chat message',
  payments: 'Payment',
};

const capital = (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1) : s);
export const networkLabel = networkName;

/** "ana@example.com, bo@example.com +2", "LinkedIn" for a post (its network, not a recipient), "—" when none. */
export function outboxTo(m: Message): string {
  if (m.network) return networkLabel(m.network);
  const shown = m.recipients.slice(0, 3).join(', ');
  return shown ? `${shown}${m.recipients.length > 3 ? ` +${m.recipients.length - 3}` : ''}` : '—';
}

/** "E-mail · E-mail connector (sandbox)": the channel and the connector's name (a plugin no longer installed: its id). */
export function outboxVia(m: Message, plugins: readonly { id: string; name: string }[]): string {
  const connector = plugins.find((p) => p.id === m.plugin)?.name ?? m.plugin;
  const channel = m.channel ? (CHANNEL_LABEL[m.channel] ?? capital(m.channel)) : null;
  return channel ? `${channel} · ${connector}` : connector;
}
