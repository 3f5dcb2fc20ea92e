// A tiny rule-based stand-in for the chat model, used by the sandbox when no
// OpenAI key is configured, so a person running `npm run dev` can book, list,
// move and cancel appointments offline through the real tools. It reads the
// same OpenAI wire-format messages a real model gets, is pure and
// deterministic ("today" comes from the system prompt, never from the clock)
// and never throws: whatever it cannot make sense of gets the help text.
// Offered present_options, it shows free times as choices and books the one tapped.
// Asked for a person ("talk to a person", "I want a human", "can someone call me"),
// it calls ask_for_a_person and tells the customer what the tool's answer says.
import { ASK_FOR_A_PERSON } from '../agent/handover';
import { PRESENT_OPTIONS } from '../agent/options';
import { WEEKDAYS } from '../agent/types';
import { addDays, formatLocalDate, formatLocalDateTime, parseLocalDate, parseLocalDateTime, weekdayOf } from '../booking/time';

/** A chat message as OpenAI's API carries it: tool calls ride on assistant messages, results come as role "tool". */
export type WireMessage = { role: string; content?: unknown; tool_calls?: unknown; tool_call_id?: unknown };
type ToolCallRequest = { name: string; arguments: Record<string, unknown> };
export type OfflineTurn = { content: string } | { toolCalls: ToolCallRequest[] };

type Intent = 'person' | 'book' | 'availability' | 'list' | 'move' | 'cancel';
type Json = Record<string, unknown>;

/** The last user message as written, the messages before it, what the system prompt says (services, today's date) and the tools offered. */
type Request = { text: string; earlier: WireMessage[]; services: string[]; today: string | undefined; tools: Set<string> };

const DEFAULT_NAME = 'WhatsApp customer';
const MAX_TIMES_PER_DAY = 8;
const MAX_OPTIONS = 10; // present_options takes at most 10 choices.

// First match wins: "cancel my booking" is a cancellation, not a listing; asking for a person beats everything.
const INTENTS: Array<[Intent, RegExp]> = [
  [
    'person',
    /\b(talk|speak|chat)\s+(to|with)\s+(a |an |some )?(real )?(person|human|someone|somebody|agent|staff|manager)\b|\b(a|real)\s+(human|person)\b|\b(someone|somebody|you)\s+call\s+me\b|\bcall\s+me\s+back\b|\bhablar con (una persona|alguien)\b|\bpersona real\b/i,
  ],
  ['cancel', /\b(cancel\w*|anular)\b/i],
  ['move', /\b(move|reschedule|mover|cambiar)\b|\bchange\b.*\bto\b/i],
  ['book', /\b(book|reserve|reservar)\b|appointment for|una cita/i],
  ['list', /\bmy (appointments?|bookings?)\b|\bmis? citas?\b/i],
  ['availability', /\b(available|availability|free|slots?|disponibles?|huecos?)\b|when can/i],
];

// Monday first, as WEEKDAYS; then month names with their common short forms.
const WEEKDAY_NAMES = [
  'monday|lunes',
  'tuesday|martes',
  'wednesday|miércoles|miercoles',
  'thursday|jueves',
  'friday|viernes',
  'saturday|sábado|sabado',
  'sunday|domingo',
];
const MONTH_NAMES = [
  'january|jan|enero',
  'february|feb|febrero',
  'march|mar|marzo',
  'april|apr|abril',
  'may|mayo',
  'june|jun|junio',
  'july|jul|julio',
  'august|aug|agosto',
  'september|sept|sep|septiembre',
  'october|oct|octubre',
  'november|nov|noviembre',
  'december|dec|diciembre',
];
const MONTH = MONTH_NAMES.join('|');
// Words after "for"/"under" that are not a name ("an appointment for Friday").
const NOT_NAMES = new Set(
  [...WEEKDAY_NAMES, ...MONTH_NAMES]
    .flatMap((n) => n.split('|'))
    .concat(['today', 'tomorrow', 'next', 'me', 'my', 'the', 'a', 'an', 'this', 'that', 'you', 'us']),
);

export function offlineTurn(messages: WireMessage[], toolNames: string[]): OfflineTurn {
  const list = Array.isArray(messages) ? messages.filter(isWireMessage) : [];
  const system = textOf(list.find((m) => m.role === 'system')?.content);
  const lastUser = list.map((m) => m.role).lastIndexOf('user');
  const today = /Today is (\d{4}-\d{2}-\d{2})/.exec(system)?.[1];
  const req: Request = {
    // A burst ("hi" / "I need a haircut" / "tomorrow?") is read as one request, as the real model reads it.
    text: burstText(list, lastUser),
    earlier: list.slice(0, Math.max(lastUser, 0)),
    services: [...system.matchAll(/^- (.+?): \d+ min\b/gm)].map((m) => m[1] ?? '').filter(Boolean),
    today: today && parseLocalDate(today) ? today : undefined,
    tools: new Set(Array.isArray(toolNames) ? toolNames : []),
  };
  const since = lastUser >= 0 ? list.slice(lastUser + 1) : [];
  const intent = INTENTS.find(([, pattern]) => pattern.test(req.text))?.[0];
  const last = since.at(-1);
  if (last?.role === 'tool') return afterToolResult(req, intent, since, last);
  if (since.some((m) => m.role === 'tool')) return help(req);
  // Taps only come from choices present_options put out, so without it a tap is read like any other text.
  const tap = req.tools.has(PRESENT_OPTIONS) ? tapIn(lastUser >= 0 ? textOf(list[lastUser]?.content) : '') : undefined;
  return callOrHelp(req, tap ? bookTapped(req, tap.service, tap.start) : intent && firstCall(req, intent));
}

/** The customer's messages since the assistant last spoke, up to the latest, joined in order. */
function burstText(list: WireMessage[], lastUser: number): string {
  if (lastUser < 0) return '';
  let start = lastUser;
  while (start > 0 && list[start - 1]?.role === 'user') start--;
  return list
    .slice(start, lastUser + 1)
    .map((m) => textOf(m.content))
    .join('\n');
}

/** The first step for an intent: the action itself when the message says enough, else a look-up. */
function firstCall(req: Request, intent: Intent): ToolCallRequest | undefined {
  const service = serviceIn(req.text, req.services) ?? req.services[0] ?? 'Appointment';
  const date = dateIn(req.text, req.today);
  const time = timeIn(req.text);
  if (intent === 'person') return { name: ASK_FOR_A_PERSON, arguments: { reason: req.text.replace(/\s+/g, ' ').trim().slice(0, 200) } };
  // Moving and cancelling need an appointment id, which only the list gives.
  if (intent === 'list' || intent === 'move' || intent === 'cancel') return { name: 'list_my_appointments', arguments: {} };
  const customerName = nameIn(req.text, req.services) ?? DEFAULT_NAME;
  if (intent === 'book' && date && time) return { name: 'book_appointment', arguments: { service, start: `${date}T${time}`, customer_name: customerName } };
  // Availability, or a booking without a full start time: show what is free instead of guessing one.
  const from = date ?? req.today;
  return from ? { name: 'check_availability', arguments: { service, date: from, days: date ? null : 7 } } : undefined;
}

function afterToolResult(req: Request, intent: Intent | undefined, since: WireMessage[], last: WireMessage): OfflineTurn {
  const call = callAnswered(since, last.tool_call_id);
  const result = parseResult(last.content);
  const name = call?.name ?? guessToolName(result);
  if (name === 'list_my_appointments' && (intent === 'move' || intent === 'cancel') && result.ok === true) {
    return actOnFirstAppointment(req, intent, result);
  }
  if (name === PRESENT_OPTIONS) return { content: replyUnderOptions(since, result) };
  if (name === ASK_FOR_A_PERSON) return { content: personComing(result) };
  const options = name === 'check_availability' && result.ok === true && req.tools.has(PRESENT_OPTIONS) ? timeOptions(result, call?.arguments ?? {}) : [];
  if (options.length) return { toolCalls: [{ name: PRESENT_OPTIONS, arguments: { options } }] };
  return { content: compose(name, call?.arguments ?? {}, result) };
}

function actOnFirstAppointment(req: Request, intent: 'move' | 'cancel', listed: Json): OfflineTurn {
  const first = appointmentsIn(listed)[0];
  if (!first) return { content: `You have no upcoming appointments to ${intent}.` };
  if (intent === 'cancel') return callOrHelp(req, { name: 'cancel_appointment', arguments: { appointment_id: first.id } });
  const newStart = movedStart(req, first.start);
  if (!newStart)
    return { content: `Your next appointment is ${describe(first)}. When should I move it to? For example: _move my appointment to Friday at 17:00_` };
  return callOrHelp(req, { name: 'move_appointment', arguments: { appointment_id: first.id, new_start: newStart } });
}

/** "Move it to Friday" keeps the time, "move it to 6pm" keeps the day; "from Monday to Friday" means Friday. */
function movedStart(req: Request, current: string): string | undefined {
  const target = req.text.split(/\bto\b/i).at(-1) ?? '';
  let date = dateIn(target, req.today);
  let time = timeIn(target);
  if (!date && !time) [date, time] = [dateIn(req.text, req.today), timeIn(req.text)];
  if (!date && !time) return undefined;
  return `${date ?? current.slice(0, 10)}T${time ?? current.slice(11, 16)}`;
}

function callOrHelp(req: Request, call: ToolCallRequest | undefined): OfflineTurn {
  return call && req.tools.has(call.name) ? { toolCalls: [call] } : help(req);
}

// ---- Choosing a free time by tapping it ----
/**
 * Up to 10 free times, in order. The id names service and start, as a tap is all the next turn gets;
 * over several days the title needs the day: "Mon 30 10:00", well inside a 20-character button.
 */
function timeOptions(result: Json, args: Json): Json[] {
  const service = str(result.service) || str(args.service);
  const days = daysIn(result);
  const starts = days
    .flatMap(({ date, times }) => times.map((time) => parseLocalDateTime(`${date}T${time}`)).filter((t) => t !== undefined))
    .map(formatLocalDateTime);
  const title = (start: string) => (days.length > 1 ? `${capitalised(weekdayOf(start.slice(0, 10)))} ${Number(start.slice(8, 10))} ` : '') + start.slice(11);
  return (service ? starts : []).slice(0, MAX_OPTIONS).map((start) => ({ id: `book:${service}@${start}`, title: title(start), description: null }));
}

/** The choices show under the reply: it is the free times they came from and, unless refused (no buttons then), how to use them. */
function replyUnderOptions(since: WireMessage[], shown: Json): string {
  const availability = since
    .filter((m) => m.role === 'tool')
    .map((m) => parseResult(m.content))
    .filter((result) => Array.isArray(result.days))
    .at(-1);
  const text = availability ? freeTimes(availability) : '';
  if (shown.ok !== true) return text || refusal(PRESENT_OPTIONS, {}, shown);
  return text ? `${text}\nTap a time to book it.` : 'Tap one of the options below.';
}

/** A tap as message-content.ts writes it: `[Tapped the option "10:30" (id book:Haircut@2026-11-30T10:30)]`; a real model's id may be just the start. */
function tapIn(text: string): { service: string | undefined; start: string } | undefined {
  const id = /^\[Tapped the option ".*" \(id (.+)\)\]$/.exec(text.trim())?.[1];
  const ours = /^book:(.+)@([^@]+)$/.exec(id ?? '');
  const start = id ? parseLocalDateTime(ours?.[2] ?? id) : undefined;
  return start ? { service: ours?.[1]?.trim(), start: formatLocalDateTime(start) } : undefined;
}

/** The tap says what and when; who comes from what the customer said before. */
function bookTapped(req: Request, service: string | undefined, start: string): ToolCallRequest {
  const said = req.earlier.filter((m) => m.role === 'user' || m.role === 'assistant');
  const mentioned = [...said.map((m) => textOf(m.content)), req.text].map((text) => serviceIn(text, req.services)).find(Boolean);
  // Only an explicit "my name is": earlier messages are full of "for Friday"-like phrases about other things.
  const name = said
    .filter((m) => m.role === 'user')
    .map((m) => nameIn(textOf(m.content), req.services, true))
    .reverse()
    .find(Boolean);
  return {
    name: 'book_appointment',
    arguments: { service: service ?? mentioned ?? req.services[0] ?? 'Appointment', start, customer_name: name ?? DEFAULT_NAME },
  };
}

/** Only what ask_for_a_person's answer says will happen: a person replies here, after opening time if the business is closed. */
function personComing(result: Json): string {
  if (result.ok !== true) return "Sorry, I couldn't reach the team just now. Please try again in a moment.";
  const opensAt = str(result.opensAt);
  if (opensAt) return `I've let the team know. We're closed right now, so a person from the team will reply here after we open again, on ${when(opensAt)}.`;
  return "I've let the team know: a person from the team will reply to you here as soon as they can.";
}

// ---- Reading the customer's message ----
function serviceIn(text: string, services: string[]): string | undefined {
  const candidates = services
    .flatMap((s) => [
      [s, s],
      [s.split(/\s+/)[0] ?? s, s],
    ])
    .sort((a, b) => (b[0]?.length ?? 0) - (a[0]?.length ?? 0));
  const found = candidates.find(([word]) => word && new RegExp(`(^|[^\\p{L}])${escapeRegExp(word)}($|[^\\p{L}])`, 'iu').test(text));
  return found?.[1];
}

function dateIn(text: string, today: string | undefined): string | undefined {
  const iso = /(?<!\d)(\d{4}-\d{2}-\d{2})(?!\d)/.exec(text)?.[1];
  if (iso && parseLocalDate(iso)) return iso;
  if (!today) return undefined;
  if (/day after tomorrow|pasado mañana/i.test(text)) return addDays(today, 2);
  if (/\btomorrow\b|\bmañana\b/i.test(text)) return addDays(today, 1);
  if (/\btoday\b|\bhoy\b/i.test(text)) return today;
  return monthDayIn(text, today) ?? weekdayIn(text, today);
}

/** "12 December", "December 12th", "12 de diciembre": this year, or next year once it has passed. */
function monthDayIn(text: string, today: string): string | undefined {
  const m =
    new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th)?\\s+(?:de\\s+|of\\s+)?(${MONTH})\\b`, 'i').exec(text) ??
    new RegExp(`\\b(${MONTH})\\s+(\\d{1,2})(?:st|nd|rd|th)?\\b`, 'i').exec(text);
  if (!m) return undefined;
  const [dayText, monthText] = /^\d/.test(m[1] ?? '') ? [m[1], m[2]] : [m[2], m[1]];
  const month = MONTH_NAMES.findIndex((names) => names.split('|').includes((monthText ?? '').toLowerCase())) + 1;
  const year = Number(today.slice(0, 4));
  const candidate = (y: number) => formatLocalDate({ year: y, month, day: Number(dayText) });
  const date = candidate(year) < today ? candidate(year + 1) : candidate(year);
  return parseLocalDate(date) ? date : undefined;
}

/** "friday" and "next friday" alike: the next such day after today. */
function weekdayIn(text: string, today: string): string | undefined {
  const found = WEEKDAY_NAMES.map((names, index) => ({ index, at: text.search(new RegExp(`\\b(${names})\\b`, 'i')) }))
    .filter((w) => w.at >= 0)
    .sort((a, b) => a.at - b.at)[0];
  if (!found) return undefined;
  const ahead = (found.index - WEEKDAYS.indexOf(weekdayOf(today)) + 7) % 7 || 7;
  return addDays(today, ahead);
}

function timeIn(text: string): string | undefined {
  const ampm = /(?<![\d:])(\d{1,2})(?::(\d{2}))?\s*([ap])\.?m\b/i.exec(text);
  if (ampm) {
    const hour = Number(ampm[1]);
    const pm = ampm[3]?.toLowerCase() === 'p';
    return hour >= 1 && hour <= 12 ? clock((hour % 12) + (pm ? 12 : 0), Number(ampm[2] ?? 0)) : undefined;
  }
  const hhmm = /(?<!\d)(\d{1,2}):(\d{2})(?!\d)/.exec(text);
  if (hhmm) return clock(Number(hhmm[1]), Number(hhmm[2]));
  if (/\b(noon|midday)\b|mediod[ií]a/i.test(text)) return '12:00';
  const bare = /\b(?:at|a las)\s+(\d{1,2})(?![\d:])/i.exec(text)?.[1];
  if (!bare) return undefined;
  // "at 5" at a business means the afternoon: nobody books for five in the morning.
  const hour = Number(bare);
  return clock(hour >= 1 && hour <= 7 ? hour + 12 : hour, 0);
}

function clock(hour: number, minute: number): string | undefined {
  if (hour > 23 || minute > 59) return undefined;
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}

/** "my name is Ana" (any case), or (unless explicitOnly) a capitalised "for Ana Ruiz" / "under Ana" that is not a date or service. */
function nameIn(text: string, services: string[], explicitOnly = false): string | undefined {
  const notName = (word: string) => NOT_NAMES.has(word.toLowerCase()) || services.some((s) => s.toLowerCase().split(/\s+/).includes(word.toLowerCase()));
  for (const m of text.matchAll(/\b(my name is|me llamo|a nombre de|for|under)\s+/gi)) {
    const words = /^(\p{L}[\p{L}'’-]*)(?:\s+(\p{Lu}[\p{L}'’-]*))?/u.exec(text.slice((m.index ?? 0) + m[0].length));
    const [first, second] = [words?.[1], words?.[2]];
    const explicit = !/^(for|under)$/i.test(m[1] ?? '');
    if (!first || notName(first) || (!explicit && (explicitOnly || !/^\p{Lu}/u.test(first)))) continue;
    const name = second && !notName(second) ? `${first} ${second}` : first;
    return capitalised(name);
  }
  return undefined;
}

// ---- Reading tool results and writing the reply ----
type Appointment = { id: string; service: string; start: string; name: string };

/** The assistant's tool call that a tool message answers, with its arguments. */
function callAnswered(since: WireMessage[], id: unknown): ToolCallRequest | undefined {
  const calls = since.flatMap((m) => (m.role === 'assistant' && Array.isArray(m.tool_calls) ? (m.tool_calls as unknown[]) : []));
  const fn = calls.filter(isRecord).find((call) => call.id === id)?.function;
  if (!isRecord(fn)) return undefined;
  const args = parseJson(fn.arguments);
  return { name: str(fn.name), arguments: isRecord(args) ? args : {} };
}

function parseResult(content: unknown): Json {
  const value = typeof content === 'string' ? parseJson(content) : content;
  return isRecord(value) ? value : { ok: false, error: 'The booking system answered with something I could not read.' };
}

/** Without the call (an odd conversation), the result's shape still tells what it is. */
function guessToolName(result: Json): string {
  if (typeof result.shown === 'number') return PRESENT_OPTIONS;
  if (Array.isArray(result.days)) return 'check_availability';
  if (Array.isArray(result.appointments)) return 'list_my_appointments';
  return isRecord(result.appointment) ? 'book_appointment' : '';
}

function compose(name: string, args: Json, result: Json): string {
  const appointment = asAppointment(result.appointment);
  if (result.reason === 'already-booked' && appointment) return `You already have ${describe(appointment)}, so I didn't book it again. 🙂`;
  if (result.ok !== true) return refusal(name, args, result);
  if (name === 'check_availability') return freeTimes(result);
  const all = appointmentsIn(result);
  if (name === 'list_my_appointments')
    return all.length ? `Your upcoming appointments:\n${all.map((a) => `- ${describe(a)}`).join('\n')}` : 'You have no upcoming appointments.';
  if (!appointment) return 'Done.';
  if (name === 'move_appointment') return `✅ Moved your *${appointment.service}* to ${when(appointment.start)}.`;
  if (name === 'cancel_appointment') return `✅ Cancelled your ${describe(appointment)}.`;
  const forName = appointment.name && appointment.name !== DEFAULT_NAME ? ` for ${appointment.name}` : '';
  return `✅ Booked ${describe(appointment)}${forName}.`;
}

function freeTimes(result: Json): string {
  const service = str(result.service) || 'an appointment';
  const days = daysIn(result);
  if (days.length === 0) return `No free times found for *${service}*.`;
  return days
    .map(({ date, times }) => {
      if (times.length === 0) return `No free times for *${service}* on ${date}.`;
      const shown = times.slice(0, MAX_TIMES_PER_DAY).join(', ') + (times.length > MAX_TIMES_PER_DAY ? ', …' : '');
      return `Free times for *${service}* on ${date}: ${shown}`;
    })
    .join('\n');
}

/** check_availability's days, as { date: "YYYY-MM-DD", times: ["HH:mm", …] }. */
const daysIn = (result: Json) =>
  (Array.isArray(result.days) ? result.days.filter(isRecord) : []).map((day) => ({ date: str(day.date), times: strings(day.times) }));

function refusal(name: string, args: Json, result: Json): string {
  const reason = str(result.message) || str(result.error) || 'Something went wrong.';
  const alternatives = strings(result.alternatives).map((a) => a.replace('T', ' '));
  const nearby = alternatives.length ? `\nFree times nearby: ${alternatives.join(', ')}` : '';
  const attempt = Object.hasOwn(ATTEMPTS, name) ? ATTEMPTS[name]!(str(args.service), str(args.start) || str(args.new_start)) : 'do that';
  return `Sorry, I couldn't ${attempt}. ${reason}${nearby}`;
}

/** What the failed call tried to do, in the customer's words: "book *Haircut* on 2026-11-29 at 17:00". */
const ATTEMPTS: Record<string, (service: string, start: string) => string> = {
  book_appointment: (service, start) => `book *${service || 'that'}*${start && ` on ${when(start)}`}`,
  move_appointment: (_, start) => `move your appointment${start && ` to ${when(start)}`}`,
  cancel_appointment: () => 'cancel that appointment',
  check_availability: (service) => `check the free times${service && ` for *${service}*`}`,
  list_my_appointments: () => 'look up your appointments',
};

function appointmentsIn(result: Json): Appointment[] {
  return (Array.isArray(result.appointments) ? result.appointments : []).map(asAppointment).filter((a): a is Appointment => a !== undefined);
}

function asAppointment(value: unknown): Appointment | undefined {
  if (!isRecord(value) || typeof value.id !== 'string' || typeof value.start !== 'string') return undefined;
  return { id: value.id, service: str(value.service) || 'appointment', start: value.start, name: str(value.name) };
}

const describe = (a: Appointment) => `*${a.service}* on ${when(a.start)}`;
/** "2026-11-30T17:00" → "2026-11-30 at 17:00". */
const when = (start: string) => start.replace('T', ' at ');

function help(req: Request): { content: string } {
  const service = (req.services[0] ?? 'haircut').toLowerCase();
  const said = req.text.replace(/\s+/g, ' ').trim().slice(0, 200);
  return {
    content: [
      "Hi! 👋 I'm the *offline demo model* of this local setup: no OpenAI key is configured, so I only understand a few simple requests, like:",
      '- _What times are free tomorrow?_',
      `- _Book a ${service} on Monday at 5pm, my name is Ana_`,
      '- _Move my appointment to Friday at 17:00_',
      ...(said ? ['', `You wrote: _${said}_`] : []),
    ].join('\n'),
  };
}

// ---- Small helpers for untrusted input ----
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  // The wire format also allows an array of parts: [{ type: 'text', text }].
  return Array.isArray(content) ? content.map((part) => (isRecord(part) ? str(part.text) : '')).join(' ') : '';
}

function parseJson(text: unknown): unknown {
  try {
    return typeof text === 'string' ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const isWireMessage = (value: unknown): value is WireMessage => isRecord(value) && typeof value.role === 'string';
const str = (value: unknown): string => (typeof value === 'string' ? value : '');
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
