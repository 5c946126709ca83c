import { createTwoFilesPatch, diffLines } from 'diff';

export interface UnifiedDiff {
  patch: string;
  added: number;
  removed: number;
}

const withNewline = (s: string) => (s.endsWith('\n') ? s : `${s}\n`);

/** A unified line diff (3 lines of context) between two versions of a draft, with added/removed line counts. */
export function unifiedDiff(draftId: string, fromVersion: number, from: string, toVersion: number, to: string): UnifiedDiff {
  const a = withNewline(from);
  const b = withNewline(to);
  const patch = createTwoFilesPatch(`${draftId}@v${fromVersion}`, `${draftId}@v${toVersion}`, a, b, undefined, undefined, { context: 3 });
  let added = 0;
  let removed = 0;
  for (const part of diffLines(a, b)) {
    if (part.added) added += part.count ?? 0;
    if (part.removed) removed += part.count ?? 0;
  }
  return { patch, added, removed };
}
