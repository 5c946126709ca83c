/**
 * The governance policy as the policies and brand-kit pages edit it: only the fields a marketer sets, kept
 * beside everything else the policy holds (a save sends the whole policy back, untouched parts included).
 * The shape is the governance plugin's (plugins/governance/src/policy/schema.ts; `policy_schema` answers it).
 */
export interface PolicyDoc {
  requireApproval?: { sideEffects?: string[]; tools?: string[]; exceptTools?: string[]; ttlHours?: number };
  content?: {
    bannedPhrases?: string[];
    disclosures?: { tools: string[]; text: string; caseSensitive?: boolean; when?: unknown }[];
    pii?: Record<string, string>;
    [k: string]: unknown;
  };
  consent?: {
    sends?: unknown[];
    frequencyCaps?: { email?: { max: number; windowHours?: number }; sms?: { max: number; windowHours?: number } };
  };
  [k: string]: unknown;
}

/** Governance's tool patterns: `*` matches any run of characters. */
export function matchesTool(pattern: string, tool: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return re.test(tool);
}

const sideEffectsOf = (p: PolicyDoc) => p.requireApproval?.sideEffects ?? ['external'];

/** Whether the policy holds a call of `tool` (with its declared side effect) for approval. */
export function isHeld(p: PolicyDoc, tool: string, sideEffect: string): boolean {
  const ra = p.requireApproval ?? {};
  if ((ra.tools ?? []).some((t) => matchesTool(t, tool))) return true;
  return sideEffectsOf(p).includes(sideEffect) && !(ra.exceptTools ?? []).some((t) => matchesTool(t, tool));
}

const without = (list: string[] | undefined, x: string) => (list ?? []).filter((t) => t !== x);

/**
 * The policy with `tools` held (or let through) whatever the side-effect rule says: a held tool leaves
 * `exceptTools` (and joins `tools` if the side-effect rule would not hold it); a released one leaves `tools`
 * (and joins `exceptTools` if the side-effect rule would hold it).
 */
export function setHeld(p: PolicyDoc, tools: { name: string; sideEffect: string }[], held: boolean): PolicyDoc {
  const ra = {
    sideEffects: sideEffectsOf(p),
    tools: [...(p.requireApproval?.tools ?? [])],
    exceptTools: [...(p.requireApproval?.exceptTools ?? [])],
    ...(p.requireApproval?.ttlHours !== undefined ? { ttlHours: p.requireApproval.ttlHours } : {}),
  };
  let next: PolicyDoc = { ...p, requireApproval: ra };
  for (const t of tools) {
    const r = next.requireApproval!;
    if (held) {
      r.exceptTools = without(r.exceptTools, t.name);
      if (!isHeld(next, t.name, t.sideEffect)) r.tools = [...(r.tools ?? []), t.name];
    } else {
      r.tools = without(r.tools, t.name);
      if (isHeld(next, t.name, t.sideEffect)) r.exceptTools = [...(r.exceptTools ?? []), t.name];
    }
    next = { ...next, requireApproval: { ...r } };
  }
  return next;
}

/** The policy with a side effect (e.g. external) needing approval or not. */
export function setSideEffectHeld(p: PolicyDoc, sideEffect: string, held: boolean): PolicyDoc {
  const list = sideEffectsOf(p).filter((s) => s !== sideEffect);
  return { ...p, requireApproval: { ...(p.requireApproval ?? {}), sideEffects: held ? [...list, sideEffect] : list } };
}

/** One phrase per line, trimmed, empty lines and repeats dropped. */
export const lines = (s: string) => [
  ...new Set(
    s
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean),
  ),
];
