import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { hostErrors } from '../errors.js';
import type { CallTool } from '../pipeline/call-tool.js';
import { createAccountMailer } from './account-mail.js';

function capture() {
  const lines: string[] = [];
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    }),
  );
  return { logger, text: () => lines.join('') };
}

const message = {
  to: 'a@example.com',
  subject: 'Reset your NeonHub password',
  text: 'open https://h/reset?token=nhl_x',
  link: 'https://h/reset?token=nhl_x',
  purpose: 'password_reset' as const,
  idempotencyKey: 'account-link:x',
};

describe('account mailer', () => {
  it('calls the connector through the pipeline as the system actor, and logs the link for a sandbox connector', async () => {
    const calls: unknown[] = [];
    const callTool = (async (req: unknown) => {
      calls.push(req);
      return { status: 'ok', callId: 'c', output: {}, durationMs: 1 };
    }) as unknown as CallTool;
    const log = capture();
    const mailer = createAccountMailer({
      callTool,
      logger: log.logger,
      config: { workspace: 'demo', tool: 'connector-email-sandbox:send' },
    });
    mailer.send(message);
    await mailer.settled();
    expect(calls).toEqual([
      {
        workspace: 'demo',
        tool: 'connector-email-sandbox:send',
        input: { to: message.to, subject: message.subject, text: message.text },
        actor: { type: 'system', id: 'neonhub-accounts' },
        idempotencyKey: 'account-link:x',
      },
    ]);
    expect(log.text()).toContain(message.link);
  });

  it('never logs the link for a real connector, and never throws when the connector fails', async () => {
    const callTool = (async () => {
      throw hostErrors.create('NH_TOOL_NOT_ENABLED', 'not enabled');
    }) as unknown as CallTool;
    const log = capture();
    const mailer = createAccountMailer({
      callTool,
      logger: log.logger,
      config: { workspace: 'acme', tool: 'connector-email-resend:send' },
    });
    mailer.send(message);
    await mailer.settled();
    expect(log.text()).toContain('NH_TOOL_NOT_ENABLED');
    expect(log.text()).not.toContain('nhl_x');
  });
});
