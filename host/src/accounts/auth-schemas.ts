import { z } from 'zod';

const isControl = (code: number) => code < 0x20 || code === 0x7f;
const hasControl = (s: string) => {
  for (let i = 0; i < s.length; i++) if (isControl(s.charCodeAt(i))) return true;
  return false;
};

/** Text a person types: no control characters (a NUL cannot reach the database). */
export const typedText = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !hasControl(s), 'no control characters');
/** A password: any characters but NUL (argon2 and every client agree on what it is). */
export const password = (min: number) =>
  z
    .string()
    .min(min)
    .max(256)
    .refine((s) => !s.includes('\u0000'), 'no NUL characters');

export const SignupBodySchema = z.strictObject({
  email: z.email().max(254),
  password: password(10),
  name: typedText(100).trim().optional(),
});
export const LoginBodySchema = z.strictObject({ email: typedText(254).min(1), password: password(1) });
export const PasswordResetBodySchema = z.strictObject({ email: typedText(254).min(1) });
/** A link token (`nhl_...`); its shape is checked by the link service, which answers NH_AUTH_LINK_INVALID. */
const LinkTokenSchema = z.string().min(1).max(100);
export const PasswordResetConfirmBodySchema = z.strictObject({ token: LinkTokenSchema, password: password(10) });
export const VerifyEmailConfirmBodySchema = z.strictObject({ token: LinkTokenSchema });
