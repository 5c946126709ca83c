/** Images attached to a draft, kept in the plugin's per-workspace store. */
export const MEDIA = 'media';
/** `<draftId>#<mediaId>` -> MediaMeta, so a draft's media list by key prefix. */
export const MEDIA_INDEX = 'media-by-draft';

/** The largest image accepted, in bytes (the console takes uploads up to 512 KiB; the API, bodies up to 1 MiB with base64 adding a third). */
export const MEDIA_MAX_BYTES = 500 * 1024;
/** Images per draft. */
export const MEDIA_PER_DRAFT = 10;

/** Accepted types and the signature their bytes start with. */
const SIGNATURES: Record<string, (b: Buffer) => boolean> = {
  'image/png': (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  'image/gif': (b) => ['GIF87a', 'GIF89a'].includes(b.subarray(0, 6).toString('latin1')),
  'image/webp': (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
};
export const MEDIA_TYPES = Object.keys(SIGNATURES);

/** The image type the bytes are (by their signature), or undefined. */
export function sniffImage(bytes: Buffer): string | undefined {
  return MEDIA_TYPES.find((t) => SIGNATURES[t]?.(bytes));
}

export interface MediaMeta {
  mediaId: string;
  draftId: string;
  filename: string;
  contentType: string;
  bytes: number;
  sha256: string;
  alt?: string;
  createdAt: string;
}
