import type { Logger } from 'pino';

const levels = new Set(['trace', 'debug', 'info', 'warn', 'error', 'fatal']);
/** pino's numeric levels, as a pino-logging MCP server writes them. */
const numeric: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

/**
 * Forwards a child's stderr line to the host logger: JSON lines from the SDK's logger keep their
 * level and fields; anything else is logged as a warning. Keeps the last lines for crash reports.
 */
export function createStderrSink(logger: Logger, pluginId: string, keep = 20): { line(text: string): void; tail(): string[] } {
  const recent: string[] = [];
  return {
    line(text) {
      recent.push(text.length > 2000 ? `${text.slice(0, 2000)}…` : text);
      if (recent.length > keep) recent.shift();
      let parsed: unknown;
      try {
        parsed = text.startsWith('{') ? JSON.parse(text) : undefined;
      } catch {}
      const raw = parsed && typeof parsed === 'object' ? (parsed as { level?: unknown }).level : undefined;
      const level = typeof raw === 'number' ? numeric[raw] : String(raw);
      if (level && levels.has(level)) {
        const {
          level: _l,
          msg,
          time: _time,
          pid: _pid,
          hostname: _h,
          ...fields
        } = parsed as { level: unknown; msg?: string; time?: number; pid?: number; hostname?: string };
        logger[level as 'info']({ ...fields, plugin: pluginId, source: 'plugin' }, msg ?? '');
        return;
      }
      // Plain stderr is how most MCP servers say hello ("running on stdio"): info, not a warning.
      logger.info({ plugin: pluginId, stderr: text }, 'plugin stderr');
    },
    tail: () => [...recent],
  };
}
