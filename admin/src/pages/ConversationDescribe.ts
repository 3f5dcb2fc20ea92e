// A conversation's record in the words a person in the console reads: delivery
// statuses, how a turn ended, the tools the assistant called and what they
// changed. Pure, so it is tested without a browser.
import type { TimelineMessage, TurnEffectView } from '../types';

/** Delivery as words, for everyone (ticks alone say nothing to a screen reader); nothing for a customer's message. */
export function deliveryInWords(message: Pick<TimelineMessage, 'status' | 'error'>): string {
  switch (message.status) {
    case 'received':
      return '';
    case 'pending':
      return 'Sending';
    case 'sent':
      return 'Sent';
    case 'delivered':
      return 'Delivered';
    case 'read':
      return 'Read';
    case 'failed': {
      const reason = message.error?.title || 'WhatsApp gave no reason';
      return `Failed: ${reason}${message.error?.code ? ` (error ${message.error.code})` : ''}`;
    }
  }
}

const OUTCOMES: Record<string, string> = {
  replied: 'replied',
  recorded: 'recorded the message; no reply was needed',
  'answered-with-later-message': 'answered together with a later message',
  'turn-pending': 'still working when the message stopped waiting',
  duplicate: 'ignored a repeated delivery',
  'iteration-limit': 'stopped at its step limit without an answer',
  'model-failed': 'could not reach the model',
  'turn-failed': 'failed',
  'send-failed': 'could not send the reply',
  'held-for-person': 'stayed quiet: a person has the conversation',
  'rate-limited': 'stayed quiet: the customer sent too many messages (told once)',
  'budget-exceeded': 'did not use the model: today’s budget is spent, a person was asked for',
};

/** How a turn ended (TurnOutcome), as the end of "What the assistant did (…)". An outcome added later reads as its name. */
export const outcomeInWords = (outcome: string) => OUTCOMES[outcome] ?? outcome;

const TOOLS: Record<string, string> = {
  check_availability: 'Check free times',
  book_appointment: 'Book an appointment',
  list_my_appointments: 'List the customer’s appointments',
  move_appointment: 'Move an appointment',
  cancel_appointment: 'Cancel an appointment',
  ask_for_a_person: 'Ask for a person',
};

export const toolInWords = (name: string) => TOOLS[name] ?? name;

const EFFECT_VERBS: Record<string, string> = { booked: 'Booked', moved: 'Moved', cancelled: 'Cancelled', 'already-booked': 'Already booked' };

/** "Booked Haircut on Mon 7 Dec at 17:00": the start is the business's local time, shown as written. */
export function describeEffect(effect: TurnEffectView, locale?: string): string {
  const verb = EFFECT_VERBS[effect.kind] ?? effect.kind;
  const what = effect.service ?? 'an appointment';
  const when = effect.start ? localStart(effect.start, locale) : '';
  const preposition = effect.kind === 'moved' ? 'to' : 'on';
  return when ? `${verb} ${what} ${preposition} ${when}` : `${verb} ${what}`;
}

function localStart(start: string, locale: string | undefined): string {
  const parsed = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2})/.exec(start);
  if (!parsed) return start;
  const [, year, month, day, time] = parsed;
  // Formatted in UTC from its own parts, so the browser's zone cannot shift the business's date.
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  const label = date.toLocaleDateString(locale, { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' }).replace(',', '');
  return `${label} at ${time}`;
}
