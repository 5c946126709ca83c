import { checkMediaCount, checkTextLength, connectorErrors } from '@neonhub/sdk';

export const FACEBOOK_MAX_CHARS = 63_206;
/** Instagram: caption up to 2200 characters, 30 hashtags, 20 mentions; 1 image or a carousel of 2–10; JPEG at a public URL. */
export const INSTAGRAM_MAX_CHARS = 2200;

export function checkFacebook(text: string, mediaUrls: readonly string[]): void {
  checkTextLength('facebook', text.length, FACEBOOK_MAX_CHARS);
  checkMediaCount(mediaUrls, { network: 'facebook', maxCount: 10 });
}

export function checkInstagram(text: string, mediaUrls: readonly string[]): void {
  checkTextLength('instagram', text.length, INSTAGRAM_MAX_CHARS);
  const refuse = (limit: string, message: string, extra: Record<string, unknown> = {}) => {
    throw connectorErrors.create('NH_CONNECTOR_LIMIT_EXCEEDED', message, { details: { network: 'instagram', limit, ...extra } });
  };
  const hashtags = text.match(/#[\p{L}\p{N}_]+/gu)?.length ?? 0;
  if (hashtags > 30)
    refuse('hashtags', `Instagram captions take at most 30 hashtags; this one has ${hashtags}`, { max: 30, actual: hashtags });
  const mentions = text.match(/@[\w.]+/g)?.length ?? 0;
  if (mentions > 20)
    refuse('mentions', `Instagram captions take at most 20 @mentions; this one has ${mentions}`, { max: 20, actual: mentions });
  if (mediaUrls.length === 0) refuse('mediaRequired', 'Instagram posts need an image: add one to mediaUrls', { min: 1 });
  checkMediaCount(mediaUrls, { network: 'instagram', maxCount: 10 });
  for (const [i, u] of mediaUrls.entries()) {
    if (!/^https:\/\//i.test(u)) {
      refuse('mediaUrl', `Instagram fetches each image from a public https URL; image ${i + 1} is not one`, { media: i });
    }
    if (!/\.jpe?g(\?|$)/i.test(new URL(u).pathname))
      refuse('mediaType', `Instagram publishes JPEG images; image ${i + 1} is not a .jpg URL`, { media: i });
  }
}
