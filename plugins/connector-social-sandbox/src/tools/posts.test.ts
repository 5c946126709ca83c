import { createHarness } from '@neonhub/sdk/testing';
import { describe, expect, it } from 'vitest';
import plugin from '../index.js';
import { post } from './post.js';
import { posts } from './posts.js';

describe('posts', () => {
  it('filters by network and pages by cursor', async () => {
    const h = createHarness(plugin);
    const networks = ['x', 'linkedin', 'x', 'facebook', 'x'] as const;
    for (const [i, network] of networks.entries()) await h.run(post, { network, text: `post ${i}` });
    const xs = await h.run(posts, { network: 'x', limit: 2 });
    expect(xs.posts.map((p) => p.text)).toEqual(['post 0', 'post 2']);
    expect(xs.total).toBe(5);
    const more = await h.run(posts, { network: 'x', limit: 2, after: xs.nextCursor! });
    expect(more.posts.map((p) => p.text)).toEqual(['post 4']);
    expect(more.nextCursor).toBeNull();
  });
});

describe('posts by idempotency key', () => {
  it('returns the one post recorded under a key, or none', async () => {
    const h = createHarness(plugin);
    await h.run(post, { network: 'x', text: 'a' }, { idempotencyKey: 'ka' });
    await h.run(post, { network: 'x', text: 'b' }, { idempotencyKey: 'kb' });
    expect((await h.run(posts, { idempotencyKey: 'kb' })).posts.map((p) => p.text)).toEqual(['b']);
    expect((await h.run(posts, { idempotencyKey: 'kc' })).posts).toEqual([]);
  });
});
