import { checkTextLength, type MediaLimits } from '@neonhub/sdk';
import twitter from 'twitter-text';

/** X counts text weighted (twitter-text): most Latin characters 1, CJK and emoji 2, every URL 23. */
export const X_MAX_WEIGHTED = 280;

/** Images per post and per image (X API v2 media upload: JPEG, PNG, GIF, WebP up to 5 MB, at most 4). */
export const X_MEDIA: MediaLimits = {
  network: 'x',
  maxCount: 4,
  maxBytes: 5 * 1024 * 1024,
  mimeTypes: ['image/jpeg', 'image/png', 'image/gif', 'image/webp'],
};

export function checkXText(text: string): void {
  checkTextLength('x', twitter.parseTweet(text).weightedLength, X_MAX_WEIGHTED, 'weighted characters (URLs count 23, CJK and emoji 2)');
}
