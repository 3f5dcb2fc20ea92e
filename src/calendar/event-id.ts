// Google Calendar lets the client choose an event's ID (base32hex: a–v and 0–9,
// 5 to 1024 characters). Deriving it from the workflow and the tool call means a
// retried "create event" asks for the same ID and meets 409 instead of a twin.
import { createHash } from 'node:crypto';

const BASE32HEX = '0123456789abcdefghijklmnopqrstuv';

export function base32hex(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32HEX[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32HEX[(value << (5 - bits)) & 31];
  return out;
}

/** A stable calendar event ID for one booking step: 32 characters of base32hex. */
export function eventIdFor(bookingKey: string): string {
  return base32hex(createHash('sha256').update(bookingKey).digest()).slice(0, 32);
}
