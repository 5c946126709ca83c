/**
 * Splits a byte stream into newline-terminated lines (stdio JSON-RPC messages), counting bytes as
 * they arrive: a line is refused as soon as more than `maxBytes` of it have arrived without a
 * newline, so a server streaming a 1 GB line (or writing forever without one) costs at most
 * `maxBytes` of memory. Chunks are kept as a list and joined once per line (the SDK's ReadBuffer
 * re-copies its whole buffer on every chunk and throws from the stream's data handler).
 */
export class LineReader {
  private chunks: Buffer[] = [];
  private pending = 0;

  constructor(readonly maxBytes: number) {}

  /** Feeds a chunk; returns the lines it completed, or `overflow` (the bytes of the line so far) when the limit was passed. */
  push(chunk: Buffer): { lines: string[]; overflow?: number } {
    const lines: string[] = [];
    let rest = chunk;
    for (;;) {
      const nl = rest.indexOf(10);
      if (nl === -1) {
        this.pending += rest.length;
        if (this.pending > this.maxBytes) return { lines, overflow: this.reset() };
        if (rest.length) this.chunks.push(rest);
        return { lines };
      }
      const part = rest.subarray(0, nl);
      if (this.pending + part.length > this.maxBytes) return { lines, overflow: this.reset(part.length) };
      const line = this.chunks.length ? Buffer.concat([...this.chunks, part]) : part;
      this.chunks = [];
      this.pending = 0;
      const text = line.toString('utf8');
      lines.push(text.endsWith('\r') ? text.slice(0, -1) : text);
      rest = rest.subarray(nl + 1);
    }
  }

  private reset(extra = 0): number {
    const bytes = this.pending + extra;
    this.chunks = [];
    this.pending = 0;
    return bytes;
  }
}
