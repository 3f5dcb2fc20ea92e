// Meta signs each webhook POST with HMAC-SHA256 of the exact bytes it sent,
// keyed with the app secret: `X-Hub-Signature-256: sha256=<hex>`. The check runs
// on the raw body, before any parsing (re-serialised JSON would not match).
import { createHmac, timingSafeEqual } from 'node:crypto';

const PREFIX = 'sha256=';

export function signBody(body: Buffer | string, appSecret: string): string {
  return PREFIX + createHmac('sha256', appSecret).update(body).digest('hex');
}

export function isValidSignature(body: Buffer, header: string | string[] | undefined, appSecret: string): boolean {
  if (typeof header !== 'string' || !header.startsWith(PREFIX)) return false;
  const received = Buffer.from(header.slice(PREFIX.length), 'hex');
  const expected = createHmac('sha256', appSecret).update(body).digest();
  // A malformed hex string decodes short; the length check keeps timingSafeEqual from throwing.
  return received.length === expected.length && timingSafeEqual(received, expected);
}
