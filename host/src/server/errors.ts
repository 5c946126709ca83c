import { isNeonHubError } from '@neonhub/schemas';
import type { FastifyError, FastifyInstance } from 'fastify';
import { hostErrors } from '../errors.js';

/** Every error leaves as `{ error: { code, message, details } }` with the registry's status; never a bare 500. */
export function installErrorHandling(app: FastifyInstance) {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (isNeonHubError(err)) {
      if (err.status >= 500) request.log.error({ err }, err.message);
      return reply.status(err.status).send(err.toEnvelope());
    }
    // Fastify's own client errors: bad JSON, wrong content type, body too large, schema validation.
    if (err.validation || (err.statusCode && err.statusCode >= 400 && err.statusCode < 500)) {
      // schema validation (route params, query, body): each problem with where it is, for forms to show beside the field
      const issues = err.validation?.map((v) => ({
        path: `${err.validationContext ?? ''}${v.instancePath}`,
        message: v.message ?? 'invalid',
      }));
      const e = hostErrors.create('NH_REQUEST_INVALID', err.message, { details: { fastifyCode: err.code, ...(issues ? { issues } : {}) } });
      return reply.status(err.statusCode && err.statusCode !== 500 ? err.statusCode : 400).send(e.toEnvelope());
    }
    request.log.error({ err }, 'unhandled error');
    return reply
      .status(500)
      .send(hostErrors.create('NH_INTERNAL', 'an unexpected error occurred; the host log has the details').toEnvelope());
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send(hostErrors.create('NH_ROUTE_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`).toEnvelope()),
  );
}
