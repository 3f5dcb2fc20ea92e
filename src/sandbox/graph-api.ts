// Stand-in for Meta's Graph API messages endpoint, checking what Meta checks
// (bearer token, messaging_product, recipient, text limits) and answering in
// Meta's format, so the real client code is exercised end to end.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { signBody } from '../whatsapp/signature';

/** Where Meta would post status webhooks for the messages it accepted, and the app secret it signs them with. */
export interface StatusWebhookTarget {
  url: string;
  appSecret: string;
}

export interface SentWhatsAppMessage {
  wamid: string;
  phoneNumberId: string;
  to: string;
  type: string;
  text?: string;
  body: unknown;
  /** The bearer token it came with: one this stand-in was told to accept, so never a real one. */
  accessToken: string;
  receivedAt: string;
}

export interface ReadReceipt {
  phoneNumberId: string;
  messageId: string;
  typing: boolean;
  accessToken: string;
  receivedAt: string;
}

export class GraphApiStandIn {
  readonly sent: SentWhatsAppMessage[] = [];
  readonly readReceipts: ReadReceipt[] = [];

  private statusTarget: StatusWebhookTarget | undefined;
  /** Called for every accepted message as it arrives (benchmarks time replies with it). */
  onSent: ((message: SentWhatsAppMessage) => void) | undefined;
  /** Status webhooks that could not be delivered (the app was down): Meta would retry them; tests can look. */
  readonly undeliveredStatuses: Array<{ wamid: string; status: string; error: string }> = [];

  private readonly accessTokens: Set<string>;

  constructor(accessToken: string) {
    this.accessTokens = new Set([accessToken]);
  }

  /** Accepts another token too, as Meta accepts each business's own app or system user token. */
  acceptToken(token: string): void {
    this.accessTokens.add(token);
  }

  /** Like Meta, post a signed `sent` and then `delivered` status webhook for every accepted message. */
  deliverStatusesTo(target: StatusWebhookTarget | undefined): void {
    this.statusTarget = target;
  }

  register(app: FastifyInstance): void {
    app.post<{ Params: { version: string; phoneNumberId: string } }>('/:version/:phoneNumberId/messages', async (request, reply) => {
      const { version, phoneNumberId } = request.params;
      if (!/^v\d+\.\d+$/.test(version) || !/^\d+$/.test(phoneNumberId)) {
        return reply.code(400).send(graphError(100, `Unsupported post request. Object with ID '${phoneNumberId}' does not exist`, 'GraphMethodException'));
      }
      const accessToken = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
      if (!accessToken || !this.accessTokens.has(accessToken)) {
        return reply.code(401).send(graphError(190, 'Invalid OAuth access token - Cannot parse access token', 'OAuthException'));
      }
      const body = (request.body ?? {}) as Record<string, unknown>;
      if (body.status !== undefined) {
        const problem = validateReadReceipt(body);
        if (problem) return reply.code(400).send(graphError(100, problem, 'OAuthException'));
        const typing = (body.typing_indicator as { type?: unknown } | undefined)?.type === 'text';
        this.readReceipts.push({ phoneNumberId, messageId: String(body.message_id), typing, accessToken, receivedAt: new Date().toISOString() });
        return reply.send({ success: true });
      }
      const problem = validateMessage(body);
      if (problem) return reply.code(400).send(graphError(100, problem, 'OAuthException'));

      const wamid = `wamid.${randomBytes(24).toString('base64url')}`;
      const to = String(body.to ?? body.recipient);
      const text =
        body.type === 'interactive' ? String((body.interactive as { body: { text: string } }).body.text) : String((body.text as { body: string }).body);
      const message = { wamid, phoneNumberId, to, type: String(body.type ?? 'text'), text, body, accessToken, receivedAt: new Date().toISOString() };
      this.sent.push(message);
      this.onSent?.(message);
      // Sent independently of this answer, as Meta does: a status can arrive even when the answer is lost.
      if (this.statusTarget) void this.postStatuses(this.statusTarget, phoneNumberId, wamid, to, body.biz_opaque_callback_data);
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
    this.undeliveredStatuses.length = 0;
  }

  private async postStatuses(target: StatusWebhookTarget, phoneNumberId: string, wamid: string, recipient: string, callbackData: unknown): Promise<void> {
    for (const status of ['sent', 'delivered']) {
      const payload = {
        object: 'whatsapp_business_account',
        entry: [
          {
            id: '0',
            changes: [
              {
                field: 'messages',
                value: {
                  messaging_product: 'whatsapp',
                  metadata: { display_phone_number: phoneNumberId, phone_number_id: phoneNumberId },
                  statuses: [
                    {
                      id: wamid,
                      status,
                      timestamp: String(Math.floor(Date.now() / 1000)),
                      recipient_id: recipient,
                      ...(typeof callbackData === 'string' ? { biz_opaque_callback_data: callbackData } : {}),
                    },
                  ],
                },
              },
            ],
          },
        ],
      };
      const raw = JSON.stringify(payload);
      try {
        const response = await fetch(target.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(raw, target.appSecret) },
          body: raw,
        });
        if (!response.ok) throw new Error(`answered ${response.status}`);
      } catch (err) {
        this.undeliveredStatuses.push({ wamid, status, error: err instanceof Error ? err.message : String(err) });
        return;
      }
    }
  }
}

/** Business-scoped user IDs: a two-letter country code, a dot, then letters and digits (ENT for parent IDs). */
const BSUID = /^[A-Z]{2}\.(ENT\.)?[A-Za-z0-9]{1,128}$/;

function validateMessage(body: Record<string, unknown>): string | undefined {
  if (body.messaging_product !== 'whatsapp') return '(#100) The parameter messaging_product is required.';
  const byPhone = typeof body.to === 'string' && /^\+?\d{5,20}$/.test(body.to);
  const byBsuid = body.to === undefined && typeof body.recipient === 'string' && BSUID.test(body.recipient);
  if (!byPhone && !byBsuid) return '(#100) Invalid parameter: a phone number in "to" or a business-scoped user ID in "recipient" is required';
  if (body.biz_opaque_callback_data !== undefined && (typeof body.biz_opaque_callback_data !== 'string' || body.biz_opaque_callback_data.length > 512)) {
    return '(#100) Param biz_opaque_callback_data must be a string of at most 512 characters';
  }
  const type = body.type ?? 'text';
  if (type === 'interactive') return validateInteractive(body.interactive);
  if (type !== 'text')
    return `(#100) Param type must be one of {TEXT, INTERACTIVE, ...}; this stand-in accepts text and interactive messages (got ${String(type)})`;
  const text = body.text as { body?: unknown } | undefined;
  if (!text || typeof text.body !== 'string' || text.body.length === 0) return "(#100) The parameter text['body'] is required.";
  if (text.body.length > 4096) return "(#100) Param text['body'] must be at most 4096 characters long.";
  return undefined;
}

// Meta's published limits, stated here on their own so the stand-in checks the app rather than echoing it.
const LIMITS = { buttons: 3, buttonTitle: 20, buttonBody: 1024, listRows: 10, rowTitle: 24, rowDescription: 72, listBody: 4096, listButton: 20, id: 200 };

const chars = (value: unknown) => (typeof value === 'string' ? [...value].length : -1);

/** Meta's rules for reply-button and list messages; a payload that breaks them fails here as it would at Meta. */
function validateInteractive(interactive: unknown): string | undefined {
  const i = interactive as { type?: unknown; body?: { text?: unknown }; action?: Record<string, unknown> } | undefined;
  if (!i || typeof i !== 'object') return '(#100) The parameter interactive is required.';
  const bodyLength = chars(i.body?.text);
  if (i.type === 'button') {
    if (bodyLength < 1 || bodyLength > LIMITS.buttonBody)
      return `(#131009) Parameter value is not valid: body text must be 1 to ${LIMITS.buttonBody} characters`;
    const buttons = i.action?.buttons;
    if (!Array.isArray(buttons) || buttons.length < 1 || buttons.length > LIMITS.buttons)
      return `(#131009) Parameter value is not valid: 1 to ${LIMITS.buttons} buttons`;
    const titles = new Set<string>();
    for (const b of buttons as Array<{ type?: unknown; reply?: { id?: unknown; title?: unknown } }>) {
      if (b.type !== 'reply' || chars(b.reply?.id) < 1 || chars(b.reply?.id) > 256)
        return '(#131009) Parameter value is not valid: each button needs type reply and an id of 1 to 256 characters';
      const title = chars(b.reply?.title);
      if (title < 1 || title > LIMITS.buttonTitle) return `(#131009) Parameter value is not valid: button title must be 1 to ${LIMITS.buttonTitle} characters`;
      if (titles.has(String(b.reply?.title))) return '(#131009) Parameter value is not valid: button titles must be unique';
      titles.add(String(b.reply?.title));
    }
    return undefined;
  }
  if (i.type === 'list') {
    if (bodyLength < 1 || bodyLength > LIMITS.listBody) return `(#131009) Parameter value is not valid: body text must be 1 to ${LIMITS.listBody} characters`;
    const button = chars(i.action?.button);
    if (button < 1 || button > LIMITS.listButton) return `(#131009) Parameter value is not valid: list button must be 1 to ${LIMITS.listButton} characters`;
    const sections = i.action?.sections as Array<{ title?: unknown; rows?: Array<{ id?: unknown; title?: unknown; description?: unknown }> }> | undefined;
    if (!Array.isArray(sections) || sections.length < 1 || sections.length > 10) return '(#131009) Parameter value is not valid: 1 to 10 sections';
    if (sections.length > 1 && sections.some((sec) => chars(sec.title) < 1))
      return '(#131009) Parameter value is not valid: sections need titles when there are several';
    const rows = sections.flatMap((sec) => sec.rows ?? []);
    if (rows.length < 1 || rows.length > LIMITS.listRows) return `(#131009) Parameter value is not valid: 1 to ${LIMITS.listRows} rows in total`;
    const ids = new Set<string>();
    for (const row of rows) {
      if (chars(row.id) < 1 || chars(row.id) > LIMITS.id || ids.has(String(row.id)))
        return `(#131009) Parameter value is not valid: row ids must be unique, 1 to ${LIMITS.id} characters`;
      ids.add(String(row.id));
      if (chars(row.title) < 1 || chars(row.title) > LIMITS.rowTitle)
        return `(#131009) Parameter value is not valid: row title must be 1 to ${LIMITS.rowTitle} characters`;
      if (row.description !== undefined && chars(row.description) > LIMITS.rowDescription)
        return `(#131009) Parameter value is not valid: row description must be at most ${LIMITS.rowDescription} characters`;
    }
    return undefined;
  }
  return '(#100) Param interactive[type] must be one of {BUTTON, LIST, ...}';
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
