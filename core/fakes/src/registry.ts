import { startBlueskyFake } from './bluesky.js';
import { startHubSpotFake } from './hubspot.js';
import { startLinkedInFake } from './linkedin.js';
import { startMastodonFake } from './mastodon.js';
import { messagingFakes } from './messaging.js';
import { startMetaFake } from './meta.js';
import { startStripeFake } from './stripe.js';
import { startXFake } from './x.js';

/** Every provider fake by name: what NEONHUB_CONNECTORS=local-fakes and the tests start. */
const starters = {
  ...messagingFakes,
  x: startXFake,
  bluesky: startBlueskyFake,
  mastodon: startMastodonFake,
  hubspot: startHubSpotFake,
  linkedin: startLinkedInFake,
  meta: startMetaFake,
  stripe: startStripeFake,
} as const;

export type FakeName = keyof typeof starters;
export const fakeNames = Object.keys(starters) as FakeName[];

/**
 * Starts one provider's fake on 127.0.0.1 (`port` 0 or absent = any free port). `webhookUrl`: where fakes that send
 * webhooks (delivery events, status callbacks) post them; the others ignore it.
 */
export function startFake<N extends FakeName>(
  name: N,
  opts: { port?: number; webhookUrl?: string } = {},
): ReturnType<(typeof starters)[N]> {
  return starters[name](opts) as ReturnType<(typeof starters)[N]>;
}
