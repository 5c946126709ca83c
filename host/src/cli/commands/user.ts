import { randomBytes } from 'node:crypto';
import { type CreatedUserSchema, CreateUserBodySchema } from '@neonhub/schemas';
import type { z } from 'zod';
import { createAccount } from '../../accounts/setup.js';
import { parseBody } from '../../server/parse-body.js';
import { withStorage } from '../context.js';
import { out } from '../output.js';
import { hostApi, runningHost } from '../running-host.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/**
 * `neonhub user create <email> [--owner]`: a console account made by the operator (through the running
 * host's API, or the database directly). `--owner` makes it owner of every workspace. The password is
 * read from stdin with --password-stdin; otherwise a strong one is generated and printed once.
 */
export async function userCreate(email: string, opts: { name?: string; owner?: boolean; passwordStdin?: boolean }) {
  const generated = opts.passwordStdin ? undefined : randomBytes(15).toString('base64url');
  const password = generated ?? (await readStdin());
  const body = parseBody(CreateUserBodySchema, { email, password, owner: opts.owner === true, ...(opts.name ? { name: opts.name } : {}) });
  const running = runningHost();
  const created: z.infer<typeof CreatedUserSchema> = running
    ? await hostApi(running, 'createUser', { body })
    : await withStorage({ purpose: 'neonhub user create' }, (storage) => createAccount(storage, body, body.owner ? 'all' : 'none'));
  out.ok(`account ${created.user.email} created${created.owns.length ? `, owner of ${created.owns.join(', ')}` : ''}`);
  if (generated) out.line(`  password   ${generated}  (shown once: log in and keep it, or change it)`);
}
