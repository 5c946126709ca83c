import { z } from 'zod';
import { defineRoute } from './route.js';

const hasControl = (s: string) => {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
};

/** Text a person types: no control characters (a NUL cannot reach the database). */
export const typedText = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !hasControl(s), 'no control characters');
/** A new password: 10 to 256 characters, any but NUL. */
export const NewPasswordSchema = z
  .string()
  .min(10)
  .max(256)
  .refine((s) => !s.includes('\u0000'), 'no NUL characters');
/** A password typed at log-in (checked, never stored): any characters but NUL. */
export const PasswordSchema = z
  .string()
  .min(1)
  .max(256)
  .refine((s) => !s.includes('\u0000'), 'no NUL characters');
/** A one-time link token (`nhl_...`); the host checks its shape and answers NH_AUTH_LINK_INVALID. */
export const LinkTokenSchema = z.string().min(1).max(100);

export const PasswordResetBodySchema = z.strictObject({ email: typedText(254).min(1) });
export const AcceptedSchema = z.object({ accepted: z.literal(true) });
export const PasswordResetConfirmBodySchema = z.strictObject({ token: LinkTokenSchema, password: NewPasswordSchema });
export const PasswordResetDoneSchema = z.object({ reset: z.literal(true), sessionsEnded: z.number().int() });
export const VerifyEmailConfirmBodySchema = z.strictObject({ token: LinkTokenSchema });
export const EmailVerifiedSchema = z.object({ verified: z.literal(true), email: z.string() });

/** Password reset and e-mail verification (host/src/accounts/account-link-routes.ts; docs/console.md). */
export const accountLinkRoutes = {
  passwordReset: defineRoute({
    method: 'POST',
    path: '/api/auth/password-reset',
    access: 'public',
    tag: 'auth',
    summary: 'Mail a one-time password-reset link (202 whether or not the account exists)',
    body: PasswordResetBodySchema,
    response: { 202: AcceptedSchema },
  }),
  passwordResetConfirm: defineRoute({
    method: 'POST',
    path: '/api/auth/password-reset/confirm',
    access: 'public',
    tag: 'auth',
    summary: "Set a new password with a reset link's token (once, within an hour); ends every session of the account",
    body: PasswordResetConfirmBodySchema,
    response: { 200: PasswordResetDoneSchema },
  }),
  verifyEmail: defineRoute({
    method: 'POST',
    path: '/api/auth/verify-email',
    access: 'session',
    tag: 'auth',
    summary: 'Mail a new e-mail verification link to the signed-in account',
    response: { 202: AcceptedSchema },
  }),
  verifyEmailConfirm: defineRoute({
    method: 'POST',
    path: '/api/auth/verify-email/confirm',
    access: 'public',
    tag: 'auth',
    summary: "Mark the account's e-mail verified with a verification link's token (once, within 48 hours)",
    body: VerifyEmailConfirmBodySchema,
    response: { 200: EmailVerifiedSchema },
  }),
} as const;
