import { createHarness } from '@neonhub/sdk/testing';
import { describe, expect, it } from 'vitest';
import plugin from '../index.js';
import { MEDIA_MAX_BYTES } from '../media.js';
import { draft } from './draft.js';
import { attachMedia, getMedia, listMedia } from './media.js';

// a real 1x1 PNG
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

describe('media', () => {
  it('attaches an image to a draft, lists it without the bytes and returns the bytes by id', async () => {
    const h = createHarness(plugin);
    const d = await h.run(draft, { kind: 'social', topic: 'trail shoes' });
    const m = await h.run(attachMedia, {
      draftId: d.draftId,
      filename: 'hero.png',
      contentType: 'image/png',
      dataBase64: PNG,
      alt: 'A shoe',
    });
    expect(m).toMatchObject({ draftId: d.draftId, filename: 'hero.png', contentType: 'image/png', bytes: 70, alt: 'A shoe' });
    const listed = await h.run(listMedia, { draftId: d.draftId });
    expect(listed.media).toEqual([m]);
    expect(listed.media[0]).not.toHaveProperty('dataBase64');
    expect((await h.run(getMedia, { mediaId: m.mediaId })).dataBase64).toBe(PNG);
  });

  it('refuses a file that is not an image, a type that does not match the bytes, an oversized image and an unknown draft, storing nothing', async () => {
    const h = createHarness(plugin);
    const d = await h.run(draft, { kind: 'social', topic: 'trail shoes' });
    const text = Buffer.from('<svg onload="alert(1)"></svg>').toString('base64');
    await expect(
      h.run(attachMedia, { draftId: d.draftId, filename: 'x.svg', contentType: 'image/svg+xml', dataBase64: text }),
    ).rejects.toMatchObject({
      code: 'NH_CONTENT_MEDIA_TYPE_UNSUPPORTED',
    });
    await expect(
      h.run(attachMedia, { draftId: d.draftId, filename: 'x.jpg', contentType: 'image/jpeg', dataBase64: PNG }),
    ).rejects.toMatchObject({
      code: 'NH_CONTENT_MEDIA_TYPE_UNSUPPORTED',
      details: { detected: 'image/png' },
    });
    const big = Buffer.concat([Buffer.from(PNG, 'base64'), Buffer.alloc(MEDIA_MAX_BYTES)]).toString('base64');
    await expect(
      h.run(attachMedia, { draftId: d.draftId, filename: 'big.png', contentType: 'image/png', dataBase64: big }),
    ).rejects.toMatchObject({
      code: expect.stringMatching(/NH_CONTENT_MEDIA_TOO_LARGE|NH_SDK_INPUT_INVALID/),
    });
    await expect(
      h.run(attachMedia, { draftId: d.draftId, filename: 'a.png', contentType: 'image/png', dataBase64: 'not base64!' }),
    ).rejects.toMatchObject({
      code: 'NH_CONTENT_MEDIA_INVALID',
    });
    await expect(
      h.run(attachMedia, { draftId: 'drf_nope', filename: 'a.png', contentType: 'image/png', dataBase64: PNG }),
    ).rejects.toMatchObject({
      code: 'NH_CONTENT_DRAFT_NOT_FOUND',
    });
    expect((await h.run(listMedia, { draftId: d.draftId })).media).toEqual([]);
    await expect(h.run(getMedia, { mediaId: 'med_nope' })).rejects.toMatchObject({ code: 'NH_CONTENT_MEDIA_NOT_FOUND' });
  });

  it('holds at most ten images per draft', async () => {
    const h = createHarness(plugin);
    const d = await h.run(draft, { kind: 'social', topic: 'trail shoes' });
    for (let i = 0; i < 10; i++)
      await h.run(attachMedia, { draftId: d.draftId, filename: `${i}.png`, contentType: 'image/png', dataBase64: PNG });
    await expect(
      h.run(attachMedia, { draftId: d.draftId, filename: 'x.png', contentType: 'image/png', dataBase64: PNG }),
    ).rejects.toMatchObject({
      code: 'NH_CONTENT_MEDIA_LIMIT',
    });
  });
});
