import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { FakeConnection } from './webhook.js';

/** A message the SMTP server accepted: the envelope and the message parsed by mailparser. */
export interface SmtpMessage {
  envelope: { from: string; to: string[] };
  parsed: ParsedMail;
  raw: string;
  user: string | undefined;
}

type Failure = { code: number; message: string };

/**
 * A real SMTP server (smtp-server) on a local port with AUTH PLAIN/LOGIN: what a nodemailer transport delivers to;
 * each message is parsed with mailparser. `failNext` answers the next DATA with an SMTP error (421/451 "try again
 * later", 550 "mailbox unavailable", 535 on AUTH).
 */
export async function startSmtpFake(opts: { port?: number; user?: string; pass?: string } = {}) {
  const user = opts.user ?? 'neonhub';
  const pass = opts.pass ?? randomBytes(12).toString('hex');
  const sent: SmtpMessage[] = [];
  const failures: Failure[] = [];
  const sessions: string[] = [];
  const smtpError = (f: Failure) => Object.assign(new Error(f.message), { responseCode: f.code });

  const server = new SMTPServer({
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: 25 * 1024 * 1024,
    onAuth(auth, _session, cb) {
      if (auth.username === user && auth.password === pass) cb(null, { user: auth.username });
      else cb(Object.assign(new Error('Authentication credentials invalid'), { responseCode: 535 }));
    },
    onMailFrom(_address, session, cb) {
      sessions.push(session.id);
      cb();
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const failure = failures.shift();
        if (failure) return cb(smtpError(failure));
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw)
          .then((parsed) => {
            sent.push({
              envelope: {
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                to: session.envelope.rcptTo.map((r) => r.address),
              },
              parsed,
              raw,
              user: session.user as string | undefined,
            });
            cb(null, `OK: queued as ${randomBytes(6).toString('hex')}`);
          })
          .catch((e: Error) => cb(e));
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  const url = `smtp://${encodeURIComponent(user)}:${encodeURIComponent(pass)}@127.0.0.1:${port}`;
  return {
    name: 'smtp' as const,
    url,
    host: '127.0.0.1',
    port,
    user,
    pass,
    /** Accepted messages, oldest first. */
    sent,
    /** SMTP sessions that reached MAIL FROM (attempts). */
    sessions,
    /** The next `times` messages are refused at DATA with `code` (default 451: try again later). */
    failNext: (times = 1, code = 451, message = 'Requested action aborted: try again later') => {
      for (let i = 0; i < times; i++) failures.push({ code, message });
    },
    /** The next `times` messages answer 421, the SMTP "too many messages, slow down". */
    rateLimit: (times = 1) => {
      for (let i = 0; i < times; i++) failures.push({ code: 421, message: 'Too many messages, slow down' });
    },
    connection: { plugin: 'connector-smtp', config: {}, credentials: { url, from: 'news@example.com' } } satisfies FakeConnection,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
export type SmtpFake = Awaited<ReturnType<typeof startSmtpFake>>;
