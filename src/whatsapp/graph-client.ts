// A small client for the Cloud API's messages endpoint. It sends over HTTP with
// fetch and turns Meta's error envelope into a GraphApiError that says whether
// trying again can help; retrying itself is Temporal's job, not this client's.

import { classifyGraphError } from './graph-errors';
import type { InteractivePayload } from './interactive';

/** The client's own timeout per request, inside the send activity's (retry-policies.ts). */
export const GRAPH_CLIENT_TIMEOUT_MS = 20_000;

export interface GraphClientOptions {
  baseUrl: string;
  version: string;
  /** The deployment's token (WHATSAPP_ACCESS_TOKEN), for businesses that have none of their own. */
  accessToken: string;
  timeoutMs?: number;
}

export interface SentMessage {
  wamid: string;
}

/** A phone number (wa_id) when Meta shared one, else the business-scoped user ID (BSUID). */
export type Recipient = { waId: string } | { bsuid: string };

export interface CallOptions {
  /** The business's own access token (its Meta app or system user); the client's when not given. */
  accessToken?: string;
}

export interface SendOptions extends CallOptions {
  /**
   * Sent as biz_opaque_callback_data, which Meta echoes in this message's status
   * webhooks: a send whose answer was lost can still be recognised (up to 512 characters).
   */
  callbackData?: string;
}

export interface WhatsAppSender {
  sendText(phoneNumberId: string, recipient: Recipient, body: string, options?: SendOptions): Promise<SentMessage>;
  sendInteractive(phoneNumberId: string, recipient: Recipient, interactive: InteractivePayload, options?: SendOptions): Promise<SentMessage>;
  /** Marks the customer's message as read (blue ticks) and shows "typing…" until the reply or 25 seconds. */
  markReadWithTyping(phoneNumberId: string, wamid: string, options?: CallOptions): Promise<void>;
}

export class GraphApiError extends Error {
  override name = 'GraphApiError';
  constructor(
    message: string,
    readonly httpStatus: number,
    readonly code: number | undefined,
    readonly retryable: boolean,
    /** What the failure means, in words an operator can act on. */
    readonly reason: string,
    readonly fbtraceId?: string,
  ) {
    super(message);
  }
}

interface GraphErrorBody {
  error?: { message?: string; type?: string; code?: number; error_subcode?: number; fbtrace_id?: string; error_data?: { details?: string } };
}

export function createGraphClient(options: GraphClientOptions): WhatsAppSender {
  const base = options.baseUrl.replace(/\/+$/, '');
  const post = async (phoneNumberId: string, payload: Record<string, unknown>, { accessToken = options.accessToken }: CallOptions) => {
    const response = await fetch(`${base}/${options.version}/${encodeURIComponent(phoneNumberId)}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ messaging_product: 'whatsapp', ...payload }),
      signal: AbortSignal.timeout(options.timeoutMs ?? GRAPH_CLIENT_TIMEOUT_MS),
    });
    const answer = (await response.json().catch(() => undefined)) as (GraphErrorBody & { messages?: Array<{ id?: string }>; success?: boolean }) | undefined;
    if (!response.ok) throw toGraphApiError(response.status, answer);
    return { status: response.status, answer };
  };

  const send = async (phoneNumberId: string, recipient: Recipient, content: Record<string, unknown>, sendOptions: SendOptions = {}): Promise<SentMessage> => {
    // Users who hide their number behind a username are addressed by BSUID in `recipient` instead of `to`.
    const address = 'waId' in recipient ? { to: recipient.waId } : { recipient: recipient.bsuid };
    const callback = sendOptions.callbackData ? { biz_opaque_callback_data: sendOptions.callbackData.slice(0, 512) } : {};
    const { status, answer } = await post(phoneNumberId, { recipient_type: 'individual', ...address, ...content, ...callback }, sendOptions);
    const wamid = answer?.messages?.[0]?.id;
    // Meta took the request, so it may well have sent it: sending again risks a duplicate.
    if (!wamid)
      throw new GraphApiError('Graph API answered without a message id', status, undefined, false, 'Meta accepted the request but returned no message id');
    return { wamid };
  };

  return {
    async markReadWithTyping(phoneNumberId, wamid, callOptions = {}) {
      await post(phoneNumberId, { status: 'read', message_id: wamid, typing_indicator: { type: 'text' } }, callOptions);
    },

    sendText(phoneNumberId, recipient, body, options) {
      return send(phoneNumberId, recipient, { type: 'text', text: { body, preview_url: false } }, options);
    },

    sendInteractive(phoneNumberId, recipient, interactive, options) {
      return send(phoneNumberId, recipient, { type: 'interactive', interactive }, options);
    },
  };
}

function toGraphApiError(status: number, payload: GraphErrorBody | undefined): GraphApiError {
  const error = payload?.error;
  const code = error?.code;
  const detail = error?.error_data?.details ? ` (${error.error_data.details})` : '';
  const { retryable, reason } = classifyGraphError(status, code);
  const message = `Graph API ${status}${code !== undefined ? ` code ${code}` : ''}: ${reason} (${error?.message ?? 'no error body'}${detail})`;
  return new GraphApiError(message, status, code, retryable, reason, error?.fbtrace_id);
}
