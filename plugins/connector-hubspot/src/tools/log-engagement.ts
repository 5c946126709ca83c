import { defineTool, publishOnce, requireConnection } from '@neonhub/sdk';
import { z } from 'zod';
import { hubspotClient, PLUGIN_ID } from '../client.js';
import { toConnectorError } from '../errors.js';

/** Runs a provider step with its errors as the shared connector errors, so publishOnce can tell a refusal from an unknown outcome. */
const mapped =
  <T>(fn: () => Promise<T>) =>
  (): Promise<T> =>
    fn().catch((err: unknown) => {
      throw toConnectorError(err);
    });

/** HubSpot's default association type note → contact. */
const NOTE_TO_CONTACT = 202;

export const logEngagement = defineTool({
  name: 'log_engagement',
  description:
    "Writes a marketing engagement (sent, delivered, opened, clicked, replied, bounced, unsubscribed, posted) back to HubSpot as a note on the contact's timeline, found by e-mail address. Once per idempotency key.",
  sideEffect: 'external',
  input: z.object({
    email: z.email().describe('The contact e-mail address.'),
    event: z
      .enum(['sent', 'delivered', 'opened', 'clicked', 'replied', 'bounced', 'complained', 'unsubscribed', 'posted'])
      .describe('What happened.'),
    summary: z.string().min(1).max(5000).describe('What to show on the timeline, e.g. "Opened: Spring sale newsletter".'),
    occurredAt: z.iso.datetime({ offset: true }).optional().describe('When it happened (default now).'),
    connection: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe("The connected portal (its id or label); default: the workspace's default connection."),
  }),
  output: z.object({ noteId: z.string(), contactId: z.string(), duplicate: z.boolean() }),
  timeoutMs: 60_000,
  async run(a, ctx) {
    const client = hubspotClient(ctx, requireConnection(ctx, PLUGIN_ID));
    try {
      const contact = await client.crm.contacts.basicApi.getById(a.email, ['email'], undefined, undefined, false, 'email');
      const out = await publishOnce(
        ctx,
        { email: a.email, event: a.event, summary: a.summary, occurredAt: a.occurredAt },
        {
          publish: mapped(async () => {
            const note = await client.crm.objects.notes.basicApi.create({
              properties: {
                hs_timestamp: a.occurredAt ? new Date(a.occurredAt).toISOString() : new Date().toISOString(),
                hs_note_body: `[NeonHub · ${a.event}] ${a.summary}`,
              },
              associations: [
                {
                  to: { id: contact.id },
                  types: [{ associationCategory: 'HUBSPOT_DEFINED' as never, associationTypeId: NOTE_TO_CONTACT }],
                },
              ],
            });
            return { postId: note.id, url: `https://app.hubspot.com/contacts/_/record/0-1/${contact.id}` };
          }),
        },
      );
      return { noteId: out.postId, contactId: contact.id, duplicate: out.duplicate };
    } catch (err) {
      throw toConnectorError(err);
    }
  },
});
