// Personal data never reaches logs in clear: phone numbers and WhatsApp IDs are
// hashed (stable, so one customer's lines can still be followed), and message
// text is replaced by its length unless TRACE_LOG_PII=true.
//
// The hash is keyed (HMAC). A plain hash of a phone number can be reversed by
// hashing every number in a country's plan, which takes seconds; without the
// key, the log lines cannot be matched to anyone.
import { createHmac } from 'node:crypto';

let hashKey = deriveKey('development only: set LOG_HASH_KEY or APP_SECRET');

function deriveKey(secret: string): Buffer {
  return createHmac('sha256', secret).update('log-identifiers').digest();
}

/** Keys the identifier hash; each process calls it at start with the same secret, so API and worker hashes match. */
export function setIdentifierHashKey(secret: string): void {
  hashKey = deriveKey(secret);
}

export function hashIdentifier(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  return `h:${createHmac('sha256', hashKey).update(value).digest('hex').slice(0, 16)}`;
}

export function describeText(text: string, logPii: boolean): string {
  return logPii ? text : `[${[...text].length} chars hidden]`;
}
