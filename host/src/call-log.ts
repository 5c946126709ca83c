import type { Logger } from 'pino';
import type { CallRecord } from './pipeline/call-tool.js';

/**
 * Write-behind buffer for the tool_calls log: the call path only pushes to an array; rows are
 * written in batches so a database round trip never sits on the hot path of a call.
 *
 * `slice`: write a batch as statements of at most this many rows, yielding to the event loop between them. For
 * the embedded database, whose queries run on this thread: one 200-row insert held the loop for ~3 ms (the p99
 * of every call made meanwhile); a few rows at a time hold it for a fraction of that.
 */
export function createCallLog(
  write: (records: CallRecord[]) => Promise<void>,
  logger: Logger,
  opts: { maxBatch?: number; intervalMs?: number; slice?: number } = {},
) {
  const maxBatch = opts.maxBatch ?? 200;
  const intervalMs = opts.intervalMs ?? 100;
  const slice = opts.slice ?? Number.POSITIVE_INFINITY;
  const writeSliced = async (batch: CallRecord[]) => {
    if (batch.length <= slice) return write(batch);
    for (let i = 0; i < batch.length; i += slice) {
      if (i > 0) await new Promise((r) => setImmediate(r));
      await write(batch.slice(i, i + slice));
    }
  };
  let buffer: CallRecord[] = [];
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();

  const flush = (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (buffer.length === 0) return writing;
    const batch = buffer;
    buffer = [];
    writing = writing
      .then(() => writeSliced(batch))
      .catch((err) => logger.error({ err, lost: batch.length }, 'could not write tool call log'));
    return writing;
  };

  return {
    record(record: CallRecord) {
      buffer.push(record);
      if (buffer.length >= maxBatch) void flush();
      else if (!timer) {
        timer = setTimeout(flush, intervalMs);
        timer.unref();
      }
    },
    flush,
  };
}
