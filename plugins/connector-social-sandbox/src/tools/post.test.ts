import { createHarness } from '@neonhub/sdk/testing';
import { describe, expect, it } from 'vitest';
import plugin from '../index.js';
import { post } from './post.js';
import { posts } from './posts.js';

const linkedin = { network: 'linkedin', text: 'Our spring sale starts Monday.' };

describe('post', () => {
  it('records a post that would be published now, with a sandbox URL', async () => {
    const h = createHarness(plugin);
    const r = await h.run(post, { ...linkedin, mediaUrls: ['https://cdn.example.com/a.png'] }, { idempotencyKey: 'p1' });
    expect(r).toMatchObject({ duplicate: false, status: 'published', sandbox: true });
    expect(r.postId).toMatch(/^sandbox-linkedin-/);
    expect(r.url).toBe(`https://sandbox.neonhub.local/linkedin/${r.postId}`);
    const list = await h.run(posts, {});
    expect(list.posts[0]).toMatchObject({
      network: 'linkedin',
      text: linkedin.text,
      mediaUrls: ['https://cdn.example.com/a.png'],
      idempotencyKey: 'p1',
    });
  });

  it('records a scheduled post with the time normalized to UTC', async () => {
    const h = createHarness(plugin);
    const r = await h.run(post, { ...linkedin, scheduledAt: '2026-03-02T09:00:00+01:00' });
    expect(r.status).toBe('scheduled');
    expect((await h.run(posts, {})).posts[0]?.scheduledAt).toBe('2026-03-02T08:00:00.000Z');
  });

  it('a retry with the same key returns the original post and records one', async () => {
    const h = createHarness(plugin);
    const a = await h.run(post, linkedin, { idempotencyKey: 'same' });
    const b = await h.run(post, linkedin, { idempotencyKey: 'same' });
    expect(b).toMatchObject({ postId: a.postId, duplicate: true });
    expect((await h.run(posts, {})).total).toBe(1);
  });

  it('refuses the same key for a different post', async () => {
    const h = createHarness(plugin);
    await h.run(post, linkedin, { idempotencyKey: 'same' });
    await expect(h.run(post, { ...linkedin, network: 'facebook' }, { idempotencyKey: 'same' })).rejects.toMatchObject({
      code: 'NH_CONNECTOR_IDEMPOTENCY_CONFLICT',
    });
  });

  it('rejects unknown networks and non-http media', async () => {
    const h = createHarness(plugin);
    await expect(h.run(post, { network: 'myspace', text: 'x' })).rejects.toMatchObject({ code: 'NH_SDK_INPUT_INVALID' });
    await expect(h.run(post, { ...linkedin, mediaUrls: ['file:///etc/passwd'] })).rejects.toMatchObject({ code: 'NH_SDK_INPUT_INVALID' });
  });
});
