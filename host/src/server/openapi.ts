import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { HOST_API_VERSION } from '../version.js';

/** `x-neonhub-access` of each operation in the document: the access its route declared (docs/api.md). */
export const ACCESS_EXTENSION = 'x-neonhub-access';

const toJson = (schema: unknown, io: 'input' | 'output') => {
  if (!(schema instanceof z.ZodType)) return schema;
  const { $schema: _s, ...json } = z.toJSONSchema(schema, { io, target: 'draft-2020-12', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return json;
};

/**
 * The OpenAPI 3.1 document of the host API, generated from the routes' zod schemas (only routes that
 * declare `config.access`: the API and /health, not the console, /mcp or OAuth). Call before any route
 * is registered; serve it with `serveOpenApi` once the routes are in.
 */
export async function registerOpenApi(app: FastifyInstance) {
  const access = new Map<string, string>();
  app.addHook('onRoute', (route) => {
    const declared = route.config?.access;
    if (!declared) return;
    for (const m of [route.method].flat()) access.set(`${String(m).toLowerCase()} ${route.url}`, declared);
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'NeonHub host API', version: HOST_API_VERSION, description: 'See docs/api.md: roles per route, the error envelope.' },
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            description: 'a console session (nhs_), an API or OAuth token (nh_), or the operator credential (nho_)',
          },
          session: { type: 'apiKey', in: 'cookie', name: '__Host-neonhub_session' },
        },
      },
    },
    transform: ({ schema, url, route }) => {
      if (!route.config?.access || !schema || (schema as { hide?: boolean }).hide) return { schema: { hide: true }, url };
      const s = schema as Record<string, unknown>;
      const response = Object.fromEntries(
        Object.entries((s.response ?? {}) as Record<string, unknown>).map(([k, v]) => [k, toJson(v, 'output')]),
      );
      return {
        url,
        schema: {
          ...s,
          ...(s.params ? { params: toJson(s.params, 'input') } : {}),
          ...(s.querystring ? { querystring: toJson(s.querystring, 'input') } : {}),
          ...(s.body ? { body: toJson(s.body, 'input') } : {}),
          response,
          ...(route.config.access === 'public' ? { security: [] } : { security: [{ bearer: [] }, { session: [] }] }),
        } as never,
      };
    },
  });
  return {
    /** GET /api/openapi.json (public): the document, each operation marked with its declared access. */
    serve(target: FastifyInstance) {
      let doc: Record<string, unknown> | undefined;
      target.get('/api/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => {
        if (!doc) {
          doc = structuredClone(app.swagger()) as unknown as Record<string, unknown>;
          const paths = (doc.paths ?? {}) as Record<string, Record<string, Record<string, unknown>>>;
          for (const [path, ops] of Object.entries(paths))
            for (const [method, op] of Object.entries(ops)) {
              const fastifyPath = path.replace(/\{(\w+)\}/g, ':$1');
              op[ACCESS_EXTENSION] = access.get(`${method} ${fastifyPath}`) ?? null;
            }
        }
        return doc;
      });
    },
  };
}
