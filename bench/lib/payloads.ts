// Webhooks as Meta sends them: one text message each, from distinct customers,
// signed over the exact bytes sent.
import { signBody } from '../../src/whatsapp/signature';

export interface WebhookRequest {
  body: string;
  headers: Record<string, string>;
  wamid: string;
  from: string;
}

export function textWebhook(options: { phoneNumberId: string; wamid: string; from: string; text: string; appSecret: string }): WebhookRequest {
  const body = JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '200000000000001',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '34910000001', phone_number_id: options.phoneNumberId },
              contacts: [{ profile: { name: 'Bench Customer' }, wa_id: options.from }],
              messages: [{ from: options.from, id: options.wamid, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: options.text } }],
            },
          },
        ],
      },
    ],
  });
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
