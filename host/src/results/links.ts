import { randomBytes } from 'node:crypto';
import type { DB, Kysely } from '@neonhub/db';
import { audienceErrors } from '../audiences/errors.js';
import { insertEvents } from './events.js';

type Db = Kysely<DB>;
const code = () => randomBytes(9).toString('base64url');
/** The token the redirect appends (nh_click): a conversion naming it is tied to the click. */
export const clickToken = () => randomBytes(18).toString('base64url');

export interface NewLinks {
  url: string;
  campaign: string;
  variant: string;
  channel: string;
  contactIds?: string[] | undefined;
  /** The draft the link is sent in and the prompt variant that wrote it: its clicks are that draft's. */
  contentId?: string | null | undefined;
  promptVariant?: string | null | undefined;
}

/** Creates one link, or one per contact (contacts of another workspace are not found). */
export async function createLinks(db: Db, workspaceId: string, input: NewLinks) {
  const contactIds = input.contactIds ?? [];
  if (contactIds.length > 0) {
    const found = await db
      .selectFrom('contacts')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .where('id', 'in', contactIds)
      .execute();
    if (found.length !== new Set(contactIds).size)
      throw audienceErrors.create('NH_AUDIENCE_CONTACT_NOT_FOUND', 'a contact named in the request does not exist in this workspace');
  }
  const targets = contactIds.length > 0 ? contactIds : [null];
  const rows = await db
    .insertInto('tracked_links')
    .values(
      targets.map((contactId) => ({
        workspace_id: workspaceId,
        code: code(),
        url: input.url,
        campaign: input.campaign,
        variant: input.variant,
        channel: input.channel,
        contact_id: contactId,
        content_id: input.contentId ?? null,
        prompt_variant: input.promptVariant ?? null,
      })),
    )
    .returningAll()
    .execute();
  return rows.map((r) => ({
    id: r.id,
    code: r.code,
    path: `/r/${r.code}`,
    url: r.url,
    campaign: r.campaign,
    variant: r.variant,
    channel: r.channel,
    contactId: r.contact_id,
    contentId: r.content_id,
    promptVariant: r.prompt_variant,
  }));
}

/**
 * The code of the workspace's link for exactly this URL, campaign, variant, channel, contact and draft, made when there
 * is none: sending the same message again (a retry, the same segment) reuses its links.
 */
export async function linkCodeFor(db: Db, workspaceId: string, link: Omit<NewLinks, 'contactIds'> & { contactId?: string | null }) {
  const contentId = link.contentId ?? null;
  const promptVariant = link.promptVariant ?? null;
  const contactId = link.contactId ?? null;
  const existing = await db
    .selectFrom('tracked_links')
    .select('code')
    .where('workspace_id', '=', workspaceId)
    .where('campaign', '=', link.campaign)
    .where('variant', '=', link.variant)
    .where('channel', '=', link.channel)
    .where('url', '=', link.url)
    .where((eb) => (contactId === null ? eb('contact_id', 'is', null) : eb('contact_id', '=', contactId)))
    .where((eb) => (contentId === null ? eb('content_id', 'is', null) : eb('content_id', '=', contentId)))
    .where((eb) => (promptVariant === null ? eb('prompt_variant', 'is', null) : eb('prompt_variant', '=', promptVariant)))
    .executeTakeFirst();
  if (existing) return existing.code;
  const { contactId: _, ...rest } = link;
  const [made] = await createLinks(db, workspaceId, { ...rest, ...(contactId ? { contactIds: [contactId] } : {}) });
  return made!.code;
}

/** The destination with UTM parameters (kept when the marketer set them already) and the click token. */
export function destination(link: { url: string; campaign: string; variant: string; channel: string }, token: string): string {
  const u = new URL(link.url);
  const set = (k: string, v: string) => {
    if (v && !u.searchParams.has(k)) u.searchParams.set(k, v);
  };
  set('utm_source', 'neonhub');
  set('utm_medium', link.channel || 'link');
  set('utm_campaign', link.campaign);
  set('utm_content', link.variant);
  u.searchParams.set('nh_click', token);
  // a Stripe Payment Link carries the click into its checkout session (and back in the payment webhook)
  if (u.hostname === 'buy.stripe.com') u.searchParams.set('client_reference_id', token);
  return u.toString();
}

/**
 * Follows a link: records the click (campaign, variant, channel, contact, day) and returns where to redirect.
 * Only a code the workspace created redirects, and only to the URL stored with it: nothing in the request
 * chooses the destination, so /r/ is no open redirect.
 */
export async function followLink(db: Db, linkCode: string, now = new Date()) {
  const link = await db.selectFrom('tracked_links').selectAll().where('code', '=', linkCode).executeTakeFirst();
  if (!link) throw audienceErrors.create('NH_RESULTS_LINK_NOT_FOUND', `no tracked link ${linkCode}`);
  const token = clickToken();
  await insertEvents(db, [
    {
      workspace_id: link.workspace_id,
      campaign: link.campaign,
      variant: link.variant,
      channel: link.channel,
      contact_id: link.contact_id,
      kind: 'clicked',
      occurred_at: now,
      link_id: link.id,
      // the draft the link was made for (stored with its random code: a click cannot name another draft)
      content_id: link.content_id,
      prompt_variant: link.prompt_variant,
      source: 'link',
      dedupe_key: `click:${token}`,
      data: { url: link.url },
    },
  ]);
  return destination(link, token);
}
