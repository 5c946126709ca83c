import { z } from 'zod';
import { SessionInfoSchema, SignupBodySchema, UserViewSchema } from './auth.js';
import { defineRoute } from './route.js';

/** The one-time first-owner setup: the link `neonhub start` prints on a fresh data directory. */
export const SetupBodySchema = SignupBodySchema.extend({
  token: z
    .string()
    .min(20)
    .max(200)
    .regex(/^[A-Za-z0-9_-]+$/),
});
export const SetupDoneSchema = z.object({ user: UserViewSchema, owns: z.array(z.string()), session: SessionInfoSchema });

/** `neonhub user create`: an account made by the operator; `owner` makes it owner of every workspace. */
export const CreateUserBodySchema = SignupBodySchema.extend({ owner: z.boolean().default(false) });
export const CreatedUserSchema = z.object({ user: UserViewSchema, owns: z.array(z.string()) });

export const setupRoutes = {
  setupFirstOwner: defineRoute({
    method: 'POST',
    path: '/api/auth/setup',
    access: 'public',
    tag: 'auth',
    summary: 'Create the first account with the one-time setup token; it owns the workspaces that have no owner yet',
    body: SetupBodySchema,
    response: { 201: SetupDoneSchema },
  }),
  createUser: defineRoute({
    method: 'POST',
    path: '/api/users',
    access: 'operator',
    tag: 'auth',
    summary: 'Create an account (the operator; `neonhub user create`), optionally owner of every workspace',
    body: CreateUserBodySchema,
    response: { 201: CreatedUserSchema },
  }),
} as const;
