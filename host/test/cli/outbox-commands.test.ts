import { join } from 'node:path';
import { createDatabase } from '@neonhub/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertOrGet } from '../../src/outbox/store.js';
import { makeRoot, removeRoot } from '../integration/helpers.js';
import { neonhubIn } from './cli-harness.js';

/**
 * `neonhub outbox list|show|retry|cancel` without a running host open the database alone (withStorage, like the
 * workspace commands; they booted a host before): what they print and change.
 */
let root: string;
let id: string;
const neonhub = (...args: string[]) => neonhubIn(root, args);

beforeAll(async () => {
  root = makeRoot('cli-outbox', []);
  const created = neonhub('workspace', 'create', 'acme');
  expect(created.code, created.stderr).toBe(0);
  // a message as the pipeline writes it before delivery (no plugin needs to exist to list, show or change it)
  const database = await createDatabase({ dataDir: join(root, '.neonhub') });
  try {
    const ws = await database.db.selectFrom('workspaces').select('id').where('slug', '=', 'acme').executeTakeFirstOrThrow();
    id = (
      await insertOrGet(database.db, {
        workspaceId: ws.id,
        pluginId: 'connector-email-sandbox',
        tool: 'connector-email-sandbox:send',
        idempotencyKey: 'spring-1',
        input: { to: ['ann@shop.test', 'bob@shop.test'] },
        inputHash: 'h',
        actor: { type: 'user', id: 'cli', role: 'owner' },
        callId: 'call-1',
        approvalId: null,
        channel: 'email',
        connection: null,
        recipients: ['ann@shop.test', 'bob@shop.test'],
        maxAttempts: 8,
      })
    ).row.id;
  } finally {
    await database.close();
  }
}, 240_000);
afterAll(() => removeRoot(root));

describe('outbox commands on the database', () => {
  it('list and show the message; cancel it, then retry it; an unknown id is NH_OUTBOX_NOT_FOUND', () => {
    const list = neonhub('outbox', 'list', '-w', 'acme', '--json');
    expect(list.code, list.stderr).toBe(0);
    const listed = JSON.parse(list.stdout);
    expect(listed.counts).toEqual({ queued: 1 });
    expect(listed.messages).toMatchObject([
      { id, status: 'queued', tool: 'connector-email-sandbox:send', recipients: ['ann@shop.test', 'bob@shop.test'] },
    ]);

    const show = neonhub('outbox', 'show', id, '-w', 'acme');
    expect(show.code, show.stderr).toBe(0);
    expect(JSON.parse(show.stdout)).toMatchObject({ id, status: 'queued', idempotencyKey: 'spring-1' });

    const cancel = neonhub('outbox', 'cancel', id, '-w', 'acme');
    expect(cancel.code, cancel.stderr).toBe(0);
    expect(cancel.stdout).toBe(`✓ outbox message ${id} is cancelled; it will not be sent\n`);

    const retry = neonhub('outbox', 'retry', id, '-w', 'acme', '--json');
    expect(retry.code, retry.stderr).toBe(0);
    expect(JSON.parse(retry.stdout)).toMatchObject({ id, status: 'queued' });

    const missing = neonhub('outbox', 'show', '00000000-0000-4000-8000-000000000000', '-w', 'acme');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('error NH_OUTBOX_NOT_FOUND');
  }, 600_000);
});
