// Meta signs each webhook POST with HMAC-SHA256 of the exact bytes it sent,
// keyed with the app secret: `X-Hub-Signature-256: sha256=<hex>`. The check runs
// on the raw body, before any parsing (re-serialised JSON would not match).
import { createHmac, timingSafeEqual } from 'node:crypto';

const PREFIX = 'sha256=';
const HEX_DIGEST = /^[0-9a-f]{64}$/i;

export function signBody(body: Buffer | string, appSecret: string): string {
  return PREFIX + createHmac('sha256', appSecret).update(body).digest('hex');
}

export function isValidSignature(body: Buffer, header: string | string[] | undefined, appSecret: string): boolean {
  if (typeof header !== 'string' || !header.startsWith(PREFIX)) return false;
  // Buffer.from(…, 'hex') silently stops at the first non-hex character, so the shape is checked first.
  const hex = header.slice(PREFIX.length);
  if (!HEX_DIGEST.test(hex)) return false;
  const expected = createHmac('sha256', appSecret).update(body).digest();
  return timingSafeEqual(Buffer.from(hex, 'hex'), expected);
}
