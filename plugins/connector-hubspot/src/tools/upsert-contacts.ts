import { defineTool, requireConnection } from '@neonhub/sdk';
import { z } from 'zod';
import { hubspotClient, PLUGIN_ID } from '../client.js';
import { toConnectorError } from '../errors.js';

const ContactInputSchema = z.object({
  email: z.email().describe('The contact e-mail address: the upsert key.'),
  firstName: z.string().max(200).optional().describe('First name.'),
  lastName: z.string().max(200).optional().describe('Last name.'),
  phone: z.string().max(50).optional().describe('Phone number.'),
  properties: z
    .record(z.string().regex(/^[a-z][a-z0-9_]{0,99}$/), z.string().max(65_536))
    .default({})
    .describe('Other HubSpot contact properties by internal name (e.g. neonhub_last_campaign, lifecyclestage).'),
});

export const upsertContacts = defineTool({
  name: 'upsert_contacts',
  description:
    'Creates or updates up to 100 contacts in the connected HubSpot portal by e-mail address (batch upsert), e.g. to write back engagement as contact properties. Safe to retry: an upsert by e-mail never duplicates a contact.',
  sideEffect: 'external',
  input: z.object({
    contacts: z.array(ContactInputSchema).min(1).max(100).describe('The contacts to create or update (1–100).'),
    connection: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe("The connected portal (its id or label); default: the workspace's default connection."),
  }),
  output: z.object({ contacts: z.array(z.object({ id: z.string(), email: z.string(), created: z.boolean() })) }),
  timeoutMs: 60_000,
  async run(a, ctx) {
    const client = hubspotClient(ctx, requireConnection(ctx, PLUGIN_ID));
    const inputs = a.contacts.map((c) => ({
      id: c.email,
      idProperty: 'email',
      properties: {
        ...c.properties,
        ...(c.firstName !== undefined ? { firstname: c.firstName } : {}),
        ...(c.lastName !== undefined ? { lastname: c.lastName } : {}),
        ...(c.phone !== undefined ? { phone: c.phone } : {}),
      },
    }));
    try {
      const res = await client.crm.contacts.batchApi.upsert({ inputs });
      const contacts = res.results.map((r) => ({ id: r.id, email: String(r.properties.email ?? ''), created: r._new }));
      ctx.logger.info({ upserted: contacts.length, created: contacts.filter((c) => c.created).length }, 'hubspot contacts upserted');
      return { contacts };
    } catch (err) {
      throw toConnectorError(err);
    }
  },
});
