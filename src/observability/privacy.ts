// Personal data never reaches logs in clear: phone numbers and WhatsApp IDs are
// hashed (stable, so one customer's lines can still be followed), and message
// text is replaced by its length unless TRACE_LOG_PII=true.
import { createHash } from 'node:crypto';

export function hashIdentifier(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  return `h:${createHash('sha256').update(value).digest('hex').slice(0, 12)}`;
}

export function describeText(text: string, logPii: boolean): string {
  return logPii ? text : `[${[...text].length} chars hidden]`;
}
