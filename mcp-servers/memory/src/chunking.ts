import type { DocumentFormat } from './schemas.js';

export interface ChunkOptions {
  /** Target chunk size in characters; 800 by default. */
  targetChars?: number;
  /** Characters of the previous chunk repeated at the start of the next one in the same section; 120 by default. */
  overlapChars?: number;
}

export interface TextChunk {
  ord: number;
  text: string;
  /** Markdown headings above the chunk, outermost first (empty for plain text). */
  headingPath: string[];
}

interface Section {
  headingPath: string[];
  body: string;
}

const HEADING = /^ {0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/** Splits Markdown into sections at ATX headings (`#`..`######`), ignoring `#` lines inside fenced code. */
export function splitMarkdownSections(markdown: string): Section[] {
  const sections: Section[] = [];
  const stack: { level: number; title: string }[] = [];
  let lines: string[] = [];
  let fence: string | null = null;

  const flush = () => {
    const body = lines.join('\n').trim();
    if (body) sections.push({ headingPath: stack.map((h) => h.title), body });
    lines = [];
  };

  for (const line of markdown.split('\n')) {
    const f = FENCE.exec(line);
    if (f) {
      const marker = f[1]!;
      if (fence === null) fence = marker;
      else if (marker[0] === fence[0] && marker.length >= fence.length) fence = null;
      lines.push(line);
      continue;
    }
    const h = fence === null ? HEADING.exec(line) : null;
    if (!h) {
      lines.push(line);
      continue;
    }
    flush();
    const level = h[1]!.length;
    while (stack.length > 0 && stack[stack.length - 1]!.level >= level) stack.pop();
    stack.push({ level, title: h[2]!.trim() });
  }
  flush();
  return sections;
}

/** Paragraphs separated by blank lines; a fenced code block stays one paragraph. */
function paragraphs(body: string): string[] {
  const out: string[] = [];
  let current: string[] = [];
  let fence: string | null = null;
  for (const line of body.split('\n')) {
    const f = FENCE.exec(line);
    if (f) {
      const marker = f[1]!;
      if (fence === null) fence = marker;
      else if (marker[0] === fence[0] && marker.length >= fence.length) fence = null;
    }
    if (fence === null && !f && line.trim() === '') {
      if (current.length) out.push(current.join('\n').trim());
      current = [];
    } else {
      current.push(line);
    }
  }
  if (current.length) out.push(current.join('\n').trim());
  return out.filter((p) => p.length > 0);
}

/** Breaks an over-long paragraph at sentence ends, then at spaces, into pieces of at most `max` chars. */
function splitLong(text: string, max: number): string[] {
  if (text.length <= max) return [text];
  const sentences = text.match(/[^.!?\n]+(?:[.!?]+["')\]]*|\n|$)\s*/g) ?? [text];
  const pieces: string[] = [];
  let cur = '';
  for (const s of sentences) {
    if (s.length > max) {
      if (cur.trim()) pieces.push(cur.trim());
      cur = '';
      let rest = s;
      while (rest.length > max) {
        let cut = rest.lastIndexOf(' ', max);
        if (cut < max / 2) cut = max;
        pieces.push(rest.slice(0, cut).trim());
        rest = rest.slice(cut);
      }
      cur = rest;
    } else if (cur.length + s.length > max) {
      if (cur.trim()) pieces.push(cur.trim());
      cur = s;
    } else {
      cur += s;
    }
  }
  if (cur.trim()) pieces.push(cur.trim());
  return pieces.filter((p) => p.length > 0);
}

/** The last ~`n` characters of `text`, starting at a word boundary. */
function tail(text: string, n: number): string {
  if (n <= 0 || text.length <= n) return n <= 0 ? '' : text;
  const start = text.length - n;
  const space = text.indexOf(' ', start);
  return (space === -1 || space - start > n / 2 ? text.slice(start) : text.slice(space + 1)).trim();
}

/** Packs paragraphs into chunks of about `target` characters, each starting with the tail of the one before. */
function pack(body: string, target: number, overlap: number): string[] {
  const parts = paragraphs(body).flatMap((p) => splitLong(p, target));
  const chunks: string[] = [];
  let cur = '';
  for (const p of parts) {
    if (cur && cur.length + 2 + p.length > target) {
      chunks.push(cur);
      const carry = tail(cur, overlap);
      cur = carry ? `${carry}\n\n${p}` : p;
    } else {
      cur = cur ? `${cur}\n\n${p}` : p;
    }
  }
  if (cur) chunks.push(cur);
  return chunks;
}

/**
 * Chunks a document for indexing. Markdown is split at headings first (the heading path
 * goes with each chunk), then every section by paragraphs to about `targetChars`, with
 * `overlapChars` of overlap between consecutive chunks of one section. Plain text is one
 * section.
 */
export function chunkDocument(content: string, format: DocumentFormat, options: ChunkOptions = {}): TextChunk[] {
  const target = options.targetChars ?? 800;
  const overlap = Math.min(options.overlapChars ?? 120, Math.floor(target / 2));
  const normalized = content.replace(/\r\n?/g, '\n');
  const sections: Section[] =
    format === 'markdown' ? splitMarkdownSections(normalized) : [{ headingPath: [], body: normalized.trim() }].filter((s) => s.body);
  const chunks: TextChunk[] = [];
  for (const section of sections) {
    for (const text of pack(section.body, target, overlap)) {
      chunks.push({ ord: chunks.length, text, headingPath: section.headingPath });
    }
  }
  if (chunks.length === 0 && normalized.trim()) {
    // a Markdown document made only of headings: index the headings themselves
    chunks.push({ ord: 0, text: normalized.trim(), headingPath: [] });
  }
  return chunks;
}
