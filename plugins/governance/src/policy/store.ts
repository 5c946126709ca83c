import type { Actor } from '@neonhub/schemas';
import type { PluginStore } from '@neonhub/sdk';
import { govErrors } from '../errors.js';
import { padVersion } from '../store-util.js';
import { defaultPolicy, type Policy, PolicySchema } from './schema.js';

export const POLICY_HEAD = 'policy';
export const POLICY_VERSIONS = 'policy_versions';
const HEAD_KEY = 'current';

/** One version of a workspace's policy; version 0 is the built-in default (never stored). */
export interface PolicyVersion {
  version: number;
  policy: Policy;
  setBy: Actor | null;
  setAt: string | null;
  note: string | null;
}

const DEFAULT_VERSION: PolicyVersion = { version: 0, policy: defaultPolicy(), setBy: null, setAt: null, note: null };
/** Parsed policies by the stored record they came from (a cached record is the same object until it changes). */
const parsed = new WeakMap<object, PolicyVersion>();

/**
 * The policy in force: the latest version, re-parsed so defaults added since it was written apply. Read on every
 * governed call, so it is a cached read (the host drops it when any host writes the policy) and parsed once per version.
 */
export async function currentPolicy(store: PluginStore): Promise<PolicyVersion> {
  const head = await store.get<PolicyVersion>(POLICY_HEAD, HEAD_KEY, { cached: true });
  if (!head) return DEFAULT_VERSION;
  let current = parsed.get(head);
  if (!current) {
    current = { ...head.value, policy: PolicySchema.parse(head.value.policy) };
    parsed.set(head, current);
  }
  return current;
}

/**
 * Validates `input` and appends it as a new version that becomes current. A bad policy throws
 * NH_GOV_POLICY_INVALID with the zod issues and writes nothing; a stale `expectedVersion` throws NH_GOV_POLICY_CONFLICT.
 */
export async function setPolicy(
  store: PluginStore,
  input: unknown,
  by: { actor: Actor; at: Date; note?: string; expectedVersion?: number },
): Promise<PolicyVersion> {
  const parsed = PolicySchema.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message, code: i.code }));
    throw govErrors.create(
      'NH_GOV_POLICY_INVALID',
      `the policy is invalid, nothing was changed: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`,
      { details: { issues } },
    );
  }
  for (;;) {
    const head = await store.get<PolicyVersion>(POLICY_HEAD, HEAD_KEY);
    const current = head?.value.version ?? 0;
    if (by.expectedVersion !== undefined && by.expectedVersion !== current) {
      throw govErrors.create(
        'NH_GOV_POLICY_CONFLICT',
        `the policy is at version ${current}, not ${by.expectedVersion}: reload it and apply your change again`,
        {
          details: { current, expected: by.expectedVersion },
        },
      );
    }
    const record: PolicyVersion = {
      version: current + 1,
      policy: parsed.data,
      setBy: by.actor,
      setAt: by.at.toISOString(),
      note: by.note ?? null,
    };
    // Whoever writes version n first owns it. The loser moves the head to that version (in case its writer
    // stopped before doing so) and tries again on top of it.
    if ((await store.putIf(POLICY_VERSIONS, padVersion(record.version), record, 0)) === null) {
      const winner = await store.get<PolicyVersion>(POLICY_VERSIONS, padVersion(record.version));
      if (winner) await store.putIf(POLICY_HEAD, HEAD_KEY, winner.value, head?.version ?? 0);
      continue;
    }
    await store.putIf(POLICY_HEAD, HEAD_KEY, record, head?.version ?? 0);
    return record;
  }
}

/** Stored versions, oldest first, paged by version number. */
export async function policyHistory(store: PluginStore, opts: { afterVersion?: number; limit: number }): Promise<PolicyVersion[]> {
  const rows = await store.list<PolicyVersion>(POLICY_VERSIONS, {
    limit: opts.limit,
    ...(opts.afterVersion !== undefined ? { after: padVersion(opts.afterVersion) } : {}),
  });
  return rows.map((r) => r.value);
}
