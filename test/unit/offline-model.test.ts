import Fastify from 'fastify';
import { buildSystemPrompt } from '../../src/agent/prompt';
import { TOOL_DEFINITIONS } from '../../src/agent/tools';
import type { BusinessProfile } from '../../src/agent/types';
import { offlineTurn, type OfflineTurn, type WireMessage } from '../../src/sandbox/offline-model';
import { OpenAIStandIn } from '../../src/sandbox/openai-api';

const business: BusinessProfile = {
  id: 'biz-1',
  name: 'Lumen Hair Studio',
  timeZone: 'Europe/Madrid',
  language: 'en',
  personality: '',
  policies: '',
  openingHours: { mon: [['10:00', '19:00']], tue: [['10:00', '19:00']], fri: [['10:00', '20:00']], sat: [['09:00', '14:00']] },
  maxSimultaneousAppointments: 2,
  services: [
    { name: 'Haircut', durationMinutes: 30, priceCents: 2500, currency: 'EUR' },
    { name: 'Haircut and beard trim', durationMinutes: 45, priceCents: 3500, currency: 'EUR' },
    { name: 'Colour', durationMinutes: 90, priceCents: 6500, currency: 'EUR' },
  ],
};

// Saturday 28 November 2026, 12:00 in Madrid.
const SYSTEM = buildSystemPrompt(business, new Date('2026-11-28T11:00:00Z'));
const ALL_TOOLS = TOOL_DEFINITIONS.map((t) => t.name);
const WITHOUT_OPTIONS = ALL_TOOLS.filter((name) => name !== 'present_options');
const ID_1 = '11111111-1111-4111-8111-111111111111';
const ID_2 = '22222222-2222-4222-8222-222222222222';

const system = { role: 'system', content: SYSTEM };
const user = (content: string) => ({ role: 'user', content });
const assistant = (content: string) => ({ role: 'assistant', content });
const ask = (text: string, tools = ALL_TOOLS) => offlineTurn([system, user(text)], tools);

/** The assistant's call and the tool's answer, as the workflow appends them. */
function exchange(id: string, name: string, args: Record<string, unknown>, result: unknown): WireMessage[] {
  return [
    { role: 'assistant', content: null, tool_calls: [{ id, type: 'function', function: { name, arguments: JSON.stringify(args) } }] },
    { role: 'tool', tool_call_id: id, content: typeof result === 'string' ? result : JSON.stringify(result) },
  ];
}

const appointment = (id: string, start: string, service = 'Haircut', name: string | null = 'Ana') => ({
  id,
  service,
  start,
  end: `${start.slice(0, 11)}23:59`,
  name,
});
const listed = (...appointments: unknown[]) => ({ ok: true, timeZone: 'Europe/Madrid', appointments });

function textOf(turn: OfflineTurn): string {
  if (!('content' in turn)) throw new Error(`expected text, got ${JSON.stringify(turn)}`);
  // Every text answer ends with its last word: no trailing whitespace or sign-off.
  expect(turn.content).toBe(turn.content.trim());
  return turn.content;
}

test('the fixed system prompt says what the model reads from it', () => {
  expect(SYSTEM).toContain('Today is 2026-11-28 (Saturday)');
  expect(SYSTEM).toContain('- Haircut and beard trim: 45 min, €35.00');
});

describe('the first step for each intent', () => {
  test.each<[string, string, Record<string, unknown>]>([
    [
      "Hello, I'd like to book a haircut tomorrow at 5pm please",
      'book_appointment',
      { service: 'Haircut', start: '2026-11-29T17:00', customer_name: 'WhatsApp customer' },
    ],
    ['Can I reserve a colour on monday at 10:00? My name is Ana', 'book_appointment', { service: 'Colour', start: '2026-11-30T10:00', customer_name: 'Ana' }],
    [
      'Quiero reservar una cita el lunes a las 5, me llamo pedro',
      'book_appointment',
      { service: 'Haircut', start: '2026-11-30T17:00', customer_name: 'Pedro' },
    ],
    // A booking without a date or a time shows what is free instead of guessing.
    ['I want to book a haircut tomorrow', 'check_availability', { service: 'Haircut', date: '2026-11-29', days: null }],
    ['book a colour at 5pm', 'check_availability', { service: 'Colour', date: '2026-11-28', days: 7 }],
    ['What is available on friday?', 'check_availability', { service: 'Haircut', date: '2026-12-04', days: null }],
    ['Any free slots for a colour?', 'check_availability', { service: 'Colour', date: '2026-11-28', days: 7 }],
    ['When can I come in?', 'check_availability', { service: 'Haircut', date: '2026-11-28', days: 7 }],
    ['¿Hay algo disponible mañana?', 'check_availability', { service: 'Haircut', date: '2026-11-29', days: null }],
    ['What are my appointments?', 'list_my_appointments', {}],
    ['When is my booking?', 'list_my_appointments', {}],
    ['mis citas', 'list_my_appointments', {}],
    // Moving and cancelling start from the list: only it gives the appointment's id.
    ['Please move my appointment to friday at 18:00', 'list_my_appointments', {}],
    ['Can I reschedule?', 'list_my_appointments', {}],
    ['change my haircut to 6pm', 'list_my_appointments', {}],
    ['I need to cancel my booking', 'list_my_appointments', {}],
    ['Quiero cancelar mi cita', 'list_my_appointments', {}],
  ])('%s → %s', (text, name, args) => {
    expect(ask(text)).toEqual({ toolCalls: [{ name, arguments: args }] });
  });
});

describe('reading the message', () => {
  const dateOf = (text: string) => {
    const turn = ask(`what is free ${text}?`);
    return 'toolCalls' in turn ? turn.toolCalls[0]?.arguments.date : undefined;
  };
  test.each<[string, string]>([
    ['today', '2026-11-28'],
    ['tomorrow', '2026-11-29'],
    ['the day after tomorrow', '2026-11-30'],
    ['pasado mañana', '2026-11-30'],
    ['on monday', '2026-11-30'],
    ['next Friday', '2026-12-04'],
    // Today is Saturday: "saturday" is next week's.
    ['on saturday', '2026-12-05'],
    ['el miércoles', '2026-12-02'],
    ['on 2026-12-24', '2026-12-24'],
    ['on 12 December', '2026-12-12'],
    ['on December 12th', '2026-12-12'],
    ['el 12 de diciembre', '2026-12-12'],
    ['on 28 Nov', '2026-11-28'],
    // Already passed this year: next year's.
    ['on 1 November', '2027-11-01'],
    ['on 3 jan', '2027-01-03'],
    // Not a real date: no date, so the week from today.
    ['on 31 February', '2026-11-28'],
    ['on 2026-02-30', '2026-11-28'],
  ])('date: %s → %s', (text, date) => {
    expect(dateOf(text)).toBe(date);
  });

  const startOf = (text: string) => {
    const turn = ask(`book a haircut on 2026-12-01 ${text}`);
    return 'toolCalls' in turn ? turn.toolCalls[0]?.arguments.start : undefined;
  };
  test.each<[string, string | undefined]>([
    ['at 5pm', '2026-12-01T17:00'],
    ['at 5 pm', '2026-12-01T17:00'],
    ['at 5:30pm', '2026-12-01T17:30'],
    ['at 10 a.m.', '2026-12-01T10:00'],
    ['at 12pm', '2026-12-01T12:00'],
    ['17:00', '2026-12-01T17:00'],
    ['at 9:15', '2026-12-01T09:15'],
    ['at 17', '2026-12-01T17:00'],
    ['at 10', '2026-12-01T10:00'],
    // "at 5" at a hair studio is five in the afternoon.
    ['at 5', '2026-12-01T17:00'],
    ['a las 6', '2026-12-01T18:00'],
    ['at noon', '2026-12-01T12:00'],
    // Nonsense times are no time at all: the day's availability instead.
    ['at 25:00', undefined],
    ['at 13pm', undefined],
  ])('time: %s → %s', (text, start) => {
    expect(startOf(text)).toBe(start);
  });

  const callOf = (text: string) => {
    const turn = ask(text);
    return 'toolCalls' in turn ? turn.toolCalls[0]?.arguments : undefined;
  };
  test.each<[string, string]>([
    ['book a haircut tomorrow at 5pm, my name is ana', 'Ana'],
    ['book a haircut tomorrow at 5pm for Ana García', 'Ana García'],
    ['book a haircut tomorrow at 5pm under Bob please', 'Bob'],
    ['book an appointment for Monday at 5pm', 'WhatsApp customer'],
    ['book an appointment for Haircut on monday at 5pm', 'WhatsApp customer'],
    ['book a haircut for me tomorrow at 5pm', 'WhatsApp customer'],
    ['book a haircut for tomorrow at 5pm', 'WhatsApp customer'],
  ])('name: %s → %s', (text, name) => {
    expect(callOf(text)?.customer_name).toBe(name);
  });

  test.each<[string, string]>([
    ['book a haircut and beard trim tomorrow at 5pm', 'Haircut and beard trim'],
    ['book a HAIRCUT tomorrow at 5pm', 'Haircut'],
    ['book colour tomorrow at 5pm', 'Colour'],
    ['book something nice tomorrow at 5pm', 'Haircut'],
  ])('service: %s → %s', (text, service) => {
    expect(callOf(text)?.service).toBe(service);
  });
});

describe('moving and cancelling in two steps', () => {
  const afterList = (text: string, result: unknown) => offlineTurn([system, user(text), ...exchange('call_1', 'list_my_appointments', {}, result)], ALL_TOOLS);
  const both = listed(appointment(ID_1, '2026-11-30T17:00'), appointment(ID_2, '2026-12-10T10:00', 'Colour'));

  test.each<[string, Record<string, unknown>]>([
    ['Please move my appointment to friday at 18:00', { appointment_id: ID_1, new_start: '2026-12-04T18:00' }],
    // Only a time: same day. Only a day: same time.
    ['move my appointment to 6pm', { appointment_id: ID_1, new_start: '2026-11-30T18:00' }],
    ['reschedule it to tuesday', { appointment_id: ID_1, new_start: '2026-12-01T17:00' }],
    ['move my appointment from monday to 2026-12-03 at 11:00', { appointment_id: ID_1, new_start: '2026-12-03T11:00' }],
    ['mover mi cita al viernes a las 12', { appointment_id: ID_1, new_start: '2026-12-04T12:00' }],
  ])('%s → move_appointment on the first upcoming one', (text, args) => {
    expect(afterList(text, both)).toEqual({ toolCalls: [{ name: 'move_appointment', arguments: args }] });
  });

  test('cancel → cancel_appointment on the first upcoming one', () => {
    expect(afterList('cancel my appointment', both)).toEqual({ toolCalls: [{ name: 'cancel_appointment', arguments: { appointment_id: ID_1 } }] });
  });

  test('moving without a new time asks for one', () => {
    expect(textOf(afterList('I want to move my appointment', both))).toBe(
      'Your next appointment is *Haircut* on 2026-11-30 at 17:00. When should I move it to? For example: _move my appointment to Friday at 17:00_',
    );
  });

  test.each(['move', 'cancel'])('%s with no appointments says so', (verb) => {
    expect(textOf(afterList(`${verb} my appointment to friday at 5pm`, listed()))).toBe(`You have no upcoming appointments to ${verb}.`);
  });

  test('the second step answers with the outcome, not another call', () => {
    const cancelled = { ok: true, appointment: appointment(ID_1, '2026-11-30T17:00'), alreadyBooked: false };
    const messages = [
      system,
      user('cancel my appointment'),
      ...exchange('call_1', 'list_my_appointments', {}, both),
      ...exchange('call_2', 'cancel_appointment', { appointment_id: ID_1 }, cancelled),
    ];
    expect(textOf(offlineTurn(messages, ALL_TOOLS))).toBe('✅ Cancelled your *Haircut* on 2026-11-30 at 17:00.');
  });

  test('a listing asked for as such is answered, not acted on', () => {
    expect(textOf(afterList('my appointments', both))).toBe(
      'Your upcoming appointments:\n- *Haircut* on 2026-11-30 at 17:00\n- *Colour* on 2026-12-10 at 10:00',
    );
  });
});

describe('replies composed from tool results', () => {
  const booked = (name: string | null) => ({ ok: true, appointment: appointment(ID_1, '2026-11-30T17:00', 'Haircut', name), alreadyBooked: false });
  const bookArgs = { service: 'Haircut', start: '2026-11-29T17:00', customer_name: 'Ana' };

  test.each<[string, string, Record<string, unknown>, unknown, string]>([
    // Free times are below, in "choosing a free time by tapping it": with present_options offered they become choices first.
    ['booked', 'book_appointment', bookArgs, booked('Ana'), '✅ Booked *Haircut* on 2026-11-30 at 17:00 for Ana.'],
    ['booked under the default name', 'book_appointment', bookArgs, booked('WhatsApp customer'), '✅ Booked *Haircut* on 2026-11-30 at 17:00.'],
    ['booked, no name', 'book_appointment', bookArgs, booked(null), '✅ Booked *Haircut* on 2026-11-30 at 17:00.'],
    ['moved', 'move_appointment', { appointment_id: ID_1, new_start: '2026-11-30T17:00' }, booked('Ana'), '✅ Moved your *Haircut* to 2026-11-30 at 17:00.'],
    ['cancelled', 'cancel_appointment', { appointment_id: ID_1 }, booked('Ana'), '✅ Cancelled your *Haircut* on 2026-11-30 at 17:00.'],
    ['empty list', 'list_my_appointments', {}, listed(), 'You have no upcoming appointments.'],
    [
      'refusal with alternatives',
      'book_appointment',
      bookArgs,
      { ok: false, reason: 'closed', message: 'The business is closed that day.', alternatives: ['2026-11-30T10:00', '2026-11-30T10:30'] },
      "Sorry, I couldn't book *Haircut* on 2026-11-29 at 17:00. The business is closed that day.\nFree times nearby: 2026-11-30 10:00, 2026-11-30 10:30",
    ],
    [
      'refusal of a move',
      'move_appointment',
      { appointment_id: ID_1, new_start: '2026-12-04T18:00' },
      { ok: false, reason: 'full', message: 'That time is already fully booked.', alternatives: ['2026-12-04T18:30'] },
      "Sorry, I couldn't move your appointment to 2026-12-04 at 18:00. That time is already fully booked.\nFree times nearby: 2026-12-04 18:30",
    ],
    [
      'refusal without alternatives',
      'cancel_appointment',
      { appointment_id: ID_1 },
      { ok: false, reason: 'not-found', message: 'No upcoming appointment of yours has that ID.' },
      "Sorry, I couldn't cancel that appointment. No upcoming appointment of yours has that ID.",
    ],
    [
      'error',
      'check_availability',
      { service: 'Nails', date: '2026-11-30', days: null },
      { ok: false, error: 'Unknown service "Nails". Services: Haircut, Colour' },
      'Sorry, I couldn\'t check the free times for *Nails*. Unknown service "Nails". Services: Haircut, Colour',
    ],
    [
      'malformed JSON',
      'book_appointment',
      bookArgs,
      '{"ok": tru',
      "Sorry, I couldn't book *Haircut* on 2026-11-29 at 17:00. The booking system answered with something I could not read.",
    ],
  ])('%s', (_, name, args, result, reply) => {
    expect(textOf(offlineTurn([system, user('book a haircut'), ...exchange('call_1', name, args, result)], ALL_TOOLS))).toBe(reply);
  });
});

describe('choosing a free time by tapping it', () => {
  const free = (service: string, ...days: Array<[string, string[]]>) => ({
    ok: true,
    service,
    durationMinutes: 30,
    timeZone: 'Europe/Madrid',
    days: days.map(([date, times]) => ({ date, times })),
  });
  const option = (id: string, title: string) => ({ id, title, description: null });
  const twelve = ['10:00', '10:30', '11:00', '11:30', '12:00', '12:30', '13:00', '13:30', '15:00', '15:30', '16:00', '16:30'];
  const nine = twelve.slice(0, 9);
  const lookedUp = (args: Record<string, unknown>, result: unknown) => [
    system,
    user('what is free?'),
    ...exchange('call_1', 'check_availability', args, result),
  ];
  const shownOk = { ok: true, shown: 1, note: 'They appear under your reply; write the reply text now.' };

  test.each<[string, Record<string, unknown>, unknown, Array<Record<string, unknown>>, string]>([
    [
      'one day: the first 10 times, titled by the time',
      { service: 'Haircut', date: '2026-11-30', days: null },
      free('Haircut', ['2026-11-30', twelve]),
      twelve.slice(0, 10).map((t) => option(`book:Haircut@2026-11-30T${t}`, t)),
      'Free times for *Haircut* on 2026-11-30: 10:00, 10:30, 11:00, 11:30, 12:00, 12:30, 13:00, 13:30, …',
    ],
    [
      'several days, a closed one among them: the day in the title',
      { service: 'Colour', date: '2026-11-28', days: 2 },
      free('Colour', ['2026-11-28', ['12:30']], ['2026-11-29', []]),
      [option('book:Colour@2026-11-28T12:30', 'Sat 28 12:30')],
      'Free times for *Colour* on 2026-11-28: 12:30\nNo free times for *Colour* on 2026-11-29.',
    ],
    [
      'several days over a month end: still at most 10, in order',
      { service: 'Haircut and beard trim', date: '2026-11-30', days: 2 },
      free('Haircut and beard trim', ['2026-11-30', ['18:00', '18:30']], ['2026-12-01', nine]),
      [
        option('book:Haircut and beard trim@2026-11-30T18:00', 'Mon 30 18:00'),
        option('book:Haircut and beard trim@2026-11-30T18:30', 'Mon 30 18:30'),
        ...nine.slice(0, 8).map((t) => option(`book:Haircut and beard trim@2026-12-01T${t}`, `Tue 1 ${t}`)),
      ],
      'Free times for *Haircut and beard trim* on 2026-11-30: 18:00, 18:30\nFree times for *Haircut and beard trim* on 2026-12-01: 10:00, 10:30, 11:00, 11:30, 12:00, 12:30, 13:00, 13:30, …',
    ],
  ])('%s', (_, args, result, options, text) => {
    expect(offlineTurn(lookedUp(args, result), ALL_TOOLS)).toEqual({ toolCalls: [{ name: 'present_options', arguments: { options } }] });
    // Buttons take 20 characters.
    expect(options.every((o) => String(o.title).length <= 20)).toBe(true);
    // Without present_options the free times are written out, as always.
    expect(textOf(offlineTurn(lookedUp(args, result), WITHOUT_OPTIONS))).toBe(text);
    const shown = exchange('call_2', 'present_options', { options }, { ...shownOk, shown: options.length });
    expect(textOf(offlineTurn([...lookedUp(args, result), ...shown], ALL_TOOLS))).toBe(`${text}\nTap a time to book it.`);
  });

  test.each<[string, unknown, string]>([
    ['shown: the free times and how to use them', shownOk, 'Free times for *Colour* on 2026-11-28: 12:30\nTap a time to book it.'],
    // Refused choices show no buttons: nothing to tap.
    ['refused', { ok: false, error: 'options must be a list of 1 to 10 choices.' }, 'Free times for *Colour* on 2026-11-28: 12:30'],
    ['unreadable', '{"ok": tru', 'Free times for *Colour* on 2026-11-28: 12:30'],
  ])('after present_options: %s', (_, shownResult, reply) => {
    const options = [option('book:Colour@2026-11-28T12:30', '12:30')];
    const messages = [
      ...lookedUp({ service: 'Colour', date: '2026-11-28', days: null }, free('Colour', ['2026-11-28', ['12:30']])),
      ...exchange('call_2', 'present_options', { options }, shownResult),
    ];
    expect(textOf(offlineTurn(messages, ALL_TOOLS))).toBe(reply);
  });

  test.each<[string, unknown, string]>([
    ['a closed day', free('Haircut', ['2026-11-30', []]), 'No free times for *Haircut* on 2026-11-30.'],
    ['no days at all', free('Haircut'), 'No free times found for *Haircut*.'],
    [
      'times that are no times',
      free('Haircut', ['soon', ['10:00']], ['2026-11-31', ['10:00']], ['2026-11-30', ['25:00', 'late']]),
      'Free times for *Haircut* on soon: 10:00\nFree times for *Haircut* on 2026-11-31: 10:00\nFree times for *Haircut* on 2026-11-30: 25:00, late',
    ],
    ['a refusal', { ok: false, error: 'Unknown service "Nails".' }, 'Sorry, I couldn\'t check the free times for *Haircut*. Unknown service "Nails".'],
  ])('nothing to choose from (%s): the reply straight away', (_, result, reply) => {
    expect(textOf(offlineTurn(lookedUp({ service: 'Haircut', date: '2026-11-30', days: null }, result), ALL_TOOLS))).toBe(reply);
  });

  const tap = (title: string, id: string) => user(`[Tapped the option "${title}" (id ${id})]`);
  const offered = assistant(
    'Free times for *Haircut* on 2026-11-30: 10:00, 10:30\nTap a time to book it.\n[Options offered: "10:00" (id book:Haircut@2026-11-30T10:00), "10:30" (id book:Haircut@2026-11-30T10:30)]',
  );
  const ours = tap('10:30', 'book:Haircut@2026-11-30T10:30');
  const booking = (service: string, start: string, customer_name = 'WhatsApp customer') => ({ service, start, customer_name });

  test.each<[string, WireMessage[], Record<string, unknown>]>([
    ['our id, nobody named', [user('what is free on monday?'), offered, ours], booking('Haircut', '2026-11-30T10:30')],
    [
      'our id with a longer service and a day title',
      [tap('Tue 1 09:00', 'book:Haircut and beard trim@2026-12-01T09:00')],
      booking('Haircut and beard trim', '2026-12-01T09:00'),
    ],
    [
      'the name said earlier',
      [user('hi, my name is ana'), assistant('Hello Ana!'), user('what is free on monday?'), offered, ours],
      booking('Haircut', '2026-11-30T10:30', 'Ana'),
    ],
    [
      'the most recent name',
      [user('my name is Ana'), assistant('Hi Ana'), user('sorry, my name is Bea Ruiz'), offered, ours],
      booking('Haircut', '2026-11-30T10:30', 'Bea Ruiz'),
    ],
    ['a name said in Spanish', [user('hola, me llamo pedro'), offered, ours], booking('Haircut', '2026-11-30T10:30', 'Pedro')],
    // "for Ana" could be anyone: only "my name is" names the customer.
    ['no "my name is"', [user('what is free on monday for Ana?'), offered, ours], booking('Haircut', '2026-11-30T10:30')],
    ['only the customer names the customer', [assistant('Hi, my name is Lumen!'), offered, ours], booking('Haircut', '2026-11-30T10:30')],
    [
      "a real model's id: the first service mentioned",
      [
        user('hi'),
        user('I need a colour'),
        assistant('Colour takes 90 minutes. Free on Monday: 10:30'),
        user('or a haircut?'),
        tap('10:30', '2026-11-30T10:30'),
      ],
      booking('Colour', '2026-11-30T10:30'),
    ],
    [
      "a real model's id: mentioned by the assistant first",
      [assistant('We offer a Haircut and beard trim, or a colour.'), user('colour?'), tap('10:30', '2026-11-30T10:30')],
      booking('Haircut and beard trim', '2026-11-30T10:30'),
    ],
    [
      "a real model's id, no service mentioned: the first service",
      [user('hello'), tap('Mon 30 10:30', '2026-11-30T10:30')],
      booking('Haircut', '2026-11-30T10:30'),
    ],
    ["a real model's id written with a space", [tap('10:30', '2026-11-30 10:30')], booking('Haircut', '2026-11-30T10:30')],
  ])('tap → book_appointment: %s', (_, conversation, args) => {
    expect(offlineTurn([system, ...conversation], ALL_TOOLS)).toEqual({ toolCalls: [{ name: 'book_appointment', arguments: args }] });
  });

  test.each<[string, WireMessage, string[]]>([
    ['an id that is no time', tap('Haircut', 'service:Haircut'), ALL_TOOLS],
    ['a time that does not exist', tap('10:30', '2026-11-31T10:30'), ALL_TOOLS],
    ['a date-time written, not tapped', user('2026-11-30T10:30'), ALL_TOOLS],
    // Without present_options nothing was offered, so there is nothing to have tapped.
    ['a tap while present_options is not offered', tap('10:30', '2026-11-30T10:30'), WITHOUT_OPTIONS],
  ])('no booking for %s: the help', (_, message, tools) => {
    expect(textOf(offlineTurn([system, message], tools))).toContain('offline demo model');
  });

  test('from the question to the booking, as the workflow runs it', () => {
    const asked = [system, user('my name is Ana. What is free on monday?')];
    const lookup = { service: 'Haircut', date: '2026-11-30', days: null };
    expect(offlineTurn(asked, ALL_TOOLS)).toEqual({ toolCalls: [{ name: 'check_availability', arguments: lookup }] });
    const found = [...asked, ...exchange('call_1', 'check_availability', lookup, free('Haircut', ['2026-11-30', ['10:00', '10:30']]))];
    const options = [option('book:Haircut@2026-11-30T10:00', '10:00'), option('book:Haircut@2026-11-30T10:30', '10:30')];
    expect(offlineTurn(found, ALL_TOOLS)).toEqual({ toolCalls: [{ name: 'present_options', arguments: { options } }] });
    const reply = textOf(offlineTurn([...found, ...exchange('call_2', 'present_options', { options }, { ...shownOk, shown: 2 })], ALL_TOOLS));
    expect(reply).toBe('Free times for *Haircut* on 2026-11-30: 10:00, 10:30\nTap a time to book it.');

    // The next turn reads the stored conversation: the reply with its choices, then the tap.
    const tapped = [...asked, assistant(`${reply}\n[Options offered: "10:00" (id ${options[0]?.id}), "10:30" (id ${options[1]?.id})]`), ours];
    const args = booking('Haircut', '2026-11-30T10:30', 'Ana');
    expect(offlineTurn(tapped, ALL_TOOLS)).toEqual({ toolCalls: [{ name: 'book_appointment', arguments: args }] });
    const booked = {
      ok: true,
      appointment: { id: ID_1, service: 'Haircut', start: '2026-11-30T10:30', end: '2026-11-30T11:00', name: 'Ana' },
      alreadyBooked: false,
    };
    expect(textOf(offlineTurn([...tapped, ...exchange('call_3', 'book_appointment', args, booked)], ALL_TOOLS))).toBe(
      '✅ Booked *Haircut* on 2026-11-30 at 10:30 for Ana.',
    );
  });
});

describe('text answers and odd input', () => {
  test.each(['Hi! Are you open on Saturday?', 'hello', 'What do you think about the weather?'])('%s → the offline help, quoting the message', (text) => {
    const reply = textOf(ask(text));
    expect(reply).toContain('offline demo model');
    expect(reply).toContain('no OpenAI key');
    expect(reply.match(/^- _.+_$/gm)).toHaveLength(3);
    expect(reply.endsWith(`You wrote: _${text}_`)).toBe(true);
  });

  test('with no tools offered it answers in text', () => {
    expect(textOf(ask('book a haircut tomorrow at 5pm', []))).toContain('offline demo model');
  });

  test('only offered tools are called', () => {
    expect(ask('book a haircut tomorrow at 5pm', ['check_availability'])).toEqual(expect.objectContaining({ content: expect.any(String) }));
  });

  test('without a system prompt: explicit dates still work, relative ones cannot', () => {
    expect(offlineTurn([user('book a haircut on 2026-12-01 at 5pm')], ALL_TOOLS)).toEqual({
      toolCalls: [{ name: 'book_appointment', arguments: { service: 'Appointment', start: '2026-12-01T17:00', customer_name: 'WhatsApp customer' } }],
    });
    expect(textOf(offlineTurn([user('what is free tomorrow?')], ALL_TOOLS))).toContain('offline demo model');
  });

  test('without a user message: help without a quote', () => {
    const reply = textOf(offlineTurn([system], ALL_TOOLS));
    expect(reply).toContain('offline demo model');
    expect(reply).not.toContain('You wrote');
  });

  test('content given as parts is read', () => {
    expect(offlineTurn([system, { role: 'user', content: [{ type: 'text', text: 'my appointments' }] }], ALL_TOOLS)).toEqual({
      toolCalls: [{ name: 'list_my_appointments', arguments: {} }],
    });
  });

  test('a tool result without its call is read by its shape', () => {
    const messages = [system, user('my appointments'), { role: 'tool', tool_call_id: 'nobody', content: JSON.stringify(listed()) }];
    expect(textOf(offlineTurn(messages, ALL_TOOLS))).toBe('You have no upcoming appointments.');
  });

  test("an earlier turn's tool results do not count for the new message", () => {
    const messages = [
      system,
      user('my appointments'),
      ...exchange('call_1', 'list_my_appointments', {}, listed()),
      { role: 'assistant', content: 'You have none.' },
      user('cancel it'),
    ];
    expect(offlineTurn(messages, ALL_TOOLS)).toEqual({ toolCalls: [{ name: 'list_my_appointments', arguments: {} }] });
  });

  test.each<[string, unknown, unknown]>([
    ['no messages', [], ALL_TOOLS],
    ['not an array', 'hello', ALL_TOOLS],
    ['junk entries', [null, 42, { content: 'no role' }, { role: 'user', content: { not: 'text' } }], ALL_TOOLS],
    [
      'malformed tool calls',
      [
        system,
        user('cancel it'),
        { role: 'assistant', tool_calls: [null, { id: 'x', function: 'nope' }] },
        { role: 'tool', tool_call_id: 'x', content: 'null' },
      ],
      ALL_TOOLS,
    ],
    ['tool names not an array', [system, user('hello')], null],
    ['a system prompt with an impossible date', [{ role: 'system', content: 'Today is 2026-13-45 (Someday)' }, user('free tomorrow?')], ALL_TOOLS],
    ['choices after no availability', [system, user('hi'), ...exchange('x', 'present_options', {}, { ok: true, shown: 1 })], ALL_TOOLS],
    ['refused choices after no availability', [system, user('hi'), ...exchange('x', 'present_options', {}, { ok: false, error: 'bad' })], ALL_TOOLS],
    ['a tap with an odd id', [system, user('[Tapped the option "" (id book:@@)]'), user('[Tapped the option "x" (id )]')], ALL_TOOLS],
  ])('never throws: %s', (_, messages, tools) => {
    expect(() => offlineTurn(messages as WireMessage[], tools as string[])).not.toThrow();
    expect(offlineTurn(messages as WireMessage[], tools as string[])).toEqual(expect.any(Object));
  });
});

test("the sandbox endpoint answers with the offline model's tool calls when nothing is scripted", async () => {
  const app = Fastify();
  new OpenAIStandIn().register(app);
  const tools = TOOL_DEFINITIONS.map((t) => ({ type: 'function', function: { name: t.name, parameters: t.parameters } }));
  try {
    // Over a real port, as the rest of the stack calls it (inject's dependencies do not load under jest).
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer test', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [system, user('my appointments')], tools }),
    });
    const choice = ((await response.json()) as { choices: Array<{ finish_reason: string; message: { tool_calls: unknown } }> }).choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.message.tool_calls).toEqual([
      { id: expect.stringMatching(/^call_/), type: 'function', function: { name: 'list_my_appointments', arguments: '{}' } },
    ]);
  } finally {
    await app.close();
  }
});

test('a burst of messages is read as one request: the service and the question come from different messages', () => {
  const messages: WireMessage[] = [
    { role: 'system', content: SYSTEM },
    { role: 'assistant', content: 'Hello earlier!' },
    { role: 'user', content: 'hi' },
    { role: 'user', content: 'I need a haircut' },
    { role: 'user', content: 'what times are free tomorrow?' },
  ];
  expect(offlineTurn(messages, ALL_TOOLS)).toEqual({
    toolCalls: [{ name: 'check_availability', arguments: { service: 'Haircut', date: '2026-11-29', days: null } }],
  });
});
