import { z } from 'zod';
import { PluginIdSchema, QualifiedToolNameSchema, SlugSchema } from '../common.js';
import { RoleSchema } from '../workspace.js';

/**
 * Who may call a route, declared by every route of the host API (route config `access`):
 * - `public`: anyone, no credentials (health, sign-up, log-in, the OpenAPI document);
 * - `principal`: any principal (a console session, an API or OAuth token, the operator);
 * - `user`: a person (a console session) or the operator; not a workspace API token;
 * - `session`: a console session only (the account's own data);
 * - `operator`: only the operator credential (host-wide administration, e.g. creating accounts);
 * - a role: a principal holding at least that role in the route's workspace (the operator is owner of all).
 * - `operator`: only the operator credential (the CLI on the host's machine): host-wide administration.
 */
export const ApiAccessSchema = z.enum(['public', 'principal', 'user', 'session', 'operator', ...RoleSchema.options]);
export type ApiAccess = z.infer<typeof ApiAccessSchema>;

/** A workspace in a path: its slug or its id. */
export const WorkspaceRefSchema = z.union([z.uuid(), SlugSchema]);
export const UuidSchema = z.uuid();
/** An e-mail address (no control characters, at most 254 characters). */
export const EmailSchema = z.email().max(254);
export const SecretNameSchema = z
  .string()
  .max(100)
  .regex(/^[A-Z][A-Z0-9_]*$/, 'secret names are UPPER_SNAKE_CASE');
export const IsoDateTimeSchema = z.iso.datetime({ offset: true });

export const WsParamsSchema = z.strictObject({ ws: WorkspaceRefSchema });
export const WsPluginParamsSchema = z.strictObject({ ws: WorkspaceRefSchema, id: PluginIdSchema });
export const WsToolParamsSchema = z.strictObject({ ws: WorkspaceRefSchema, tool: QualifiedToolNameSchema.max(200) });
export const RunParamsSchema = z.strictObject({ id: UuidSchema });

/** A 204 answer: no body. */
export const NO_CONTENT = null;
