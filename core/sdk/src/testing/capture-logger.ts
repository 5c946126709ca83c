import type { Logger } from '../types.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** One line a plugin logged through `ctx.logger`, kept for assertions. */
export interface CapturedLog {
  level: LogLevel;
  msg: string | undefined;
  /** The structured fields (`logger.info({ a: 1 }, 'msg')`), or `{}` for `logger.info('msg')`. */
  fields: Record<string, unknown>;
  /** The call that logged it, when logged from a tool or hook run by the harness. */
  callId?: string;
}

/** A Logger that records every line into `lines` instead of printing it. */
export function createCaptureLogger(lines: CapturedLog[], callId?: string): Logger {
  const log =
    (level: LogLevel) =>
    (obj: object | string, msg?: string): void => {
      const entry: CapturedLog =
        typeof obj === 'string' ? { level, msg: obj, fields: {} } : { level, msg, fields: { ...(obj as Record<string, unknown>) } };
      if (callId !== undefined) entry.callId = callId;
      lines.push(entry);
    };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}
