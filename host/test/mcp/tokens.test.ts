import { describe, expect, it } from 'vitest';
import { createTokenCommand } from '../../src/mcp/cli.js';
import { assignNames, parseMcpName, toMcpName } from '../../src/mcp/names.js';
import { renderTemplate } from '../../src/mcp/prompts.js';
import { type ApiTokenRecord, createMemoryTokenStore, createTokenService, hashToken, type TokenStore } from '../../src/mcp/tokens.js';

/** A memory store that records what it was given. */
function spyStore() {
  const inner = createMemoryTokenStore();
  const inserted: ApiTokenRecord[] = [];
  const touches: Date[] = [];
  const store: TokenStore = {
    ...inner,
    insert: async (r) => {
      inserted.push(r);
      await inner.insert(r);
    },
    touch: async (id, at) => {
      touches.push(at);
      await inner.touch(id, at);
    },
  };
  return { store, inserted, touches };
}

describe('API tokens', () => {
  it('are nh_ + 32 random bytes, stored only as SHA-256, bound to workspace and role', async () => {
    const { store, inserted } = spyStore();
    const tokens = createTokenService(store);
    const { token, info } = await tokens.create({ workspaceId: 'ws-1', role: 'viewer', name: 'claude' });
    expect(token).toMatch(/^nh_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token.slice(3), 'base64url')).toHaveLength(32);
    expect(inserted[0]!.tokenHash).toBe(hashToken(token));
    expect(JSON.stringify(inserted[0])).not.toContain(token.slice(3));
    expect(info).not.toHaveProperty('tokenHash');
    expect(await tokens.verify(token)).toMatchObject({ workspaceId: 'ws-1', role: 'viewer', name: 'claude' });
  });

  it('refuses missing, malformed, unknown and revoked tokens with coded errors', async () => {
    const tokens = createTokenService(createMemoryTokenStore());
    await expect(tokens.verify(undefined)).rejects.toMatchObject({ code: 'NH_AUTH_TOKEN_MISSING', status: 401 });
    await expect(tokens.verify('nh_short')).rejects.toMatchObject({ code: 'NH_AUTH_TOKEN_INVALID' });
    await expect(tokens.verify(`nh_${'x'.repeat(43)}`)).rejects.toMatchObject({ code: 'NH_AUTH_TOKEN_INVALID' });
    const { token, info } = await tokens.create({ workspaceId: 'ws', role: 'member', name: 'n' });
    await tokens.verify(token);
    await tokens.revoke('ws', info.id);
    await expect(tokens.verify(token)).rejects.toMatchObject({ code: 'NH_AUTH_TOKEN_INVALID' });
    await expect(tokens.revoke('ws', info.id)).rejects.toMatchObject({ code: 'NH_AUTH_TOKEN_NOT_FOUND' });
    await expect(tokens.create({ workspaceId: 'ws', role: 'god', name: 'n' })).rejects.toMatchObject({ code: 'NH_AUTH_ROLE_INVALID' });
  });

  it('writes last_used_at at most once a minute', async () => {
    const { store, touches } = spyStore();
    let now = new Date('2026-01-01T00:00:00Z');
    const tokens = createTokenService(store, { now: () => now, cacheTtlMs: 0 });
    const { token } = await tokens.create({ workspaceId: 'ws', role: 'member', name: 'n' });
    await tokens.verify(token);
    now = new Date(now.getTime() + 30_000);
    await tokens.verify(token);
    now = new Date(now.getTime() + 31_000);
    await tokens.verify(token);
    expect(touches.map((d) => d.toISOString())).toEqual(['2026-01-01T00:00:00.000Z', '2026-01-01T00:01:01.000Z']);
    expect((await tokens.list('ws'))[0]!.lastUsedAt?.toISOString()).toBe('2026-01-01T00:01:01.000Z');
  });

  it('createTokenCommand prints the token once with its workspace and role', async () => {
    const tokens = createTokenService(createMemoryTokenStore());
    let printed = '';
    const { token } = await createTokenCommand(
      { tokens, workspaces: { resolve: async (slug) => ({ id: 'ws-id', slug }) }, write: (t) => (printed += t) },
      { workspace: 'acme', role: 'member', name: 'cursor' },
    );
    expect(printed).toContain(token);
    expect(printed).toContain('workspace acme, role member');
    expect(printed.split(token).length - 1).toBe(1);
  });
});

describe('MCP names', () => {
  it('map plugin:tool to plugin__tool and back, splitting at the first __', () => {
    expect(toMcpName('agent-seo', 'analyze_page')).toBe('agent-seo__analyze_page');
    expect(parseMcpName('agent-seo__analyze__page')).toEqual({ pluginId: 'agent-seo', name: 'analyze__page' });
    expect(parseMcpName('analyze_page')).toBeUndefined();
  });

  it('bare naming keeps the prefix only where names collide', () => {
    const names = assignNames(
      [
        { pluginId: 'a', name: 'x' },
        { pluginId: 'b', name: 'x' },
        { pluginId: 'b', name: 'y' },
      ],
      'bare',
    );
    expect([...names.keys()]).toEqual(['a__x', 'b__x', 'y']);
  });

  it('templates substitute declared {{arg}} placeholders only', () => {
    expect(renderTemplate('Hi {{ who }}, {{other}}', { who: 'Ada' }, ['who'])).toBe('Hi Ada, {{other}}');
  });
});
