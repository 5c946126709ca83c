import { checkTextLength, type MediaLimits } from '@neonhub/sdk';

/** Posts API: commentary up to 3000 characters. */
export const LINKEDIN_MAX_CHARS = 3000;

/** Images API: JPG, PNG, GIF; a post takes one image (content.media) or 2–20 (content.multiImage). */
export const LINKEDIN_MEDIA: MediaLimits = {
  network: 'linkedin',
  maxCount: 20,
  maxBytes: 10 * 1024 * 1024,
  mimeTypes: ['image/jpeg', 'image/png', 'image/gif'],
};

export function checkLinkedInText(text: string): void {
  checkTextLength('linkedin', text.length, LINKEDIN_MAX_CHARS);
}

/** The commentary is "little text": these characters are markup and must be escaped to show as typed. */
export function littleText(text: string): string {
  return text.replace(/[\\|{}@[\]()<>#*_~]/g, (c) => `\\${c}`);
}
