import type { Logger } from 'pino';

const levels = new Set(['trace', 'debug', 'info', 'warn', 'error', 'fatal']);

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
      if (parsed && typeof parsed === 'object' && levels.has(String((parsed as { level?: unknown }).level))) {
        const { level, msg, time: _time, ...fields } = parsed as { level: 'info'; msg?: string; time?: number };
        logger[level]({ ...fields, plugin: pluginId, source: 'plugin' }, msg ?? '');
        return;
      }
      logger.warn({ plugin: pluginId, stderr: text }, 'plugin stderr');
    },
    tail: () => [...recent],
  };
}
