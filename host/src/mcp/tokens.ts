import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { type Role, RoleSchema } from '@neonhub/schemas';
import { hostErrors } from '../errors.js';

/** A stored API token: only the SHA-256 of the secret is kept. */
export interface ApiTokenRecord {
  id: string;
  workspaceId: string;
  role: Role;
  name: string;
  /** hex SHA-256 of the whole token string. */
  tokenHash: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** Where tokens live (the `api_tokens` table; an in-memory store for tests and stdio-only setups). */
export interface TokenStore {
  insert(record: ApiTokenRecord): Promise<void>;
  findByHash(tokenHash: string): Promise<ApiTokenRecord | undefined>;
  listByWorkspace(workspaceId: string): Promise<ApiTokenRecord[]>;
  touch(id: string, at: Date): Promise<void>;
  revoke(id: string, workspaceId: string, at: Date): Promise<boolean>;
}

export const TOKEN_PREFIX = 'nh_';
const TOKEN_PATTERN = /^nh_[A-Za-z0-9_-]{43}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export function createMemoryTokenStore(): TokenStore {
  const rows = new Map<string, ApiTokenRecord>();
  return {
    async insert(record) {
      rows.set(record.id, { ...record });
    },
    async findByHash(tokenHash) {
      for (const r of rows.values()) if (r.tokenHash === tokenHash) return { ...r };
      return undefined;
    },
    async listByWorkspace(workspaceId) {
      return [...rows.values()].filter((r) => r.workspaceId === workspaceId).map((r) => ({ ...r }));
    },
    async touch(id, at) {
      const r = rows.get(id);
      if (r) r.lastUsedAt = at;
    },
    async revoke(id, workspaceId, at) {
      const r = rows.get(id);
      if (!r || r.workspaceId !== workspaceId || r.revokedAt) return false;
      r.revokedAt = at;
      return true;
    },
  };
}

/** The public view of a token (never its secret nor its hash). */
export type ApiTokenInfo = Omit<ApiTokenRecord, 'tokenHash'>;
const info = ({ tokenHash: _hash, ...rest }: ApiTokenRecord): ApiTokenInfo => rest;

export interface TokenServiceOptions {
  now?: () => Date;
  /** last_used_at is written at most this often per token (default one minute). */
  touchIntervalMs?: number;
  /** A verified token is remembered this long, so a request does not always hit the database (default 5 s; revoke() clears it at once). */
  cacheTtlMs?: number;
}

/**
 * API tokens `nh_<32 random bytes, base64url>`, bound to a workspace and a role. The secret is
 * shown once, at creation; only its SHA-256 is stored. Verification looks the hash up and compares
 * it again in constant time.
 */
export function createTokenService(store: TokenStore, opts: TokenServiceOptions = {}) {
  const now = opts.now ?? (() => new Date());
  const touchIntervalMs = opts.touchIntervalMs ?? 60_000;
  const cacheTtlMs = opts.cacheTtlMs ?? 5_000;
  const verified = new Map<string, { record: ApiTokenRecord; until: number }>();
  const lastTouch = new Map<string, number>();

  function touch(record: ApiTokenRecord, at: Date) {
    const last = lastTouch.get(record.id) ?? record.lastUsedAt?.getTime() ?? Number.NEGATIVE_INFINITY;
    if (at.getTime() - last < touchIntervalMs) return;
    lastTouch.set(record.id, at.getTime());
    void store.touch(record.id, at).catch(() => lastTouch.delete(record.id));
  }

  return {
    async create(input: { workspaceId: string; role: string; name: string }): Promise<{ token: string; info: ApiTokenInfo }> {
      const role = RoleSchema.safeParse(input.role);
      if (!role.success)
        throw hostErrors.create('NH_AUTH_ROLE_INVALID', `role must be one of owner, admin, member, viewer (got ${input.role})`);
      const name = input.name.trim();
      if (!name || name.length > 100) throw hostErrors.create('NH_REQUEST_INVALID', 'a token name of 1 to 100 characters is required');
      const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
      const record: ApiTokenRecord = {
        id: randomUUID(),
        workspaceId: input.workspaceId,
        role: role.data,
        name,
        tokenHash: hashToken(token),
        createdAt: now(),
        lastUsedAt: null,
        revokedAt: null,
      };
      await store.insert(record);
      return { token, info: info(record) };
    },

    /** The token's record, or NH_AUTH_TOKEN_MISSING / NH_AUTH_TOKEN_INVALID. */
    async verify(token: string | undefined): Promise<ApiTokenInfo> {
      if (!token)
        throw hostErrors.create(
          'NH_AUTH_TOKEN_MISSING',
          'send an API token as `Authorization: Bearer nh_...` (create one with `neonhub token create`)',
        );
      if (!TOKEN_PATTERN.test(token)) throw hostErrors.create('NH_AUTH_TOKEN_INVALID', 'the API token is malformed, unknown or revoked');
      const hash = hashToken(token);
      const at = now();
      const cached = verified.get(hash);
      let record = cached && cached.until > at.getTime() ? cached.record : undefined;
      if (!record) {
        verified.delete(hash);
        const found = await store.findByHash(hash);
        if (found && !found.revokedAt && timingSafeEqual(Buffer.from(found.tokenHash, 'hex'), Buffer.from(hash, 'hex'))) {
          record = found;
          verified.set(hash, { record, until: at.getTime() + cacheTtlMs });
        }
      }
      if (!record) throw hostErrors.create('NH_AUTH_TOKEN_INVALID', 'the API token is malformed, unknown or revoked');
      touch(record, at);
      return info(record);
    },

    /** The workspace's active tokens, newest first (`revoked: true`: the revoked ones too). */
    async list(workspaceId: string, opts: { revoked?: boolean } = {}): Promise<ApiTokenInfo[]> {
      return (await store.listByWorkspace(workspaceId))
        .filter((t) => opts.revoked || !t.revokedAt)
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
        .map(info);
    },

    async revoke(workspaceId: string, id: string): Promise<void> {
      // Token ids are UUIDs: anything else matches no token (and is never handed to the database, whose uuid cast would fail).
      if (!UUID.test(id) || !(await store.revoke(id, workspaceId, now()))) {
        throw hostErrors.create(
          'NH_AUTH_TOKEN_NOT_FOUND',
          `no active API token has the id ${id} in this workspace (\`neonhub token list\` shows the ids)`,
          { details: { id } },
        );
      }
      for (const [hash, entry] of verified) if (entry.record.id === id) verified.delete(hash);
    },
  };
}

export type TokenService = ReturnType<typeof createTokenService>;
