// Comparing a secret someone sent with the one we hold. `===` stops at the first
// differing character, so its timing tells a caller how much of a guess was right;
// comparing fixed-length digests with timingSafeEqual takes the same time whatever
// was sent, and hides the secret's length too.
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** Whether `given` (anything taken from a request) is exactly `expected`, in time that does not depend on how close it came. */
export function sameSecret(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  return timingSafeEqual(digest(given), digest(expected));
}
