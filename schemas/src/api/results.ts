import { z } from 'zod';
import { ChannelSchema, ConnectorEventSchema } from '../connector.js';
import { IsoDateTimeSchema, WorkspaceRefSchema } from './common.js';
import { defineRoute } from './route.js';

/** Results (docs/analytics.md): tracked links, events, conversions, the funnel and attribution. */

const Name = z.string().trim().min(1).max(100);
export const ResultKindSchema = z.enum([
  'sent',
  'delivered',
  'bounced',
  'complained',
  'opened',
  'clicked',
  'replied',
  'unsubscribed',
  'failed',
  'converted',
  // social metrics pulled from the networks (docs/analytics.md): the increase of each total since the last pull
  'impression',
  'liked',
  'shared',
  'commented',
  // a network's link clicks on a post whose link is tracked by the redirect (counted there as `clicked`): kept apart
  'network_clicked',
]);
export type ResultKind = z.infer<typeof ResultKindSchema>;
export const FUNNEL_STAGES = ['sent', 'delivered', 'opened', 'clicked', 'converted'] as const;

export const LinkBodySchema = z.strictObject({
  url: z.url({ protocol: /^https?$/ }).max(2000),
  campaign: Name,
  variant: z.string().trim().max(50).default(''),
  channel: ChannelSchema.or(z.literal('')).default(''),
  /** One link per contact (so a click names who clicked); none: one shared link. */
  contactIds: z.array(z.uuid()).max(1000).optional(),
});
export const TrackedLinkSchema = z.object({
  id: z.uuid(),
  code: z.string(),
  /** The public short link (/r/<code>). */
  path: z.string(),
  url: z.string(),
  campaign: z.string(),
  variant: z.string(),
  channel: z.string(),
  contactId: z.uuid().nullable(),
});

/** Provider events (a connector's webhook, normalized) or sends recorded by the caller. */
export const EventsBodySchema = z.strictObject({
  events: z
    .array(
      ConnectorEventSchema.extend({
        type: ResultKindSchema,
        campaign: Name.optional(),
        variant: z.string().max(50).optional(),
        channel: ChannelSchema.optional(),
      }),
    )
    .min(1)
    .max(1000),
});
export const EventsRecordedSchema = z.object({ recorded: z.number().int(), duplicates: z.number().int(), unmatched: z.number().int() });

export const ConversionBodySchema = z.strictObject({
  /** The click token the redirect appended (nh_click) — ties the conversion to its campaign, variant, channel and contact. */
  click: z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,64}$/)
    .optional(),
  contactId: z.uuid().optional(),
  email: z.email().max(254).optional(),
  campaign: Name.optional(),
  /** Order id or any key: a second conversion with the same id is a duplicate. */
  id: z.string().min(1).max(200).optional(),
  value: z.number().min(0).max(1e12).optional(),
  occurredAt: IsoDateTimeSchema.optional(),
});
export const ConversionRecordedSchema = z.object({ recorded: z.boolean(), campaign: z.string().nullable() });

const Ratio = z.object({ successes: z.number().int(), trials: z.number().int(), mean: z.number(), low: z.number(), high: z.number() });
export const FunnelRowSchema = z.object({
  variant: z.string(),
  channel: z.string(),
  counts: z.record(z.string(), z.number().int()),
  /** Click-through per send (Beta(1+clicks, 1+sent-clicks)) with its 95% credible interval. */
  clickRate: Ratio,
  /** Conversions per send, same prior. */
  conversionRate: Ratio,
});
/** One variant (or one channel) of a campaign, summed over the other: counts, rates and its chance of being best. */
export const FunnelComparisonSchema = z.object({
  key: z.string(),
  counts: z.record(z.string(), z.number().int()),
  clickRate: Ratio,
  conversionRate: Ratio,
  /** Probability that its click rate is the highest of its kind (null when there is only one). */
  probabilityBest: z.number().nullable(),
});
export const FunnelSchema = z.object({
  campaign: z.string(),
  /** The days counted (the workspace's, in its time zone; inclusive); null: from the first result / up to the last. */
  from: z.string().nullable(),
  to: z.string().nullable(),
  stages: z.array(z.string()),
  totals: z.record(z.string(), z.number().int()),
  rows: z.array(FunnelRowSchema),
  /** Probability that each variant has the best click rate (Monte Carlo over the Beta posteriors). */
  probabilityBest: z.record(z.string(), z.number()),
  /** The variants compared (summed over channels), and the channels compared (summed over variants). */
  variants: z.array(FunnelComparisonSchema),
  channels: z.array(FunnelComparisonSchema),
});
export const AttributionRowSchema = z.object({
  campaign: z.string(),
  channel: z.string(),
  firstTouch: z.number(),
  lastTouch: z.number(),
  linear: z.number(),
  value: z.object({ firstTouch: z.number(), lastTouch: z.number(), linear: z.number() }),
});
export const AttributionSchema = z.object({
  conversions: z.number().int(),
  windowDays: z.number().int(),
  /** The days (the workspace's) whose conversions are counted (inclusive); null: unbounded. */
  from: z.string().nullable(),
  to: z.string().nullable(),
  rows: z.array(AttributionRowSchema),
});
export const CampaignListSchema = z.object({
  campaigns: z.array(
    z.object({
      campaign: z.string(),
      events: z.number().int(),
      lastAt: IsoDateTimeSchema,
      /** The campaigns (campaigns contract ids) linked to these results (docs/analytics.md#campaign-links). */
      campaignIds: z.array(z.string()),
    }),
  ),
});

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day as YYYY-MM-DD');
/** Split a series (or a comparison) by variant or by channel. */
export const SeriesSplitSchema = z.enum(['variant', 'channel']);
export const SeriesQuerySchema = z.strictObject({
  /** First day (the workspace's, in its time zone); default 27 days before `to`. */
  from: Day.optional(),
  /** Last day (the workspace's); default today in the workspace's time zone. */
  to: Day.optional(),
  /** Also answer one series per variant or per channel (`breakdown`), each with its own anomalies. */
  by: SeriesSplitSchema.optional(),
});
/** A range of days (the workspace's, in its time zone) for the funnel: both bounds optional (none: all results); a real day each, from on or before to. */
export const FunnelQuerySchema = z.strictObject({ from: Day.optional(), to: Day.optional() });
export const SeriesAnomalySchema = z.object({
  day: z.string(),
  value: z.number(),
  /** The count the window made normal for that day (its weekday pattern included). */
  expected: z.number(),
  /** Robust z-score on the variance-stabilised scale; |score| > 4.5 is an anomaly. */
  score: z.number(),
  direction: z.enum(['high', 'low']),
});
const KindSeriesSchema = z.object({
  kind: z.string(),
  values: z.array(z.number().int()),
  expected: z.array(z.number()),
  /** Whether a weekday pattern was found and used. */
  weekly: z.boolean(),
  anomalies: z.array(SeriesAnomalySchema),
});
export const CampaignSeriesSchema = z.object({
  campaign: z.string(),
  from: z.string(),
  to: z.string(),
  days: z.array(z.string()),
  /**
   * One series per result kind (sent, delivered, opened, clicked, converted, ...) summed over variants and channels:
   * the daily counts, the count each day was expected to have, and the anomalies, found by the same method as the
   * insight agent's digest (the SDK's detectDailyAnomalies).
   */
  series: z.array(KindSeriesSchema),
  /** With `by`: the same series per variant (or channel), each with the anomalies found in it alone; else null. */
  breakdown: z
    .object({
      by: SeriesSplitSchema,
      groups: z.array(z.object({ key: z.string(), series: z.array(KindSeriesSchema) })),
    })
    .nullable(),
});

const ws = '/api/workspaces/:ws';
const WsOnly = z.strictObject({ ws: WorkspaceRefSchema });
export const WsCampaignParamsSchema = z.strictObject({ ws: WorkspaceRefSchema, campaign: Name });
export const LinkCodeParamsSchema = z.strictObject({ code: z.string().regex(/^[A-Za-z0-9_-]{6,32}$/) });
export const AttributionQuerySchema = z.strictObject({
  windowDays: z.coerce.number().int().min(1).max(365).default(30),
  /** Count the conversions of these days (the workspace's) only (inclusive; either bound optional). */
  from: Day.optional(),
  to: Day.optional(),
});

export const resultRoutes = {
  createLinks: defineRoute({
    method: 'POST',
    path: `${ws}/links`,
    access: 'member',
    tag: 'results',
    summary: 'Create tracked links (one per contact when contactIds are given); only these redirect',
    params: WsOnly,
    body: LinkBodySchema,
    response: { 201: z.object({ links: z.array(TrackedLinkSchema) }) },
  }),
  followLink: defineRoute({
    method: 'GET',
    path: '/r/:code',
    access: 'public',
    tag: 'results',
    summary: "A tracked link: records the click and redirects (302) to the link's URL with UTM parameters and nh_click",
    params: LinkCodeParamsSchema,
    response: { 302: null },
  }),
  recordEvents: defineRoute({
    method: 'POST',
    path: `${ws}/events`,
    access: 'member',
    tag: 'results',
    summary: 'Record normalized provider events or sends (matched to their send by messageId)',
    params: WsOnly,
    body: EventsBodySchema,
    response: { 200: EventsRecordedSchema },
  }),
  recordConversion: defineRoute({
    method: 'POST',
    path: `${ws}/conversions`,
    access: 'member',
    tag: 'results',
    summary: 'Record a conversion (server side, with a workspace token)',
    params: WsOnly,
    body: ConversionBodySchema,
    response: { 200: ConversionRecordedSchema },
  }),
  beaconConversion: defineRoute({
    method: 'POST',
    path: '/t/:ws/convert',
    access: 'public',
    crossOrigin: true,
    tag: 'results',
    summary: "The JS snippet's conversion beacon (CORS-safe, no credentials): counts only with a click token the redirect issued",
    params: WsOnly,
    response: { 204: null },
  }),
  snippet: defineRoute({
    method: 'GET',
    path: '/t/:ws/snippet.js',
    access: 'public',
    tag: 'results',
    summary: "The conversion snippet for the marketer's site (keeps nh_click, sends the beacon on neonhub.convert())",
    params: WsOnly,
    response: { 200: null },
  }),
  listCampaigns: defineRoute({
    method: 'GET',
    path: `${ws}/campaigns`,
    access: 'viewer',
    tag: 'results',
    summary: 'Campaigns that have results',
    params: WsOnly,
    response: { 200: CampaignListSchema },
  }),
  funnel: defineRoute({
    method: 'GET',
    path: `${ws}/campaigns/:campaign/funnel`,
    access: 'viewer',
    tag: 'results',
    summary:
      "A campaign's funnel (sent → delivered → opened → clicked → converted) per variant and channel over a range of days (default all), with credible intervals",
    params: WsCampaignParamsSchema,
    query: FunnelQuerySchema,
    response: { 200: FunnelSchema },
  }),
  campaignSeries: defineRoute({
    method: 'GET',
    path: `${ws}/campaigns/:campaign/series`,
    access: 'viewer',
    tag: 'results',
    summary:
      "A campaign's daily counts per result kind over a range (default the last 28 days), with each day's expected count and the anomalies marked",
    params: WsCampaignParamsSchema,
    query: SeriesQuerySchema,
    response: { 200: CampaignSeriesSchema },
  }),
  attribution: defineRoute({
    method: 'GET',
    path: `${ws}/attribution`,
    access: 'viewer',
    tag: 'results',
    summary: 'Conversions credited to campaigns and channels: first-touch, last-touch and linear',
    params: WsOnly,
    query: AttributionQuerySchema,
    response: { 200: AttributionSchema },
  }),
} as const;
