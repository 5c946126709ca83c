import type { z } from 'zod';
import type { ApiAccess } from './common.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * One route of the host API, as data: what it takes, what it answers and who may call it. The host
 * registers its handler under it (validation, authorization), the OpenAPI document is generated from
 * it, and the typed client infers its types from it.
 */
export interface ApiRoute {
  method: HttpMethod;
  /** Fastify's form: `/api/workspaces/:ws/tools`. */
  path: string;
  access: ApiAccess;
  /** DELETE /members/:userId: a principal may act on itself (leave) without the declared role. */
  self?: string;
  summary: string;
  tag: string;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** Success status -> body schema (`null`: no body, e.g. 204). */
  response: Record<number, z.ZodType | null>;
  /**
   * A public route a browser may call from any site (the conversion beacon): exempt from the Origin check,
   * so it must read no credential (`access: 'public'`, checked at registration).
   */
  crossOrigin?: boolean;
  /** A hot route: validated by a compiled JSON Schema, not zod, per request. */
  hot?: boolean;
}

export const defineRoute = <const R extends ApiRoute>(route: R): R => route;

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;
type In<S> = S extends z.ZodType ? z.input<S> : never;

/** The body a route answers with on success (the union over its success statuses). */
export type RouteOutput<R extends ApiRoute> = { [K in keyof R['response']]: Out<R['response'][K]> }[keyof R['response']];
/** What a caller passes: params, query and body, each typed from the route's schemas. */
export type RouteInput<R extends ApiRoute> = (R['params'] extends z.ZodType ? { params: In<R['params']> } : { params?: undefined }) &
  (R['query'] extends z.ZodType ? { query?: In<R['query']> } : { query?: undefined }) &
  (R['body'] extends z.ZodType ? { body?: In<R['body']> } : { body?: undefined });
