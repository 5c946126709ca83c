import { z } from 'zod';
import { QualifiedToolNameSchema } from '../common.js';
import { ChannelSchema } from '../connector.js';
import { ContentIdSchema, PromptVariantIdSchema } from '../messaging.js';
import { EmailSchema, IsoDateTimeSchema, WorkspaceRefSchema } from './common.js';
import { defineRoute } from './route.js';

/** Audiences (docs/audiences.md): contacts, lists, rule-based segments, suppressions, CSV import, export and erasure. */

const AttributeKeySchema = z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,63}$/, 'attribute names look like plan or first_name');
export const AttributeValueSchema = z.union([z.string().max(2000), z.number(), z.boolean(), z.null()]);
/** A phone number as written; stored in E.164 (+ and digits). */
export const PhoneSchema = z
  .string()
  .trim()
  .regex(/^\+?[0-9 ().-]{6,24}$/, 'a phone number: digits, optionally with + ( ) - . and spaces');

export const ContactInputSchema = z
  .strictObject({
    email: EmailSchema.optional(),
    phone: PhoneSchema.optional(),
    handles: z.record(z.string().regex(/^[a-z][a-z0-9_]{0,31}$/), z.string().min(1).max(200)).default({}),
    attributes: z.record(AttributeKeySchema, AttributeValueSchema).default({}),
    lists: z.array(z.uuid()).max(100).default([]),
  })
  .refine((c) => c.email !== undefined || c.phone !== undefined, {
    message: 'a contact needs an e-mail address or a phone number',
    path: ['email'],
  });
export type ContactInput = z.input<typeof ContactInputSchema>;

export const ContactSchema = z.object({
  id: z.uuid(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  handles: z.record(z.string(), z.string()),
  attributes: z.record(z.string(), AttributeValueSchema),
  lists: z.array(z.uuid()),
  createdAt: IsoDateTimeSchema,
  updatedAt: IsoDateTimeSchema,
});
export type Contact = z.infer<typeof ContactSchema>;

export const ListSchema = z.object({ id: z.uuid(), name: z.string(), size: z.number().int(), createdAt: IsoDateTimeSchema });
export const ListBodySchema = z.strictObject({ name: z.string().trim().min(1).max(100) });
export const ListMembersBodySchema = z.strictObject({ contactIds: z.array(z.uuid()).min(1).max(1000) });

/** One condition of a segment rule. */
export const SegmentConditionSchema = z.discriminatedUnion('field', [
  z.strictObject({
    field: z.literal('attribute'),
    key: AttributeKeySchema,
    op: z.enum(['eq', 'neq', 'contains', 'exists', 'gt', 'lt']),
    value: z.union([z.string().max(2000), z.number(), z.boolean()]).optional(),
  }),
  z.strictObject({ field: z.literal('list'), op: z.enum(['in', 'not_in']), listId: z.uuid() }),
  z.strictObject({ field: z.enum(['email', 'phone']), op: z.enum(['exists', 'ends_with']), value: z.string().max(254).optional() }),
]);
export type SegmentCondition = z.infer<typeof SegmentConditionSchema>;
export const SegmentRuleSchema = z.strictObject({
  match: z.enum(['all', 'any']).default('all'),
  conditions: z.array(SegmentConditionSchema).max(50).default([]),
});
export type SegmentRule = z.infer<typeof SegmentRuleSchema>;
export const SegmentBodySchema = z.strictObject({ name: z.string().trim().min(1).max(100), rule: SegmentRuleSchema });
export const SegmentSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  rule: SegmentRuleSchema,
  size: z.number().int(),
  createdAt: IsoDateTimeSchema,
});

export const SuppressionBodySchema = z.strictObject({
  channel: ChannelSchema,
  value: z.string().trim().min(1).max(320),
  reason: z.string().trim().min(1).max(200).default('manual'),
});
export const SuppressionSchema = z.object({
  channel: z.string(),
  value: z.string().nullable(),
  reason: z.string(),
  createdAt: IsoDateTimeSchema,
});

/** CSV import: `email`, `phone`, `lists` (names, separated by |) and `handle.<network>` columns; any other column is an attribute. */
export const ImportBodySchema = z.strictObject({
  csv: z.string().min(1).max(5_000_000),
  /** Preview only: parse and check every row, write nothing. */
  dryRun: z.boolean().default(true),
  /** Adds every imported contact to this list (created when missing). */
  list: z.string().trim().min(1).max(100).optional(),
});
export const ImportRowErrorSchema = z.object({
  row: z.number().int(),
  code: z.string(),
  field: z.string().optional(),
  message: z.string(),
});
export const ImportResultSchema = z.object({
  dryRun: z.boolean(),
  columns: z.array(z.string()),
  rows: z.number().int(),
  valid: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  errors: z.array(ImportRowErrorSchema),
  /** The first rows as they would be stored (at most 20). */
  preview: z.array(z.record(z.string(), z.unknown())),
});

/** Sends address a segment: the host sends to each recipient through the pipeline (governance checks consent per recipient). */
export const SegmentSendBodySchema = z.strictObject({
  tool: QualifiedToolNameSchema,
  channel: ChannelSchema.default('email'),
  campaign: z.string().trim().min(1).max(100),
  variant: z.string().trim().max(50).default(''),
  /**
   * The tool's input without the recipient. Its links (`{{link:https://...}}`, an `href`, a bare URL in text) become a
   * tracked link per recipient; a string that is only a URL (a media field) is left as is.
   */
  input: z.record(z.string(), z.unknown()),
  /** The draft the message is (e.g. agent-content's draftId): its sends and the clicks of its links are that draft's. */
  contentId: ContentIdSchema.optional(),
  /** The prompt variant that wrote the draft. */
  promptVariant: PromptVariantIdSchema.optional(),
  /** The input field that takes the recipient (`to` for e-mail and SMS connectors). */
  recipientField: z
    .string()
    .regex(/^[a-zA-Z][a-zA-Z0-9_]{0,63}$/)
    .default('to'),
});
export const SegmentSendResultSchema = z.object({
  recipients: z.number().int(),
  sent: z.number().int(),
  suppressed: z.number().int(),
  refused: z.array(z.object({ contactId: z.uuid(), code: z.string(), message: z.string() })),
});

export const ContactExportSchema = z.object({
  contact: ContactSchema,
  lists: z.array(z.object({ id: z.uuid(), name: z.string() })),
  suppressions: z.array(SuppressionSchema),
  trackedLinks: z.array(z.record(z.string(), z.unknown())),
  events: z.array(z.record(z.string(), z.unknown())),
  /** Records plugins keep about the contact (plugin store rows whose key or value names one of their identifiers). */
  pluginRecords: z.array(z.object({ plugin: z.string(), collection: z.string(), key: z.string(), value: z.unknown() })),
  exportedAt: IsoDateTimeSchema,
});
export const ErasedSchema = z.object({
  erased: z.object({
    contacts: z.number().int(),
    pluginRecords: z.number().int(),
    trackedLinks: z.number().int(),
    anonymizedEvents: z.number().int(),
  }),
  /** The audit tombstone (data-trust): its seq, or null when no audit log is enabled in the workspace. */
  tombstone: z.object({ seq: z.number().int(), hash: z.string() }).nullable(),
});

const ws = '/api/workspaces/:ws';
export const WsContactParamsSchema = z.strictObject({ ws: WorkspaceRefSchema, contactId: z.uuid() });
export const WsListParamsSchema = z.strictObject({ ws: WorkspaceRefSchema, listId: z.uuid() });
export const WsSegmentParamsSchema = z.strictObject({ ws: WorkspaceRefSchema, segmentId: z.uuid() });
const WsOnly = z.strictObject({ ws: WorkspaceRefSchema });
export const ContactsQuerySchema = z.strictObject({
  q: z.string().max(200).optional(),
  listId: z.uuid().optional(),
  segmentId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

export const audienceRoutes = {
  listContacts: defineRoute({
    method: 'GET',
    path: `${ws}/contacts`,
    access: 'viewer',
    tag: 'audiences',
    summary: 'Contacts, newest first; filter by text, list or segment',
    params: WsOnly,
    query: ContactsQuerySchema,
    response: { 200: z.object({ contacts: z.array(ContactSchema), total: z.number().int() }) },
  }),
  upsertContact: defineRoute({
    method: 'POST',
    path: `${ws}/contacts`,
    access: 'member',
    tag: 'audiences',
    summary: 'Create a contact, or update the one with the same e-mail address or phone number',
    params: WsOnly,
    body: ContactInputSchema,
    response: { 200: z.object({ contact: ContactSchema, created: z.boolean() }) },
  }),
  getContact: defineRoute({
    method: 'GET',
    path: `${ws}/contacts/:contactId`,
    access: 'viewer',
    tag: 'audiences',
    summary: 'One contact',
    params: WsContactParamsSchema,
    response: { 200: z.object({ contact: ContactSchema }) },
  }),
  exportContact: defineRoute({
    method: 'GET',
    path: `${ws}/contacts/:contactId/export`,
    access: 'admin',
    tag: 'audiences',
    summary: 'Everything held about one contact, across the host and every plugin (GDPR/CCPA access request)',
    params: WsContactParamsSchema,
    response: { 200: ContactExportSchema },
  }),
  eraseContact: defineRoute({
    method: 'DELETE',
    path: `${ws}/contacts/:contactId`,
    access: 'admin',
    tag: 'audiences',
    summary: 'Erase one contact everywhere (GDPR/CCPA); the audit log records a tombstone without personal data',
    params: WsContactParamsSchema,
    response: { 200: ErasedSchema },
  }),
  importContacts: defineRoute({
    method: 'POST',
    path: `${ws}/contacts/import`,
    access: 'admin',
    tag: 'audiences',
    summary: 'Import contacts from CSV: a preview with per-row errors (dryRun), or every valid row in one transaction',
    params: WsOnly,
    body: ImportBodySchema,
    response: { 200: ImportResultSchema },
  }),
  listLists: defineRoute({
    method: 'GET',
    path: `${ws}/lists`,
    access: 'viewer',
    tag: 'audiences',
    summary: 'Contact lists with their sizes',
    params: WsOnly,
    response: { 200: z.object({ lists: z.array(ListSchema) }) },
  }),
  createList: defineRoute({
    method: 'POST',
    path: `${ws}/lists`,
    access: 'member',
    tag: 'audiences',
    summary: 'Create a contact list',
    params: WsOnly,
    body: ListBodySchema,
    response: { 201: z.object({ list: ListSchema }) },
  }),
  addListMembers: defineRoute({
    method: 'POST',
    path: `${ws}/lists/:listId/members`,
    access: 'member',
    tag: 'audiences',
    summary: 'Add contacts to a list',
    params: WsListParamsSchema,
    body: ListMembersBodySchema,
    response: { 200: z.object({ list: ListSchema }) },
  }),
  listSegments: defineRoute({
    method: 'GET',
    path: `${ws}/segments`,
    access: 'viewer',
    tag: 'audiences',
    summary: 'Segments with their current sizes',
    params: WsOnly,
    response: { 200: z.object({ segments: z.array(SegmentSchema) }) },
  }),
  createSegment: defineRoute({
    method: 'POST',
    path: `${ws}/segments`,
    access: 'member',
    tag: 'audiences',
    summary: 'Create a rule-based segment (attributes, lists, e-mail or phone)',
    params: WsOnly,
    body: SegmentBodySchema,
    response: { 201: z.object({ segment: SegmentSchema }) },
  }),
  sendToSegment: defineRoute({
    method: 'POST',
    path: `${ws}/segments/:segmentId/send`,
    access: 'member',
    tag: 'audiences',
    summary: 'Send to every contact of a segment through a channel tool (suppressions skipped; governance checks consent per recipient)',
    params: WsSegmentParamsSchema,
    body: SegmentSendBodySchema,
    response: { 200: SegmentSendResultSchema },
  }),
  listSuppressions: defineRoute({
    method: 'GET',
    path: `${ws}/suppressions`,
    access: 'viewer',
    tag: 'audiences',
    summary: 'Suppressed addresses (never sent to)',
    params: WsOnly,
    response: { 200: z.object({ suppressions: z.array(SuppressionSchema) }) },
  }),
  addSuppression: defineRoute({
    method: 'POST',
    path: `${ws}/suppressions`,
    access: 'member',
    tag: 'audiences',
    summary: 'Suppress an address on a channel',
    params: WsOnly,
    body: SuppressionBodySchema,
    response: { 201: z.object({ suppression: SuppressionSchema }) },
  }),
} as const;
