// The ask_for_a_person tool and what the customer is told when a person is
// needed. The tool changes nothing outside the conversation workflow (it marks
// the conversation "needs a person" for the inbox), so the workflow handles it
// itself, like present_options. Its answer tells the model what is true: a
// person from the team will reply in this chat, and, outside opening hours,
// from when. Pure: bundled with the workflows.
import { openingIntervals, type DateException } from '../booking/policy';
import { addDays, localDateOf, toLocal } from '../booking/time';
import type { OpeningHours, ToolDefinition } from './types';

export const ASK_FOR_A_PERSON = 'ask_for_a_person';

export const ASK_FOR_A_PERSON_TOOL: ToolDefinition = {
  name: ASK_FOR_A_PERSON,
  description:
    'Tell the team that this customer wants to talk to a person (they ask for a human, a call back, or something you cannot do). ' +
    'A person from the team then replies in this chat; the answer says when, so you can tell the customer honestly.',
  parameters: {
    type: 'object',
    properties: { reason: { type: 'string', description: 'In a few words, what the customer needs a person for.' } },
    required: ['reason'],
    additionalProperties: false,
  },
};

/** The hours a business is open, as the booking code reads them. */
export interface BusinessHours {
  timeZone: string;
  openingHours: OpeningHours;
  exceptions: DateException[];
}

export const REASON_MAX_LENGTH = 200;
const DEFAULT_REASON = 'The customer asked to talk to a person.';

/** The model's reason, trimmed and bounded: it is shown in the inbox. Anything unreadable gets a plain default. */
export function requestReason(rawArguments: string): string {
  let reason: unknown;
  try {
    reason = (JSON.parse(rawArguments) as { reason?: unknown } | null)?.reason;
  } catch {
    return DEFAULT_REASON;
  }
  const text = typeof reason === 'string' ? reason.replace(/\s+/g, ' ').trim() : '';
  if (!text) return DEFAULT_REASON;
  return text.length > REASON_MAX_LENGTH ? `${text.slice(0, REASON_MAX_LENGTH - 1)}…` : text;
}

/** How far ahead the next opening is looked for: a business closed for longer is "closed for now". */
const LOOK_AHEAD_DAYS = 14;

/** Open now, or the next moment it opens (undefined when it does not open within two weeks). */
export function openingState(now: Date, hours: BusinessHours): { open: true } | { open: false; opensAt?: Date } {
  const today = localDateOf(now, hours.timeZone);
  // From yesterday: a range that ends at midnight or later belongs to the day it started.
  for (let day = -1; day <= LOOK_AHEAD_DAYS; day++) {
    for (const interval of openingIntervals(addDays(today, day), hours)) {
      if (interval.start <= now.getTime() && now.getTime() < interval.end) return { open: true };
      if (interval.start > now.getTime()) return { open: false, opensAt: new Date(interval.start) };
    }
  }
  return { open: false };
}

export const isOpenAt = (now: Date, hours: BusinessHours): boolean => openingState(now, hours).open;

/** "2026-12-07T09:00" in the business's zone. */
function localStart(instant: Date, timeZone: string): string {
  const l = toLocal(instant, timeZone);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${l.year}-${two(l.month)}-${two(l.day)}T${two(l.hour)}:${two(l.minute)}`;
}

/** The tool's answer for the model: what will happen, so that it tells the customer only that. */
export function personRequestedResult(now: Date, hours: BusinessHours): string {
  const state = openingState(now, hours);
  const base = 'The team has been told and a person from the team will reply in this chat.';
  if (state.open) {
    return JSON.stringify({ ok: true, note: `${base} Tell the customer so, briefly. Do not promise a time, a phone call or anything else.` });
  }
  if (!state.opensAt) {
    return JSON.stringify({
      ok: true,
      note: `${base} The business is closed for now, so it may take a while. Tell the customer so honestly; do not promise a time or a phone call.`,
    });
  }
  return JSON.stringify({
    ok: true,
    opensAt: localStart(state.opensAt, hours.timeZone),
    note:
      `${base} It is outside opening hours now, so the reply will come after the business opens again at opensAt (business time zone). ` +
      'Tell the customer so honestly; do not promise an earlier reply or a phone call.',
  });
}
