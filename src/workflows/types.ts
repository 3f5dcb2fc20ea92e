import type { ToolCall } from '../agent/types';
import type { ContentHandling } from '../whatsapp/message-content';

/** What a tool call changed, reported in the turn's result. */
export interface ToolEffect {
  kind: 'booked' | 'moved' | 'cancelled';
  appointmentId: string;
  /** The service's name ("Haircut"); absent in results recorded before it was reported. */
  service?: string;
  /** Local start time in the business's zone, YYYY-MM-DDTHH:mm. */
  start: string;
}

/** A tool call's answer for the model, and what it changed. */
export interface ToolResult {
  content: string;
  effect?: ToolEffect;
}

/** What the webhook hands to the workflow for one inbound WhatsApp message. */
export interface InboundMessageInput {
  businessId: string;
  phoneNumberId: string;
  wamid: string;
  type: string;
  text: string;
  /** answer: a turn with the model; record-only: stored, no reply (reactions); unreadable: a fixed polite reply. */
  handling: ContentHandling;
  /** Seconds since the epoch, as Meta sends it. */
  timestamp: string;
  customer: { waId?: string; bsuid?: string; profileName?: string };
}

/**
 * How a message workflow ends: at once, once its message is stored and handed on. The turn that answers it runs
 * in the customer's conversation workflow, which tells what became of the message (its `messageResult` query).
 */
export type MessageIntake =
  /** Handed to the conversation run named here. */
  | { outcome: 'enqueued'; conversation: { workflowId: string; runId: string } }
  /** Stored, not to be answered (a reaction). */
  | { outcome: 'recorded' }
  /** The database already had this message, stored by the workflow named. */
  | { outcome: 'duplicate'; duplicateOf: string };

/** What became of a message; the README explains each (src/docs/readme-sections.ts). */
export const TURN_OUTCOMES = [
  'replied',
  'recorded',
  'answered-with-later-message',
  'duplicate',
  'iteration-limit',
  'model-failed',
  'turn-failed',
  'send-failed',
  'held-for-person',
  'rate-limited',
  'budget-exceeded',
] as const;

export type TurnOutcome = (typeof TURN_OUTCOMES)[number];

export interface TurnResult {
  outcome: TurnOutcome;
  /** The workflow that handled this message first, when this one was a duplicate. */
  duplicateOf?: string;
  /** The message workflow whose turn took this message together with later ones (it answered them, or a turn limit stopped it). */
  answeredBy?: string;
  /** The reply as sent, in WhatsApp formatting. */
  replyText?: string;
  sentMessageIds: string[];
  toolCalls: Array<Pick<ToolCall, 'name'>>;
  /** Appointments booked, moved or cancelled during this turn. */
  appointments: ToolEffect[];
  modelCalls: number;
  error?: string;
  /** Why this turn left the conversation needing a person (the customer asked, no answer, outside hours). */
  needsPerson?: string;
}
