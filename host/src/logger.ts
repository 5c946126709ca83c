import pino, { type Logger } from 'pino';

/** Structured logs (pino); secrets and tokens are redacted by path. */
export function createLogger(level: string, destination: NodeJS.WritableStream = process.stderr): Logger {
  return pino(
    {
      level,
      base: { service: 'neonhub' },
      redact: {
        paths: ['*.secret', '*.token', '*.password', '*.apiKey', 'headers.authorization', 'req.headers.authorization'],
        censor: '[redacted]',
      },
    },
    destination as pino.DestinationStream,
  );
}
