import { diffWordsWithSpace, parsePatch } from 'diff';

/** One piece of a changed line: `changed` marks the words that differ from the other side. */
export interface Piece {
  text: string;
  changed: boolean;
}

/** One side of a row: a line number and its text in pieces, or nothing (the line exists on the other side only). */
export interface Side {
  n: number;
  pieces: Piece[];
}

/** A row of the side-by-side view: both sides equal, a change, a line only on one side, or a gap between hunks. */
export interface DiffRow {
  kind: 'same' | 'change' | 'remove' | 'add' | 'gap';
  left?: Side;
  right?: Side;
}

const whole = (text: string): Piece[] => [{ text, changed: false }];

/** Marks the words a changed line lost (left) and gained (right), with jsdiff's word diff. */
function wordPieces(before: string, after: string): { left: Piece[]; right: Piece[] } {
  const left: Piece[] = [];
  const right: Piece[] = [];
  for (const part of diffWordsWithSpace(before, after)) {
    if (!part.added) left.push({ text: part.value, changed: !!part.removed });
    if (!part.removed) right.push({ text: part.value, changed: !!part.added });
  }
  return { left, right };
}

/**
 * A unified diff (agent-content's `diff` tool answers one) as rows for a side-by-side view, parsed with
 * jsdiff's `parsePatch`: within a hunk a run of removed lines is paired with the run of added lines after it,
 * row by row, with the changed words marked; hunks are separated by a gap row.
 */
export function sideBySide(unified: string): DiffRow[] {
  const rows: DiffRow[] = [];
  for (const file of parsePatch(unified)) {
    file.hunks.forEach((hunk, h) => {
      if (h > 0 || hunk.oldStart > 1) rows.push({ kind: 'gap' });
      let l = hunk.oldStart;
      let r = hunk.newStart;
      const lines = hunk.lines.filter((x) => !x.startsWith('\\'));
      for (let i = 0; i < lines.length; ) {
        const line = lines[i] ?? '';
        if (line.startsWith(' ') || line === '') {
          const text = line.slice(1);
          rows.push({ kind: 'same', left: { n: l++, pieces: whole(text) }, right: { n: r++, pieces: whole(text) } });
          i++;
          continue;
        }
        const removed: string[] = [];
        const added: string[] = [];
        while (i < lines.length && lines[i]?.startsWith('-')) removed.push((lines[i++] ?? '').slice(1));
        while (i < lines.length && lines[i]?.startsWith('+')) added.push((lines[i++] ?? '').slice(1));
        for (let k = 0; k < Math.max(removed.length, added.length); k++) {
          const before = removed[k];
          const after = added[k];
          if (before !== undefined && after !== undefined) {
            const w = wordPieces(before, after);
            rows.push({ kind: 'change', left: { n: l++, pieces: w.left }, right: { n: r++, pieces: w.right } });
          } else if (before !== undefined) rows.push({ kind: 'remove', left: { n: l++, pieces: whole(before) } });
          else if (after !== undefined) rows.push({ kind: 'add', right: { n: r++, pieces: whole(after) } });
        }
      }
    });
  }
  return rows;
}
