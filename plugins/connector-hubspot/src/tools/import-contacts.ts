import { defineTool, requireConnection } from '@neonhub/sdk';
import { z } from 'zod';
import { hubspotClient, PLUGIN_ID } from '../client.js';
import { IMPORTED_PROPERTIES, type ImportedContact, ImportedContactSchema } from '../contact.js';
import { hubspotFailure, toConnectorError } from '../errors.js';

interface V4Status {
  subscriptionId: number | string;
  subscriptionName?: string;
  status: 'SUBSCRIBED' | 'NOT_SUBSCRIBED';
  legalBasis?: string | null;
}

export const importContacts = defineTool({
  name: 'import_contacts',
  description:
    "Reads one page of the connected HubSpot portal's contacts with their consent: the unsubscribed-from-all flag (hs_email_optout), the e-mail subscription statuses (communication preferences v4) and legal basis. Page with nextAfter until it is null. Read-only.",
  sideEffect: 'read',
  input: z.object({
    after: z.string().min(1).max(200).optional().describe('The nextAfter of the previous page; omit for the first page.'),
    limit: z.number().int().min(1).max(100).default(100).describe('Contacts per page (1–100, default 100).'),
    subscriptions: z.boolean().default(true).describe('Also read each contact e-mail subscription statuses (one batch request per page).'),
    connection: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe("The connected portal (its id or label); default: the workspace's default connection."),
  }),
  output: z.object({ contacts: z.array(ImportedContactSchema), nextAfter: z.string().nullable() }),
  timeoutMs: 60_000,
  async run(a, ctx) {
    const client = hubspotClient(ctx, requireConnection(ctx, PLUGIN_ID));
    try {
      const page = await client.crm.contacts.basicApi.getPage(a.limit, a.after, IMPORTED_PROPERTIES);
      const emails = page.results.map((c) => c.properties.email).filter((e): e is string => !!e);
      const statuses = new Map<string, V4Status[]>();
      if (a.subscriptions && emails.length > 0) {
        const res = await client.apiRequest({
          method: 'POST',
          path: '/communication-preferences/v4/statuses/batch/read?channel=EMAIL',
          body: { inputs: emails },
        });
        const text = await res.text();
        if (!res.ok) throw hubspotFailure(res.status, text, Object.fromEntries(res.headers.entries()));
        const data = JSON.parse(text) as { results?: Array<{ subscriberIdString: string; statuses: V4Status[] }> };
        for (const r of data.results ?? []) statuses.set(r.subscriberIdString.toLowerCase(), r.statuses);
      }
      const contacts = page.results.map((c): ImportedContact => {
        const p = c.properties;
        const subs = (p.email ? statuses.get(p.email.toLowerCase()) : undefined) ?? [];
        const optOut = p.hs_email_optout === 'true';
        return {
          id: c.id,
          email: p.email ?? null,
          firstName: p.firstname ?? null,
          lastName: p.lastname ?? null,
          phone: p.phone ?? null,
          lifecycleStage: p.lifecyclestage ?? null,
          unsubscribedFromAll: optOut,
          consent: optOut
            ? 'unsubscribed'
            : subs.some((s) => s.status === 'SUBSCRIBED')
              ? 'subscribed'
              : subs.length
                ? 'unsubscribed'
                : 'unknown',
          subscriptions: subs.map((s) => ({
            subscriptionId: String(s.subscriptionId),
            name: s.subscriptionName ?? '',
            status: s.status,
            legalBasis: s.legalBasis ?? null,
          })),
          legalBasis: p.hs_legal_basis ?? null,
          updatedAt: (c.updatedAt instanceof Date ? c.updatedAt : new Date(c.updatedAt)).toISOString(),
        };
      });
      return { contacts, nextAfter: page.paging?.next?.after ?? null };
    } catch (err) {
      throw toConnectorError(err);
    }
  },
});
