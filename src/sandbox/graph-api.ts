// Stand-in for Meta's Graph API messages endpoint, checking what Meta checks
// (bearer token, messaging_product, recipient, text limits) and answering in
// Meta's format, so the real client code is exercised end to end.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

export interface SentWhatsAppMessage {
  wamid: string;
  phoneNumberId: string;
  to: string;
  type: string;
  text?: string;
  body: unknown;
  receivedAt: string;
}

export interface ReadReceipt {
  phoneNumberId: string;
  messageId: string;
  typing: boolean;
  receivedAt: string;
}

export class GraphApiStandIn {
  readonly sent: SentWhatsAppMessage[] = [];
  readonly readReceipts: ReadReceipt[] = [];

  constructor(private readonly accessToken: string) {}

  register(app: FastifyInstance): void {
    app.post<{ Params: { version: string; phoneNumberId: string } }>('/:version/:phoneNumberId/messages', async (request, reply) => {
      const { version, phoneNumberId } = request.params;
      if (!/^v\d+\.\d+$/.test(version) || !/^\d+$/.test(phoneNumberId)) {
        return reply.code(400).send(graphError(100, `Unsupported post request. Object with ID '${phoneNumberId}' does not exist`, 'GraphMethodException'));
      }
      if (request.headers.authorization !== `Bearer ${this.accessToken}`) {
        return reply.code(401).send(graphError(190, 'Invalid OAuth access token - Cannot parse access token', 'OAuthException'));
      }
      const body = (request.body ?? {}) as Record<string, unknown>;
      if (body.status !== undefined) {
        const problem = validateReadReceipt(body);
        if (problem) return reply.code(400).send(graphError(100, problem, 'OAuthException'));
        const typing = (body.typing_indicator as { type?: unknown } | undefined)?.type === 'text';
        this.readReceipts.push({ phoneNumberId, messageId: String(body.message_id), typing, receivedAt: new Date().toISOString() });
        return reply.send({ success: true });
      }
      const problem = validateMessage(body);
      if (problem) return reply.code(400).send(graphError(100, problem, 'OAuthException'));

      const wamid = `wamid.${randomBytes(24).toString('base64url')}`;
      const to = String(body.to ?? body.recipient);
      const text = body.type === 'text' ? String((body.text as { body: string }).body) : undefined;
      this.sent.push({ wamid, phoneNumberId, to, type: String(body.type ?? 'text'), text, body, receivedAt: new Date().toISOString() });
      const contact = body.to ? { input: to, wa_id: to } : { input: to, user_id: to };
      return reply.send({ messaging_product: 'whatsapp', contacts: [contact], messages: [{ id: wamid }] });
    });

    app.get('/sandbox/whatsapp/read-receipts', async () => ({ readReceipts: this.readReceipts }));

    app.get<{ Querystring: { to?: string } }>('/sandbox/whatsapp/messages', async (request) => {
      const { to } = request.query;
      return { messages: to ? this.sent.filter((m) => m.to === to) : this.sent };
    });
  }

  reset(): void {
    this.sent.length = 0;
    this.readReceipts.length = 0;
  }
}

/** Business-scoped user IDs: a two-letter country code, a dot, then letters and digits (ENT for parent IDs). */
const BSUID = /^[A-Z]{2}\.(ENT\.)?[A-Za-z0-9]{1,128}$/;

function validateMessage(body: Record<string, unknown>): string | undefined {
  if (body.messaging_product !== 'whatsapp') return '(#100) The parameter messaging_product is required.';
  const byPhone = typeof body.to === 'string' && /^\+?\d{5,20}$/.test(body.to);
  const byBsuid = body.to === undefined && typeof body.recipient === 'string' && BSUID.test(body.recipient);
  if (!byPhone && !byBsuid) return '(#100) Invalid parameter: a phone number in "to" or a business-scoped user ID in "recipient" is required';
  const type = body.type ?? 'text';
  if (type !== 'text') return `(#100) Param type must be one of {TEXT, ...}; this stand-in accepts text messages (got ${String(type)})`;
  const text = body.text as { body?: unknown } | undefined;
  if (!text || typeof text.body !== 'string' || text.body.length === 0) return "(#100) The parameter text['body'] is required.";
  if (text.body.length > 4096) return "(#100) Param text['body'] must be at most 4096 characters long.";
  return undefined;
}

function validateReadReceipt(body: Record<string, unknown>): string | undefined {
  if (body.messaging_product !== 'whatsapp') return '(#100) The parameter messaging_product is required.';
  if (body.status !== 'read') return '(#100) Param status must be "read"';
  if (typeof body.message_id !== 'string' || !body.message_id.startsWith('wamid.')) return '(#100) Invalid parameter: message_id';
  const typing = body.typing_indicator as { type?: unknown } | undefined;
  if (typing !== undefined && typing.type !== 'text') return '(#100) Param typing_indicator[type] must be "text"';
  return undefined;
}

function graphError(code: number, message: string, type: string) {
  return { error: { message, type, code, fbtrace_id: `A${randomBytes(8).toString('hex')}` } };
}
