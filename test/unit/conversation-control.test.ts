// The pure parts of a person taking over: who may take over, hand back and
// reply; the ask_for_a_person tool's reason and answer; opening hours as the
// answer reads them; and the offline model asking for a person.
import { openingState, personRequestedResult, requestReason, type BusinessHours } from '../../src/agent/handover';
import { handBackRefusal, replyRefusal, takeOverRefusal, type Control, PERSON_REPLY_MAX_LENGTH } from '../../src/workflows/control';
import { offlineTurn } from '../../src/sandbox/offline-model';

const bot: Control = { by: 'bot' };
const sam: Control = { by: 'person', userId: 'u-sam', name: 'Sam', sinceMs: 0, lastActivityMs: 0 };
const reply = (userId: string, text = 'Hello', requestId = 'r-1') => ({ userId, name: 'x', text, requestId });

test.each<[string, string | undefined, string | undefined]>([
  ['bot', 'u-ana', undefined],
  ['sam', 'u-sam', undefined],
  ['sam', 'u-ana', 'Sam is already handling this conversation.'],
])('a takeover while %s has it, by %s: %p', (who, userId, expected) => {
  expect(takeOverRefusal(who === 'bot' ? bot : sam, { userId: userId!, name: 'Ana' })).toBe(expected);
});

test('handing back is refused only when the bot has the conversation', () => {
  expect(handBackRefusal(bot)).toBe('The bot already has this conversation.');
  expect(handBackRefusal(sam)).toBeUndefined();
});

test.each<[string, Control, ReturnType<typeof reply>, string | undefined]>([
  ['the bot has it', bot, reply('u-sam'), 'Take over the conversation before replying.'],
  ['someone else has it', sam, reply('u-ana'), 'Sam is already handling this conversation.'],
  ['blank text', sam, reply('u-sam', '  \n '), 'Write a reply first.'],
  ['too long', sam, reply('u-sam', 'x'.repeat(PERSON_REPLY_MAX_LENGTH + 1)), `A reply can be at most ${PERSON_REPLY_MAX_LENGTH} characters.`],
  ['no request ID', sam, reply('u-sam', 'Hi', ' '), 'A reply needs a request ID.'],
  ['the person who has it', sam, reply('u-sam'), undefined],
])('a reply when %s', (_, control, request, expected) => {
  expect(replyRefusal(control, request)).toBe(expected);
});

test.each([
  ['{"reason":"  wants   a call  "}', 'wants a call'],
  ['{"reason":""}', 'The customer asked to talk to a person.'],
  ['not json', 'The customer asked to talk to a person.'],
  ['{"reason":42}', 'The customer asked to talk to a person.'],
  [JSON.stringify({ reason: 'y'.repeat(300) }), `${'y'.repeat(199)}…`],
])('the reason from %p', (args, expected) => {
  expect(requestReason(args)).toBe(expected);
});

// A salon in Madrid open 09:00–14:00 and 16:00–20:00 on weekdays, closed on Christmas Eve.
const hours: BusinessHours = {
  timeZone: 'Europe/Madrid',
  openingHours: {
    mon: [
      ['09:00', '14:00'],
      ['16:00', '20:00'],
    ],
    tue: [['09:00', '14:00']],
    wed: [['09:00', '24:00']],
    fri: [['09:00', '14:00']],
  },
  exceptions: [{ date: '2026-12-24', ranges: [] }],
};
// 2026-12-07 is a Monday; Madrid is UTC+1 in December.
const at = (utc: string) => new Date(utc);

test.each<[string, string, ReturnType<typeof openingState>]>([
  ['Monday 10:00', '2026-12-07T09:00:00Z', { open: true }],
  ['Monday at lunch', '2026-12-07T13:30:00Z', { open: false, opensAt: at('2026-12-07T15:00:00Z') }],
  ['Monday night', '2026-12-07T20:00:00Z', { open: false, opensAt: at('2026-12-08T08:00:00Z') }],
  ['Wednesday 23:30 (open until midnight)', '2026-12-09T22:30:00Z', { open: true }],
  ['Wednesday 23:59 then Thursday closed', '2026-12-09T23:00:00Z', { open: false, opensAt: at('2026-12-11T08:00:00Z') }],
  ['Christmas Eve (closed by exception)', '2026-12-24T10:00:00Z', { open: false, opensAt: at('2026-12-25T08:00:00Z') }],
])('%s', (_, now, expected) => {
  expect(openingState(at(now), hours)).toEqual(expected);
});

test('a business with no hours is closed with no opening to promise', () => {
  expect(openingState(at('2026-12-07T09:00:00Z'), { ...hours, openingHours: {}, exceptions: [] })).toEqual({ open: false });
});

test("the tool's answer says a person replies here, and after opening time when closed", () => {
  expect(JSON.parse(personRequestedResult(at('2026-12-07T09:00:00Z'), hours))).toEqual({ ok: true, note: expect.stringContaining('will reply in this chat') });
  const closed = JSON.parse(personRequestedResult(at('2026-12-07T20:00:00Z'), hours)) as { opensAt: string; note: string };
  expect(closed.opensAt).toBe('2026-12-08T09:00');
  expect(closed.note).toMatch(/outside opening hours/);
});

const system = { role: 'system', content: 'Services:\n- Haircut: 30 min, €25.00\nToday is 2026-12-07 (Monday).' };
const tools = ['check_availability', 'book_appointment', 'list_my_appointments', 'ask_for_a_person'];

test.each(['Can I talk to a person?', 'I want a human', 'can someone call me', 'please call me back', 'quiero hablar con una persona'])(
  'the offline model asks for a person when told %p',
  (text) => {
    const turn = offlineTurn([system, { role: 'user', content: text }], tools);
    expect(turn).toEqual({ toolCalls: [{ name: 'ask_for_a_person', arguments: { reason: text } }] });
  },
);

test('the offline model tells the customer what the tool said, and does not ask for a person for a booking', () => {
  const asked = [
    system,
    { role: 'user', content: 'I want a human' },
    { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'ask_for_a_person', arguments: '{"reason":"x"}' } }] },
  ];
  const answer = (content: unknown) => offlineTurn([...asked, { role: 'tool', tool_call_id: 'c1', content: JSON.stringify(content) }], tools);
  expect(answer({ ok: true, note: 'n' })).toEqual({ content: expect.stringMatching(/a person from the team will reply to you here/) });
  expect(answer({ ok: true, note: 'n', opensAt: '2026-12-08T09:00' })).toEqual({
    content: expect.stringMatching(/after we open again, on 2026-12-08 at 09:00/),
  });
  expect(offlineTurn([system, { role: 'user', content: 'book a haircut tomorrow at 10:00' }], tools)).toMatchObject({
    toolCalls: [{ name: 'book_appointment' }],
  });
});
