import { startBlueskyFake } from './bluesky.js';
import { startHubSpotFake } from './hubspot.js';
import { startLinkedInFake } from './linkedin.js';
import { startMastodonFake } from './mastodon.js';
import { startMetaFake } from './meta.js';
import { startXFake } from './x.js';

/** Every provider fake by name: what NEONHUB_CONNECTORS=local-fakes and the tests start. */
const starters = {
  x: startXFake,
  bluesky: startBlueskyFake,
  mastodon: startMastodonFake,
  hubspot: startHubSpotFake,
  linkedin: startLinkedInFake,
  meta: startMetaFake,
} as const;

export type FakeName = keyof typeof starters;
export const fakeNames = Object.keys(starters) as FakeName[];

/** Starts one provider's fake on 127.0.0.1 (`port` 0 or absent = any free port). */
export function startFake<N extends FakeName>(name: N, opts: { port?: number } = {}): ReturnType<(typeof starters)[N]> {
  return starters[name](opts) as ReturnType<(typeof starters)[N]>;
}
