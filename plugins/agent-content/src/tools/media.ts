import { createHash, randomUUID } from 'node:crypto';
import { defineTool } from '@neonhub/sdk';
import { z } from 'zod';
import { contentErrors } from '../errors.js';
import { MEDIA, MEDIA_INDEX, MEDIA_MAX_BYTES, MEDIA_PER_DRAFT, MEDIA_TYPES, type MediaMeta, sniffImage } from '../media.js';
import { loadDraft } from '../store.js';

const MediaMetaSchema = z.object({
  mediaId: z.string(),
  draftId: z.string(),
  filename: z.string(),
  contentType: z.string(),
  bytes: z.number(),
  sha256: z.string(),
  alt: z.string().optional(),
  createdAt: z.string(),
});

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export const attachMedia = defineTool({
  name: 'attach_media',
  description: `Attaches an image (PNG, JPEG, GIF or WebP, at most ${MEDIA_MAX_BYTES / 1024} KB, ${MEDIA_PER_DRAFT} per draft) to a draft, stored in this workspace; the type is checked from the bytes, not the name.`,
  sideEffect: 'write',
  input: z.object({
    draftId: z.string().min(1).describe('The draft to attach it to.'),
    filename: z.string().trim().min(1).max(200).describe('The file name, e.g. "hero.png".'),
    contentType: z
      .string()
      .max(100)
      .describe('The declared type (image/png, image/jpeg, image/gif or image/webp); it must match the bytes.'),
    dataBase64: z
      .string()
      .max(Math.ceil((MEDIA_MAX_BYTES * 4) / 3) + 8)
      .describe('The image bytes, base64.'),
    alt: z.string().trim().max(500).optional().describe('Alternative text for people who cannot see the image.'),
  }),
  output: MediaMetaSchema,
  async run(a, ctx) {
    await loadDraft(ctx, a.draftId);
    if (!BASE64.test(a.dataBase64) || a.dataBase64.length % 4 !== 0)
      throw contentErrors.create('NH_CONTENT_MEDIA_INVALID', 'the image data is not base64', { details: { filename: a.filename } });
    const bytes = Buffer.from(a.dataBase64, 'base64');
    if (bytes.length === 0)
      throw contentErrors.create('NH_CONTENT_MEDIA_INVALID', 'the file is empty', { details: { filename: a.filename } });
    if (bytes.length > MEDIA_MAX_BYTES)
      throw contentErrors.create(
        'NH_CONTENT_MEDIA_TOO_LARGE',
        `${a.filename} is ${Math.ceil(bytes.length / 1024)} KB; the limit is ${MEDIA_MAX_BYTES / 1024} KB`,
        {
          details: { bytes: bytes.length, maxBytes: MEDIA_MAX_BYTES },
        },
      );
    const sniffed = sniffImage(bytes);
    if (!sniffed || sniffed !== a.contentType.toLowerCase())
      throw contentErrors.create(
        'NH_CONTENT_MEDIA_TYPE_UNSUPPORTED',
        sniffed
          ? `${a.filename} is ${sniffed}, not ${a.contentType}`
          : `${a.filename} is not a PNG, JPEG, GIF or WebP image (declared ${a.contentType || 'no type'})`,
        { details: { declared: a.contentType, detected: sniffed ?? null, accepted: MEDIA_TYPES } },
      );
    const existing = await ctx.store.list(MEDIA_INDEX, { prefix: `${a.draftId}#`, limit: MEDIA_PER_DRAFT + 1 });
    if (existing.length >= MEDIA_PER_DRAFT)
      throw contentErrors.create('NH_CONTENT_MEDIA_LIMIT', `draft ${a.draftId} already has ${MEDIA_PER_DRAFT} images`, {
        details: { draftId: a.draftId, max: MEDIA_PER_DRAFT },
      });
    const meta: MediaMeta = {
      mediaId: `med_${randomUUID()}`,
      draftId: a.draftId,
      filename: a.filename,
      contentType: sniffed,
      bytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      ...(a.alt ? { alt: a.alt } : {}),
      createdAt: new Date().toISOString(),
    };
    await ctx.store.put(MEDIA, meta.mediaId, { ...meta, dataBase64: a.dataBase64 });
    await ctx.store.put(MEDIA_INDEX, `${a.draftId}#${meta.mediaId}`, meta);
    return meta;
  },
});

export const listMedia = defineTool({
  name: 'list_media',
  description: 'Lists the images attached to a draft (names, types, sizes; not the bytes), oldest first.',
  sideEffect: 'read',
  input: z.object({ draftId: z.string().min(1).describe('The draft.') }),
  output: z.object({ media: z.array(MediaMetaSchema) }),
  async run(a, ctx) {
    await loadDraft(ctx, a.draftId);
    const rows = await ctx.store.list<MediaMeta>(MEDIA_INDEX, { prefix: `${a.draftId}#`, limit: MEDIA_PER_DRAFT * 2 });
    return { media: rows.map((r) => r.value).sort((x, y) => x.createdAt.localeCompare(y.createdAt)) };
  },
});

export const getMedia = defineTool({
  name: 'get_media',
  description: 'Returns one attached image with its bytes (base64).',
  sideEffect: 'read',
  input: z.object({ mediaId: z.string().min(1).describe('The image id (from attach_media or list_media).') }),
  output: MediaMetaSchema.extend({ dataBase64: z.string() }),
  async run(a, ctx) {
    const r = await ctx.store.get<MediaMeta & { dataBase64: string }>(MEDIA, a.mediaId);
    if (!r)
      throw contentErrors.create('NH_CONTENT_MEDIA_NOT_FOUND', `no image ${a.mediaId} in this workspace`, {
        details: { mediaId: a.mediaId },
      });
    return r.value;
  },
});
