export type DiffLineKind = 'add' | 'remove' | 'context' | 'hunk' | 'header';
export interface DiffLine {
  kind: DiffLineKind;
  text: string;
}

/** Splits a unified diff into lines tagged for styling (file headers, hunks, added, removed, context). */
export function parseUnifiedDiff(unified: string): DiffLine[] {
  const lines = unified.replace(/\n$/, '').split('\n');
  return lines
    .filter((l, i) => !(l === '' && i === lines.length - 1))
    .map((text) => {
      if (text.startsWith('+++') || text.startsWith('---') || text.startsWith('Index:') || text.startsWith('====='))
        return { kind: 'header' as const, text };
      if (text.startsWith('@@')) return { kind: 'hunk' as const, text };
      if (text.startsWith('+')) return { kind: 'add' as const, text };
      if (text.startsWith('-')) return { kind: 'remove' as const, text };
      return { kind: 'context' as const, text };
    });
}
