import { z } from 'zod';
import { ScheduledCallSchema, ScheduleStatusSchema, ScheduleTimeSchema, TimeZoneSchema } from '../schedule.js';
import { IsoDateTimeSchema, UuidSchema, WorkspaceRefSchema, WsParamsSchema } from './common.js';
import { defineRoute } from './route.js';

export const ScheduleParamsSchema = z.strictObject({ ws: WorkspaceRefSchema, id: UuidSchema });

/** The calendar's range (at most 400 days), across channels, optionally one channel or status. */
export const ScheduleListQuerySchema = z.strictObject({
  from: IsoDateTimeSchema,
  to: IsoDateTimeSchema,
  channel: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,31}$/)
    .optional(),
  status: ScheduleStatusSchema.optional(),
});

export const ScheduleListSchema = z.object({
  /** The workspace's time zone (show times there unless an item names its own). */
  timeZone: z.string(),
  schedules: z.array(ScheduledCallSchema),
});
export const ScheduleViewSchema = z.object({ schedule: ScheduledCallSchema });

/** Reschedule: a time with an offset, or a local time read in `timeZone` (default: the workspace's). */
export const MoveScheduleBodySchema = z.strictObject({ runAt: ScheduleTimeSchema, timeZone: TimeZoneSchema.optional() });

/** A post created from the calendar (the social agent's schedule tool does the checks and owns the post). */
export const CalendarPostBodySchema = z.strictObject({
  network: z.string().min(1).max(32),
  text: z.string().min(1).max(63_206),
  scheduledAt: ScheduleTimeSchema,
  timeZone: TimeZoneSchema.optional(),
  mediaUrls: z
    .array(z.url({ protocol: /^https?$/ }))
    .max(10)
    .optional(),
  campaignId: z.string().max(200).optional(),
});
export const CalendarPostCreatedSchema = z.object({ schedule: ScheduledCallSchema, entry: z.record(z.string(), z.unknown()) });

export const TimeZoneViewSchema = z.object({ timeZone: z.string() });
export const TimeZoneBodySchema = z.strictObject({ timeZone: TimeZoneSchema });

const ws = '/api/workspaces/:ws';

/** The calendar's routes (docs/schedules.md). */
export const scheduleRoutes = {
  listSchedules: defineRoute({
    method: 'GET',
    path: `${ws}/schedules`,
    access: 'viewer',
    tag: 'schedules',
    summary: 'Scheduled items in a time range across channels (e-mails, posts, any scheduled call), with their status',
    params: WsParamsSchema,
    query: ScheduleListQuerySchema,
    response: { 200: ScheduleListSchema },
  }),
  getSchedule: defineRoute({
    method: 'GET',
    path: `${ws}/schedules/:id`,
    access: 'viewer',
    tag: 'schedules',
    summary: 'One scheduled item',
    params: ScheduleParamsSchema,
    response: { 200: ScheduleViewSchema },
  }),
  moveSchedule: defineRoute({
    method: 'POST',
    path: `${ws}/schedules/:id/move`,
    access: 'member',
    tag: 'schedules',
    summary: 'Reschedule an item that has not run yet (or failed / was cancelled: it is scheduled again)',
    params: ScheduleParamsSchema,
    body: MoveScheduleBodySchema,
    response: { 200: ScheduleViewSchema },
  }),
  cancelSchedule: defineRoute({
    method: 'POST',
    path: `${ws}/schedules/:id/cancel`,
    access: 'member',
    tag: 'schedules',
    summary: 'Cancel an item that has not run yet: it never runs',
    params: ScheduleParamsSchema,
    response: { 200: ScheduleViewSchema },
  }),
  createCalendarPost: defineRoute({
    method: 'POST',
    path: `${ws}/calendar/posts`,
    access: 'member',
    tag: 'schedules',
    summary: "Put a social post on the calendar (through the social agent's schedule tool: network limits, governance, audit)",
    params: WsParamsSchema,
    body: CalendarPostBodySchema,
    response: { 201: CalendarPostCreatedSchema },
  }),
  getTimeZone: defineRoute({
    method: 'GET',
    path: `${ws}/time-zone`,
    access: 'viewer',
    tag: 'schedules',
    summary: "The workspace's time zone (local schedule times are read in it)",
    params: WsParamsSchema,
    response: { 200: TimeZoneViewSchema },
  }),
  setTimeZone: defineRoute({
    method: 'PUT',
    path: `${ws}/time-zone`,
    access: 'admin',
    tag: 'schedules',
    summary: "Set the workspace's IANA time zone (existing schedules keep their instant)",
    params: WsParamsSchema,
    body: TimeZoneBodySchema,
    response: { 200: TimeZoneViewSchema },
  }),
} as const;
