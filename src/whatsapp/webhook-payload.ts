// The shape of Meta's WhatsApp Cloud API webhook, validated at the boundary.
// Unknown fields are kept out of our types but never cause a rejection: Meta adds
// fields over time, and a webhook we reject is one Meta keeps redelivering.
import { z } from 'zod';

// Why these limits: a string that cannot be stored fails every retry, which is a 503
// Meta redelivers for days, or a workflow whose first step never succeeds. Identifiers
// are keys of PostgreSQL indexes, whose entries are bounded (about 2.7 kB); PostgreSQL
// refuses NUL, and Prisma refuses a lone UTF-16 surrogate (which JSON's \ud800
// escapes can produce) anywhere in a query.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
/** Free text as PostgreSQL can store it: NUL dropped, a lone surrogate replaced by U+FFFD as any UTF-8 encoder would. */
export const storable = (text: string): string => text.replaceAll('\u0000', '').replace(LONE_SURROGATE, '\ufffd');
const isStorable = (s: string) => storable(s) === s;
const storableText = z.string().transform(storable);
/** Meta's own identifiers are short ASCII: one that cannot be stored as it is was not sent by Meta. */
const storableId = z.string().max(256).refine(isStorable);
const identifier = storableId.min(1);
/** Seconds since the epoch, no later than 9999-12-31: both a JavaScript Date and PostgreSQL hold it. */
const unixSeconds = z
  .string()
  .regex(/^\d{1,12}$/)
  .refine((s) => Number(s) <= 253_402_300_799);

const contactSchema = z.object({
  // An empty sender ID stays readable (and matches nobody): intake.ts reports the message as without a sender.
  wa_id: storableId.optional(),
  user_id: storableId.optional(),
  profile: z.object({ name: storableText.optional() }).optional(),
});

const textSchema = z.object({ body: z.string() });

// Loose: the fields of each message type (interactive, location, image, …) are read by message-content.ts.
export const inboundMessageSchema = z.looseObject({
  id: identifier,
  from: storableId.optional(),
  from_user_id: storableId.optional(),
  timestamp: unixSeconds,
  type: z.string().min(1),
  text: textSchema.optional(),
  context: z.object({ id: z.string().optional(), from: z.string().optional() }).optional(),
});

const statusErrorSchema = z.object({
  // Stored in an integer column.
  code: z
    .number()
    .int()
    .min(-(2 ** 31))
    .max(2 ** 31 - 1),
  title: storableText.optional(),
  message: storableText.optional(),
});

export const statusSchema = z.object({
  id: identifier,
  status: z.enum(['sent', 'delivered', 'read', 'failed']),
  timestamp: unixSeconds,
  recipient_id: z.string().optional(),
  errors: z.array(statusErrorSchema).optional(),
  // Echoes the biz_opaque_callback_data we sent with the message: links a status to a send whose answer we lost.
  // Looked up as it is, so it must be storable; what we send always is.
  biz_opaque_callback_data: z.string().max(512).refine(isStorable).optional(),
});

const valueSchema = z.object({
  messaging_product: z.literal('whatsapp').optional(),
  metadata: z.object({
    display_phone_number: z.string().optional(),
    phone_number_id: identifier,
  }),
  contacts: z.array(contactSchema).optional(),
  // Each element is checked on its own below, so one odd message cannot hide its siblings.
  messages: z.array(z.unknown()).optional(),
  statuses: z.array(z.unknown()).optional(),
});

export const webhookPayloadSchema = z.object({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(z.unknown()),
});

const entrySchema = z.object({ changes: z.array(z.unknown()) });
const changeSchema = z.object({ field: z.string(), value: z.unknown() });

export type InboundMessage = z.infer<typeof inboundMessageSchema>;
export type DeliveryStatusUpdate = z.infer<typeof statusSchema>;
export type WebhookContact = z.infer<typeof contactSchema>;

/** One inbound message with what we need to route and answer it. */
export interface RoutedMessage {
  phoneNumberId: string;
  message: InboundMessage;
  contact: WebhookContact | undefined;
}

export interface RoutedStatus {
  phoneNumberId: string;
  status: DeliveryStatusUpdate;
}

export interface ParsedWebhook {
  messages: RoutedMessage[];
  statuses: RoutedStatus[];
  /** Parts of the payload we could not use, described for the log (never their content). */
  skipped: string[];
}

/**
 * Walks every entry, change, message and status. Returns undefined when the
 * payload is not a WhatsApp Business Account webhook at all.
 */
export function parseWebhookPayload(payload: unknown): ParsedWebhook | undefined {
  const envelope = webhookPayloadSchema.safeParse(payload);
  if (!envelope.success) return undefined;

  const result: ParsedWebhook = { messages: [], statuses: [], skipped: [] };
  envelope.data.entry.forEach((rawEntry, e) => {
    const entry = entrySchema.safeParse(rawEntry);
    if (!entry.success) {
      result.skipped.push(`entry[${e}]: without changes`);
      return;
    }
    entry.data.changes.forEach((rawChange, c) => {
      const where = `entry[${e}].changes[${c}]`;
      const change = changeSchema.safeParse(rawChange);
      if (!change.success) {
        result.skipped.push(`${where}: without field`);
        return;
      }
      if (change.data.field !== 'messages') {
        result.skipped.push(`${where}: field ${change.data.field}`);
        return;
      }
      const value = valueSchema.safeParse(change.data.value);
      if (!value.success) {
        result.skipped.push(`${where}: value without metadata.phone_number_id`);
        return;
      }
      const { phone_number_id: phoneNumberId } = value.data.metadata;
      const contacts = value.data.contacts ?? [];
      value.data.messages?.forEach((raw, m) => {
        const message = inboundMessageSchema.safeParse(raw);
        if (!message.success) {
          result.skipped.push(`${where}.messages[${m}]: malformed`);
          return;
        }
        result.messages.push({ phoneNumberId, message: message.data, contact: findContact(contacts, message.data) });
      });
      value.data.statuses?.forEach((raw, s) => {
        const status = statusSchema.safeParse(raw);
        if (!status.success) {
          result.skipped.push(`${where}.statuses[${s}]: malformed`);
          return;
        }
        result.statuses.push({ phoneNumberId, status: status.data });
      });
    });
  });
  return result;
}

function findContact(contacts: WebhookContact[], message: InboundMessage): WebhookContact | undefined {
  const match = contacts.find((c) => (message.from && c.wa_id === message.from) || (message.from_user_id && c.user_id === message.from_user_id));
  if (match) return match;
  // A lone contact is the sender unless it names someone else: mixing two people's identities is worse than none.
  const [only] = contacts;
  if (contacts.length !== 1 || !only) return undefined;
  const contradicts =
    (message.from && only.wa_id && only.wa_id !== message.from) || (message.from_user_id && only.user_id && only.user_id !== message.from_user_id);
  return contradicts ? undefined : only;
}
