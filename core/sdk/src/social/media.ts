import { connectorErrors } from '../errors.js';
import type { ToolContext } from '../types.js';

/** One image ready to upload: its bytes and MIME type, and where it came from. */
export interface MediaFile {
  bytes: Uint8Array;
  mimeType: string;
  source: string;
}

export interface MediaLimits {
  /** The network's name, for messages (x, bluesky...). */
  network: string;
  maxCount: number;
  /** Largest image in bytes. */
  maxBytes: number;
  /** Accepted MIME types (image/jpeg, image/png...). */
  mimeTypes: readonly string[];
}

function limitExceeded(message: string, details: Record<string, unknown>): Error {
  return connectorErrors.create('NH_CONNECTOR_LIMIT_EXCEEDED', message, { details });
}

/** Refuses more media than the network takes, before anything is fetched or sent. */
export function checkMediaCount(urls: readonly string[], limits: Pick<MediaLimits, 'network' | 'maxCount'>): void {
  if (urls.length > limits.maxCount) {
    throw limitExceeded(`${limits.network} takes at most ${limits.maxCount} images per post; got ${urls.length}`, {
      network: limits.network,
      limit: 'mediaCount',
      max: limits.maxCount,
      actual: urls.length,
    });
  }
}

function decodeDataUri(uri: string): { bytes: Uint8Array; mimeType: string } {
  const m = /^data:([^;,]+);base64,(.*)$/is.exec(uri);
  if (!m) throw limitExceeded('a data: media URI must be data:<type>;base64,<data>', { limit: 'mediaType' });
  return { mimeType: m[1]!.toLowerCase(), bytes: new Uint8Array(Buffer.from(m[2]!, 'base64')) };
}

/**
 * Loads the images of a post: data: URIs are decoded, http(s) URLs fetched through `ctx.fetch` (so only hosts the
 * manifest declares are reached). Each is checked against the network's count, size and type limits; a break is
 * NH_CONNECTOR_LIMIT_EXCEEDED, raised before anything is sent to the network.
 */
export async function loadMedia(
  ctx: Pick<ToolContext, 'fetch' | 'signal'>,
  urls: readonly string[],
  limits: MediaLimits,
): Promise<MediaFile[]> {
  checkMediaCount(urls, limits);
  const files: MediaFile[] = [];
  for (const [index, source] of urls.entries()) {
    let file: { bytes: Uint8Array; mimeType: string };
    if (source.startsWith('data:')) file = decodeDataUri(source);
    else {
      const res = await ctx.fetch(source, { signal: ctx.signal });
      if (!res.ok) {
        throw connectorErrors.create(
          'NH_CONNECTOR_REJECTED',
          `image ${index + 1} could not be fetched: HTTP ${res.status} from ${new URL(source).host}`,
          {
            details: { network: limits.network, media: index, status: res.status },
          },
        );
      }
      const declared = Number(res.headers.get('content-length') ?? '0');
      if (declared > limits.maxBytes) {
        await res.body?.cancel();
        throw limitExceeded(`image ${index + 1} is ${declared} bytes; ${limits.network} takes at most ${limits.maxBytes}`, {
          network: limits.network,
          limit: 'mediaBytes',
          media: index,
          max: limits.maxBytes,
          actual: declared,
        });
      }
      const mimeType = (res.headers.get('content-type') ?? 'application/octet-stream').split(';')[0]!.trim().toLowerCase();
      file = { mimeType, bytes: new Uint8Array(await res.arrayBuffer()) };
    }
    if (file.bytes.byteLength > limits.maxBytes) {
      throw limitExceeded(`image ${index + 1} is ${file.bytes.byteLength} bytes; ${limits.network} takes at most ${limits.maxBytes}`, {
        network: limits.network,
        limit: 'mediaBytes',
        media: index,
        max: limits.maxBytes,
        actual: file.bytes.byteLength,
      });
    }
    if (!limits.mimeTypes.includes(file.mimeType)) {
      throw limitExceeded(`image ${index + 1} is ${file.mimeType}; ${limits.network} takes ${limits.mimeTypes.join(', ')}`, {
        network: limits.network,
        limit: 'mediaType',
        media: index,
        accepted: limits.mimeTypes,
        actual: file.mimeType,
      });
    }
    files.push({ ...file, source });
  }
  return files;
}

/** Refuses text over the network's limit (measured the network's way: characters, graphemes, weighted). */
export function checkTextLength(network: string, length: number, max: number, unit = 'characters'): void {
  if (length > max) {
    throw limitExceeded(`${network} posts take at most ${max} ${unit}; this one has ${length}`, {
      network,
      limit: 'textLength',
      unit,
      max,
      actual: length,
    });
  }
}
