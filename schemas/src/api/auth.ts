import { z } from 'zod';
import { NewPasswordSchema, PasswordSchema } from './account-links.js';
import { EmailSchema, IsoDateTimeSchema } from './common.js';
import { WorkspaceWithRoleSchema } from './workspaces.js';

/** Text a person types: no control characters (a NUL cannot reach the database). */
const hasControl = (s: string) => {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 32 || c === 127) return true;
  }
  return false;
};
const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !hasControl(s), 'no control characters');

export const UserViewSchema = z.object({ id: z.string(), email: z.string(), name: z.string(), createdAt: z.string() });
export type UserView = z.infer<typeof UserViewSchema>;
export const SignupBodySchema = z.strictObject({
  email: EmailSchema,
  password: NewPasswordSchema,
  name: text(100).trim().optional(),
});
export const LoginBodySchema = z.strictObject({ email: text(254).min(1), password: PasswordSchema });
export const SessionInfoSchema = z.object({ token: z.string(), expiresAt: IsoDateTimeSchema });
export const SignedUpSchema = z.object({ user: UserViewSchema, joined: z.array(z.string()), session: SessionInfoSchema });
export const LoggedInSchema = z.object({ user: UserViewSchema, session: SessionInfoSchema });
export const LoggedOutSchema = z.object({ loggedOut: z.literal(true), sessionsEnded: z.number().optional() });
export const MeSchema = z.object({
  user: UserViewSchema,
  /** The account's e-mail was confirmed (a verification or reset link, or GitHub). */
  emailVerified: z.boolean(),
  session: z.object({ expiresAt: IsoDateTimeSchema }),
  workspaces: z.array(WorkspaceWithRoleSchema),
});
export type Me = z.infer<typeof MeSchema>;
export const ProvidersSchema = z.object({ github: z.boolean() });
