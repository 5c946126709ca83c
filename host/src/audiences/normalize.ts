import { createHash } from 'node:crypto';

/** E-mail: trimmed and lower-cased (the form governance checks consent against). */
export const normalizeEmail = (email: string) => email.trim().toLowerCase();
/** Phone: + and digits (E.164 when written with its country code). */
export const normalizePhone = (phone: string) => {
  const digits = phone.replace(/[^\d]/g, '');
  return `+${digits}`;
};
/** Suppressions keep the SHA-256 of the normalized address, so an erased person's address stays suppressed without being stored. */
export const addressHash = (channel: string, value: string) =>
  createHash('sha256')
    .update(`${channel}:${channel === 'sms' ? normalizePhone(value) : channel === 'email' ? normalizeEmail(value) : value.trim()}`)
    .digest('hex');
