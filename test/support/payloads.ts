import { randomBytes } from 'node:crypto';
import { signBody } from '../../src/whatsapp/signature';

export function newWamid(): string {
  return `wamid.${randomBytes(18).toString('base64url')}`;
}

export interface TextMessageOptions {
  phoneNumberId: string;
  /** The sender's WhatsApp ID (phone number); leave it out for a contact Meta identifies only by BSUID. */
  from?: string;
  /** The sender's business-scoped user ID. */
  bsuid?: string;
  text: string;
  wamid?: string;
  timestamp?: number;
  name?: string;
}

export function textMessagePayload(...messages: TextMessageOptions[]) {
  return {
    object: 'whatsapp_business_account',
    entry: messages.map((m) => ({
      id: '200000000000001',
      changes: [
        {
          field: 'messages',
          value: {
            messaging_product: 'whatsapp',
            metadata: { display_phone_number: '34910000001', phone_number_id: m.phoneNumberId },
            contacts: [{ profile: { name: m.name ?? 'Test Customer' }, ...(m.from ? { wa_id: m.from } : {}), ...(m.bsuid ? { user_id: m.bsuid } : {}) }],
            messages: [
              {
                ...(m.from ? { from: m.from } : {}),
                ...(m.bsuid ? { from_user_id: m.bsuid } : {}),
                id: m.wamid ?? newWamid(),
                timestamp: String(m.timestamp ?? Math.floor(Date.now() / 1000)),
                type: 'text',
                text: { body: m.text },
              },
            ],
          },
        },
      ],
    })),
  };
}

export function statusPayload(phoneNumberId: string, ...statuses: Array<{ wamid: string; status: string; timestamp: number; errors?: unknown[] }>) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '200000000000001',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '34910000001', phone_number_id: phoneNumberId },
              statuses: statuses.map((s) => ({
                id: s.wamid,
                status: s.status,
                timestamp: String(s.timestamp),
                recipient_id: '34600111222',
                ...(s.errors ? { errors: s.errors } : {}),
              })),
            },
          },
        ],
      },
    ],
  };
}

export async function postSigned(url: string, payload: unknown, appSecret: string): Promise<Response> {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, appSecret) }, body });
}
