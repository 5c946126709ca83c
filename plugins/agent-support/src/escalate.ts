import type { EscalationRule } from './config.js';
import type { Triage } from './model.js';
import { matchPhrases } from './triage.js';

export interface EscalationDecision {
  escalate: boolean;
  /** Every rule that matched, in rule order; the first one's route is where the ticket goes. */
  matched: Array<{ rule: string; route: string }>;
  route: string | null;
}

/** A rule matches when every condition it names holds (AND); rules are checked in order. */
export function evaluateRules(
  rules: readonly EscalationRule[],
  t: Pick<Triage, 'priority' | 'category'> & { sentiment: { label: Triage['sentiment']['label'] } },
  vip: boolean,
  text: string,
): EscalationDecision {
  const matched = rules
    .filter(({ when }) => {
      if (when.priorities && !when.priorities.includes(t.priority)) return false;
      if (when.sentiments && !when.sentiments.includes(t.sentiment.label)) return false;
      if (when.categories && !when.categories.includes(t.category)) return false;
      if (when.vip !== undefined && when.vip !== vip) return false;
      if (when.keywords && matchPhrases(text, when.keywords).length === 0) return false;
      return true;
    })
    .map((r) => ({ rule: r.name, route: r.route }));
  return { escalate: matched.length > 0, matched, route: matched[0]?.route ?? null };
}
