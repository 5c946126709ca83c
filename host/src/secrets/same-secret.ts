import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Whether a presented secret equals the expected one, in time that depends on neither (both are hashed
 * to the same length first, so neither the content nor the length leaks through timing).
 */
export const sameSecret = (presented: string, expected: string): boolean => timingSafeEqual(digest(presented), digest(expected));

/** `sameSecret` against one expected secret, hashed once. */
export function secretMatcher(expected: string): (presented: string) => boolean {
  const want = digest(expected);
  return (presented) => timingSafeEqual(digest(presented), want);
}
