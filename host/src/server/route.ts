import type { ApiRoute, RouteOutput } from '@neonhub/schemas';
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifySchemaCompiler, RouteShorthandOptions } from 'fastify';
import { validatorCompiler as zodValidator } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { hostErrors } from '../errors.js';
import { compileValidator } from '../pipeline/validate.js';

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;
export type RouteRequest<R extends ApiRoute> = FastifyRequest<{
  Params: Out<R['params']>;
  Querystring: Out<R['query']>;
  Body: Out<R['body']>;
}>;
/** What a handler may return for a wire type: a Date where the answer has a string (JSON makes it one). */
type Unserialized<T> = T extends string
  ? T | Date
  : T extends readonly unknown[]
    ? { [K in keyof T]: Unserialized<T[K]> }
    : T extends object
      ? { [K in keyof T]: Unserialized<T[K]> }
      : T;
export type RouteHandler<R extends ApiRoute> = (
  request: RouteRequest<R>,
  reply: FastifyReply,
) => Promise<Unserialized<RouteOutput<R>> | undefined>;

/** Responses are checked against their schema in tests (a route that answers off its schema fails there), not in production. */
const checkResponses = process.env.VITEST !== undefined || process.env.NEONHUB_CHECK_RESPONSES === '1';

/**
 * Hot routes are validated by the host's one JSON Schema validator, compiled once from the zod schema
 * (zod per request measured 0.6x of compiled validation); the others by zod.
 */
const compiledValidator: FastifySchemaCompiler<z.ZodType> = ({ schema }) => {
  const check = compileValidator(z.toJSONSchema(schema, { io: 'input', target: 'draft-7' }) as Record<string, unknown>);
  return (data) => {
    const r = check(data);
    if (r.ok) return { value: data };
    const err = hostErrors.create('NH_REQUEST_INVALID', r.issues.map((i) => `${i.path} ${i.message}`).join('; '), {
      details: { issues: r.issues },
    });
    return { error: err };
  };
};

const serializer =
  ({ schema, url }: { schema: z.ZodType; url: string }) =>
  (data: unknown) => {
    const text = JSON.stringify(data);
    if (checkResponses) {
      const r = schema.safeParse(JSON.parse(text));
      if (!r.success) throw new Error(`the answer of ${url} does not match its schema: ${z.prettifyError(r.error)}`);
    }
    return text;
  };

/** The Fastify options of an API route: its zod schemas, its declared access, and the OpenAPI facts. */
export function routeOptions(route: ApiRoute): RouteShorthandOptions & { method: string; url: string } {
  if (route.crossOrigin && route.access !== 'public')
    throw new Error(`${route.path}: a cross-origin route must be public (it reads no credential)`);
  const response = Object.fromEntries(Object.entries(route.response).filter((e): e is [string, z.ZodType] => e[1] !== null));
  return {
    method: route.method,
    url: route.path,
    config: { access: route.access, ...(route.self ? { self: route.self } : {}), ...(route.crossOrigin ? { crossOrigin: true } : {}) },
    schema: {
      summary: route.summary,
      tags: [route.tag],
      ...(route.params ? { params: route.params } : {}),
      ...(route.query ? { querystring: route.query } : {}),
      ...(route.body ? { body: route.body } : {}),
      response,
    },
    validatorCompiler: (route.hot ? compiledValidator : zodValidator) as FastifySchemaCompiler<unknown>,
    serializerCompiler: serializer as never,
  };
}

/** Registers an API route from its contract in @neonhub/schemas: params, query, body and answer typed from it. */
export function addRoute<R extends ApiRoute>(app: FastifyInstance, route: R, handler: RouteHandler<R>) {
  app.route({ ...routeOptions(route), handler: handler as never } as never);
}
