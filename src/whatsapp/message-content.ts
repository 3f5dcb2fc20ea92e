// What an inbound WhatsApp message says, for the conversation ledger and the
// model: every message type Meta sends becomes plain text, and the workflow is
// told how to treat it (answer with the model, record only, or a fixed reply).
import { z } from 'zod';
import { storable, type InboundMessage } from './webhook-payload';

export type ContentHandling = 'answer' | 'record-only' | 'unreadable';

export interface MessageContent {
  /** WhatsApp's type, or "unknown" for anything we do not model. */
  type: string;
  text: string;
  handling: ContentHandling;
}

const media = z.object({ caption: z.string().optional(), filename: z.string().optional(), voice: z.boolean().optional() });
const location = z.object({
  latitude: z.number(),
  longitude: z.number(),
  name: z.string().optional(),
  address: z.string().optional(),
});
const interactive = z.object({
  type: z.string(),
  button_reply: z.object({ id: z.string(), title: z.string() }).optional(),
  list_reply: z.object({ id: z.string(), title: z.string(), description: z.string().optional() }).optional(),
});
const button = z.object({ text: z.string(), payload: z.string().optional() });
const reaction = z.object({ message_id: z.string().optional(), emoji: z.string().optional() });
const sharedContacts = z.array(z.object({ name: z.object({ formatted_name: z.string().optional() }).optional() }));

const MEDIA_NOUNS: Record<string, string> = { image: 'a photo', video: 'a video', audio: 'an audio message', document: 'a document', sticker: 'a sticker' };

/** Customer-written parts are quoted, so the model reads them as what the customer sent, never as our notes. */
const quote = (text: string) => `"${text.replace(/\s+/g, ' ').trim()}"`;

export function messageContent(message: InboundMessage & Record<string, unknown>): MessageContent {
  const content = describe(message);
  // Every part of the text is the sender's to choose, and it is stored: see storable().
  return { ...content, text: storable(content.text) };
}

function describe(message: InboundMessage & Record<string, unknown>): MessageContent {
  const { type } = message;
  if (type === 'text' && message.text) return { type, text: message.text.body, handling: 'answer' };

  if (type === 'interactive') {
    const parsed = interactive.safeParse(message.interactive);
    const choice = parsed.success ? (parsed.data.button_reply ?? parsed.data.list_reply) : undefined;
    if (choice) return { type, text: `[Tapped the option ${quote(choice.title)} (id ${choice.id})]`, handling: 'answer' };
  }
  if (type === 'button') {
    const parsed = button.safeParse(message.button);
    if (parsed.success) return { type, text: `[Tapped the button ${quote(parsed.data.text)}]`, handling: 'answer' };
  }
  if (type === 'location') {
    const parsed = location.safeParse(message.location);
    if (parsed.success) {
      const { name, address, latitude, longitude } = parsed.data;
      const label = [name, address]
        .filter(Boolean)
        .map((s) => quote(s!))
        .join(', ');
      return { type, text: `[Shared a location: ${label ? `${label} ` : ''}(${latitude}, ${longitude})]`, handling: 'answer' };
    }
  }
  // Own keys only: `in` would also find "constructor" or "toString" on Object.prototype.
  if (Object.hasOwn(MEDIA_NOUNS, type)) {
    const parsed = media.safeParse(message[type]);
    const noun = type === 'audio' && parsed.success && parsed.data.voice ? 'a voice note' : MEDIA_NOUNS[type]!;
    const caption = parsed.success ? parsed.data.caption : undefined;
    const filename = parsed.success && type === 'document' ? parsed.data.filename : undefined;
    const details = [filename && `named ${quote(filename)}`, caption && `with the caption ${quote(caption)}`].filter(Boolean).join(' ');
    return { type, text: `[Sent ${noun}${details ? ` ${details}` : ''}; the assistant cannot open media]`, handling: 'answer' };
  }
  if (type === 'contacts') {
    const parsed = sharedContacts.safeParse(message.contacts);
    const names = parsed.success ? parsed.data.map((c) => c.name?.formatted_name).filter(Boolean) : [];
    return { type, text: `[Shared ${names.length ? `the contact ${names.map((n) => quote(n!)).join(', ')}` : 'a contact'}]`, handling: 'answer' };
  }
  if (type === 'reaction') {
    const parsed = reaction.safeParse(message.reaction);
    const emoji = parsed.success ? parsed.data.emoji : undefined;
    return { type, text: emoji ? `[Reacted ${emoji} to a message]` : '[Removed a reaction]', handling: 'record-only' };
  }
  return {
    type: type === 'unsupported' ? type : 'unknown',
    text: `[Sent a ${type} message that WhatsApp or this assistant cannot show]`,
    handling: 'unreadable',
  };
}
