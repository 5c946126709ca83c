import { createHash } from 'node:crypto';
import type { DB, Kysely } from '@neonhub/db';
import type { Actor } from '@neonhub/schemas';
import { isNeonHubError } from '@neonhub/schemas';
import type { CallTool } from '../pipeline/call-tool.js';
import { linkCodeFor } from '../results/links.js';
import { attributeSend } from '../results/sent.js';
import { trackLinks } from '../results/track-links.js';
import { audienceErrors } from './errors.js';
import { addressHash } from './normalize.js';
import { segmentWhere } from './segments.js';

const MAX_RECIPIENTS = 10_000;

export interface SegmentSend {
  tool: string;
  channel: string;
  campaign: string;
  variant: string;
  input: Record<string, unknown>;
  recipientField: string;
  /** The draft the message is and the prompt variant that wrote it: its sends and clicks are that draft's. */
  contentId?: string | undefined;
  promptVariant?: string | undefined;
}

/**
 * Sends to every contact of a segment, one pipeline call per recipient: governance checks that recipient's consent
 * and frequency caps like any send, suppressed addresses are skipped before the call, and each link of the message
 * (`{{link:URL}}`, an `href`, a bare URL in text: results/track-links.ts) becomes the recipient's own tracked link,
 * made for the send's draft when it names one (`contentId`). Each send's campaign, variant and contact are registered under its idempotency
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
    .orderBy('c.id') // contacts imported in one statement share created_at: the same ones every time at the limit
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
    const draft = { contentId: send.contentId ?? null, promptVariant: send.promptVariant ?? null };
    const input = (await trackLinks(send.input, deps.baseUrl, (url) =>
      linkCodeFor(db, workspace.id, {
        url,
        campaign: send.campaign,
        variant: send.variant,
        channel: send.channel,
        contactId: contact.id,
        ...draft,
      }),
    )) as Record<string, unknown>;
    // the outbox's delivery recorder writes the `sent` result under this campaign, variant and contact
    await attributeSend(db, workspace.id, idempotencyKey, {
      campaign: send.campaign,
      variant: send.variant,
      contactId: contact.id,
      ...(send.contentId ? { contentId: send.contentId } : {}),
      ...(send.promptVariant ? { promptVariant: send.promptVariant } : {}),
    });
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
