import type { Logger } from 'pino';
import type { CallRecord } from './pipeline/call-tool.js';

/**
 * Write-behind buffer for the tool_calls log: the call path only pushes to an array; rows are
 * written in batches so a database round trip never sits on the hot path of a call.
 */
export function createCallLog(
  write: (records: CallRecord[]) => Promise<void>,
  logger: Logger,
  opts: { maxBatch?: number; intervalMs?: number } = {},
) {
  const maxBatch = opts.maxBatch ?? 200;
  const intervalMs = opts.intervalMs ?? 100;
  let buffer: CallRecord[] = [];
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();

  const flush = (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (buffer.length === 0) return writing;
    const batch = buffer;
    buffer = [];
    writing = writing.then(() => write(batch)).catch((err) => logger.error({ err, lost: batch.length }, 'could not write tool call log'));
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
