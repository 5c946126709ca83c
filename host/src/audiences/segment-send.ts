import { createHash } from 'node:crypto';
import type { DB, Kysely } from '@neonhub/db';
import type { Actor } from '@neonhub/schemas';
import { isNeonHubError } from '@neonhub/schemas';
import type { CallTool } from '../pipeline/call-tool.js';
import { createLinks } from '../results/links.js';
import { attributeSend } from '../results/sent.js';
import { audienceErrors } from './errors.js';
import { addressHash } from './normalize.js';
import { segmentWhere } from './segments.js';

const LINK = /\{\{link:(https?:\/\/[^\s}]+)\}\}/g;
const MAX_RECIPIENTS = 10_000;

export interface SegmentSend {
  tool: string;
  channel: string;
  campaign: string;
  variant: string;
  input: Record<string, unknown>;
  recipientField: string;
}

/** Replaces {{link:URL}} in every string of the input, asynchronously, by `replace(url)`. */
async function withLinks(value: unknown, replace: (url: string) => Promise<string>): Promise<unknown> {
  if (typeof value === 'string') {
    const urls = [...value.matchAll(LINK)].map((m) => m[1] as string);
    let out = value;
    for (const url of urls) out = out.replace(`{{link:${url}}}`, await replace(url));
    return out;
  }
  if (Array.isArray(value)) return Promise.all(value.map((v) => withLinks(v, replace)));
  if (value && typeof value === 'object') {
    const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await withLinks(v, replace)] as const));
    return Object.fromEntries(entries);
  }
  return value;
}

/**
 * Sends to every contact of a segment, one pipeline call per recipient: governance checks that recipient's consent
 * and frequency caps like any send, suppressed addresses are skipped before the call, and each `{{link:URL}}` becomes
 * the recipient's own tracked link. Each send's campaign, variant and contact are registered under its idempotency
 * key before the call; the outbox records the `sent` result when it delivers (results/sent.ts), keyed by that key,
 * so sending the same segment again sends and counts nothing twice.
 */
export async function sendToSegment(
  deps: { db: Kysely<DB>; callTool: CallTool; baseUrl: string },
  workspace: { id: string; slug: string },
  segmentId: string,
  send: SegmentSend,
  actor: Actor,
) {
  const { db } = deps;
  const segment = await db
    .selectFrom('segments')
    .selectAll()
    .where('workspace_id', '=', workspace.id)
    .where('id', '=', segmentId)
    .executeTakeFirst();
  if (!segment) throw audienceErrors.create('NH_AUDIENCE_SEGMENT_NOT_FOUND', `no segment ${segmentId} in this workspace`);
  const contacts = await db
    .selectFrom('contacts as c')
    .selectAll('c')
    .where('c.workspace_id', '=', workspace.id)
    .where(segmentWhere(segment.rule))
    .orderBy('c.created_at')
    .limit(MAX_RECIPIENTS)
    .execute();
  const suppressed = new Set(
    (
      await db
        .selectFrom('suppressions')
        .select('value_hash')
        .where('workspace_id', '=', workspace.id)
        .where('channel', '=', send.channel)
        .execute()
    ).map((s) => s.value_hash),
  );
  const result = {
    recipients: contacts.length,
    sent: 0,
    suppressed: 0,
    refused: [] as { contactId: string; code: string; message: string }[],
  };
  for (const contact of contacts) {
    const address =
      send.channel === 'email' ? contact.email : send.channel === 'sms' ? contact.phone : (contact.handles?.[send.channel] ?? null);
    if (!address) {
      result.refused.push({ contactId: contact.id, code: 'NH_AUDIENCE_NO_ADDRESS', message: `no ${send.channel} address` });
      continue;
    }
    if (suppressed.has(addressHash(send.channel, address))) {
      result.suppressed++;
      continue;
    }
    // Hashed: the key is kept in the audit log, which must name no person (erasure cannot touch the chain).
    const idempotencyKey = `segment-send:${createHash('sha256').update(`${segmentId}\u0000${send.campaign}\u0000${send.variant}\u0000${contact.id}`).digest('base64url')}`;
    const input = (await withLinks(send.input, async (url) => {
      const existing = await db
        .selectFrom('tracked_links')
        .select('code')
        .where('workspace_id', '=', workspace.id)
        .where('campaign', '=', send.campaign)
        .where('variant', '=', send.variant)
        .where('contact_id', '=', contact.id)
        .where('url', '=', url)
        .executeTakeFirst();
      const linkCode =
        existing?.code ??
        (
          await createLinks(db, workspace.id, {
            url,
            campaign: send.campaign,
            variant: send.variant,
            channel: send.channel,
            contactIds: [contact.id],
          })
        )[0]?.code;
      return `${deps.baseUrl}/r/${linkCode}`;
    })) as Record<string, unknown>;
    // the outbox's delivery recorder writes the `sent` result under this campaign, variant and contact
    await attributeSend(db, workspace.id, idempotencyKey, { campaign: send.campaign, variant: send.variant, contactId: contact.id });
    try {
      const r = await deps.callTool({
        workspace: workspace.slug,
        tool: send.tool,
        input: { ...input, [send.recipientField]: address },
        actor,
        idempotencyKey,
      });
      if (r.status !== 'ok') {
        result.refused.push({ contactId: contact.id, code: 'NH_APPROVAL_PENDING', message: r.reason });
        continue;
      }
      result.sent++;
    } catch (err) {
      if (!isNeonHubError(err)) throw err;
      // A policy's denial names its own code (NH_GOV_CONSENT_MISSING, NH_GOV_OPTED_OUT, ...) in details.code.
      const policyCode = (err.details as { code?: unknown } | undefined)?.code;
      result.refused.push({ contactId: contact.id, code: typeof policyCode === 'string' ? policyCode : err.code, message: err.message });
    }
  }
  return result;
}
