import { isNeonHubError } from '@neonhub/schemas';
import pc from 'picocolors';

/** Output for people: plain lines on stdout, errors with their code on stderr. */
export const out = {
  line(text = '') {
    process.stdout.write(`${text}\n`);
  },
  json(value: unknown) {
    process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  },
  ok(text: string) {
    process.stdout.write(`${pc.green('✓')} ${text}\n`);
  },
  warn(text: string) {
    process.stderr.write(`${pc.yellow('!')} ${text}\n`);
  },
  table(rows: Record<string, unknown>[], columns: string[]) {
    if (rows.length === 0) return;
    const cells = rows.map((r) => columns.map((c) => String(r[c] ?? '')));
    const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
    const fmt = (row: string[]) =>
      row
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd();
    process.stdout.write(`${pc.dim(fmt(columns))}\n${cells.map(fmt).join('\n')}\n`);
  },
};

/** A single updating progress line on a terminal ("… verifying plugins 3/7"); plain lines otherwise. */
export function progress(label: string) {
  const tty = process.stderr.isTTY;
  const started = Date.now();
  const write = (text: string) => {
    if (tty) process.stderr.write(`\r\x1b[2K${pc.cyan('…')} ${text}`);
  };
  write(label);
  return {
    update(text: string) {
      write(`${label}: ${text}`);
    },
    done(text?: string) {
      if (tty) process.stderr.write('\r\x1b[2K');
      if (text) process.stderr.write(`${pc.green('✓')} ${text} ${pc.dim(`(${Date.now() - started} ms)`)}\n`);
    },
  };
}

/**
 * Prints an error as one line, `error CODE: message` (the message carries the reason and what to do), and sets a
 * non-zero exit code (2 for user errors, 1 otherwise). NEONHUB_DEBUG=1 adds the details and the stack trace.
 */
export function reportError(err: unknown): void {
  const debug = Boolean(process.env.NEONHUB_DEBUG);
  if (isNeonHubError(err)) {
    process.stderr.write(`${pc.red('error')} ${pc.bold(err.code)}: ${err.message}\n`);
    if (debug && err.details !== undefined) process.stderr.write(`${JSON.stringify(err.details, null, 2)}\n`);
    if (debug && err.cause instanceof Error && err.cause.stack) process.stderr.write(`cause: ${err.cause.stack}\n`);
    process.exitCode = err.category === 'user' ? 2 : 1;
  } else {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(
      `${pc.red('error')} NH_INTERNAL: ${debug && err instanceof Error ? (err.stack ?? message) : `${message} (a bug: NEONHUB_DEBUG=1 prints the stack trace for a report)`}\n`,
    );
    process.exitCode = 1;
  }
}
