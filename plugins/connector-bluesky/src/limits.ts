import { checkTextLength, type MediaLimits } from '@neonhub/sdk';

/** app.bsky.feed.post: text up to 300 graphemes. */
export const BLUESKY_MAX_GRAPHEMES = 300;

/** app.bsky.embed.images: up to 4 images of at most 1,000,000 bytes each. */
export const BLUESKY_MEDIA: MediaLimits = {
  network: 'bluesky',
  maxCount: 4,
  maxBytes: 1_000_000,
  mimeTypes: ['image/jpeg', 'image/png', 'image/gif', 'image/webp'],
};

export function checkBlueskyText(graphemes: number): void {
  checkTextLength('bluesky', graphemes, BLUESKY_MAX_GRAPHEMES, 'graphemes');
}
