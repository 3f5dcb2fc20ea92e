// Webhooks as Meta sends them: one text message each, from distinct customers,
// signed over the exact bytes sent. The payload's shape is the tests' own.
import { signBody } from '../../src/whatsapp/signature';
import { textMessagePayload } from '../../test/support/payloads';

export interface WebhookRequest {
  body: string;
  headers: Record<string, string>;
  wamid: string;
  from: string;
}

export function textWebhook(options: { phoneNumberId: string; wamid: string; from: string; text: string; appSecret: string }): WebhookRequest {
  const body = JSON.stringify(
    textMessagePayload({ phoneNumberId: options.phoneNumberId, wamid: options.wamid, from: options.from, text: options.text, name: 'Bench Customer' }),
  );
  return {
    body,
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, options.appSecret) },
    wamid: options.wamid,
    from: options.from,
  };
}

/** A customer number unique to (run, index): 34 + 11 digits. */
export function customerNumber(run: number, index: number): string {
  return `34${String(run).padStart(3, '0')}${String(index).padStart(8, '0')}`;
}
