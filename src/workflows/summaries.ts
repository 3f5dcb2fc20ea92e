// The few words the Temporal Web UI shows for a workflow or an activity, so an
// operator reads the list and a history like the conversation: "Booked Haircut
// Mon 7 Dec 11:00", "Tool book_appointment: Haircut 2026-12-07 11:00". No
// personal data: services, times and outcomes only, never a name, a number or
// the customer's words. Pure, so workflow code can use it.
import type { ToolCall } from '../agent/types';
import type { ToolEffect, TurnOutcome } from './types';

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "2026-12-07T11:00" (the business's local time) → "Mon 7 Dec 11:00"; anything else as it is. */
export function localTimeWords(local: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2})/.exec(local);
  if (!match) return local;
  const [, year, month, day, time] = match;
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  if (Number.isNaN(date.getTime())) return local;
  return `${WEEKDAYS[date.getUTCDay()]} ${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${time}`;
}

function effectWords({ kind, service, start }: ToolEffect): string {
  const what = service ?? 'appointment';
  const when = localTimeWords(start);
  if (kind === 'booked') return `Booked ${what} ${when}`;
  if (kind === 'moved') return `Moved ${what} to ${when}`;
  return `Cancelled ${what} ${when}`;
}

/** What a turn that ended without changing the calendar did, by the tools it used. */
function answeredWords(toolCalls: ReadonlyArray<Pick<ToolCall, 'name'>>): string {
  const used = new Set(toolCalls.map((call) => call.name));
  if (used.has('ask_for_a_person')) return 'Answered: a person was asked for';
  if (used.has('book_appointment') || used.has('move_appointment') || used.has('cancel_appointment')) return 'Answered: the change was not made';
  if (used.has('check_availability')) return 'Answered: free times';
  if (used.has('list_my_appointments')) return "Answered: the customer's appointments";
  if (used.has('present_options')) return 'Answered with choices';
  return 'Answered';
}

const OUTCOME_WORDS: Partial<Record<TurnOutcome, string>> = {
  'iteration-limit': 'Not answered: too many steps, apology sent',
  'model-failed': 'Not answered: the model failed, apology sent',
  'turn-failed': 'Not answered: a step failed, apology sent',
  'send-failed': 'Reply not delivered',
  'held-for-person': 'Held for a person',
  'rate-limited': 'Turn limit reached',
  'budget-exceeded': 'Not answered: daily AI allowance used up',
  duplicate: 'Duplicate delivery',
  recorded: 'Recorded, no reply needed',
  'answered-with-later-message': 'Answered together with a later message',
};

export interface TurnSummaryInput {
  outcome: TurnOutcome;
  toolCalls: ReadonlyArray<Pick<ToolCall, 'name'>>;
  appointments: readonly ToolEffect[];
  /** Nothing in the turn was readable (a sticker, a voice note): the fixed reply went out. */
  unreadableOnly?: boolean;
}

/** The turn in a sentence: its calendar changes first, else how it ended. */
export function turnSummary({ outcome, toolCalls, appointments, unreadableOnly }: TurnSummaryInput): string {
  const changes = appointments.map(effectWords).join('; ');
  if (outcome === 'replied') {
    if (changes) return changes;
    return unreadableOnly ? 'Answered: asked for the message as text' : answeredWords(toolCalls);
  }
  const words = OUTCOME_WORDS[outcome] ?? outcome;
  return changes ? `${changes}; ${words}` : words;
}

/** The arguments a tool's summary may show: the service and times, never the customer's name or words. */
function toolArgument(args: Record<string, unknown>, key: string): string | undefined {
  const value = args[key];
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' && value.length <= 60 ? value : undefined;
}

/** An activity's summary for a tool call: "book_appointment: Haircut 2026-12-07T11:00". */
export function toolSummary(call: Pick<ToolCall, 'name' | 'arguments'>): string {
  let args: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(call.arguments);
    if (parsed && typeof parsed === 'object') args = parsed as Record<string, unknown>;
  } catch {
    // Unparsable arguments: the tool's name alone, and the tool itself says what was wrong.
  }
  const shown = ['service', 'date', 'start', 'new_start'].map((key) => toolArgument(args, key)).filter(Boolean);
  const name = call.name.length <= 60 ? call.name : `${call.name.slice(0, 57)}...`;
  return shown.length ? `${name}: ${shown.join(' ')}` : name;
}

/** A conversation workflow's summary: the customer only as their keyed hash. */
export function conversationSummary(customerKey: string | undefined): string {
  return customerKey ? `Conversation with customer ${customerKey}` : 'Conversation with a customer';
}

/** A message workflow's summary when it starts: what kind of message it is, for whom. */
export function messageSummary(type: string, businessName: string): string {
  return `WhatsApp ${type} message to ${businessName}`;
}
