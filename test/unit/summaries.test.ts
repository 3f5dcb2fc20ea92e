// What the Web UI shows for a turn and its steps: a sentence about what happened, never who it happened to.
import { conversationSummary, localTimeWords, messageSummary, toolSummary, turnSummary } from '../../src/workflows/summaries';
import { TURN_OUTCOMES } from '../../src/workflows/types';
import { textAttributeValue, TEXT_ATTRIBUTE_MAX_CHARS } from '../../src/workflows/search-attributes';

describe('localTimeWords', () => {
  test.each([
    ['2026-12-07T11:00', 'Mon 7 Dec 11:00'],
    ['2026-12-13T09:30', 'Sun 13 Dec 09:30'],
    ['2028-02-29T18:05', 'Tue 29 Feb 18:05'],
    ['not a time', 'not a time'],
  ])('%s → %s', (local, words) => expect(localTimeWords(local)).toBe(words));
});

describe('turnSummary', () => {
  const booked = { kind: 'booked' as const, appointmentId: 'a1', service: 'Haircut', start: '2026-12-07T11:00' };

  test.each([
    [
      { outcome: 'replied' as const, toolCalls: [{ name: 'check_availability' }, { name: 'book_appointment' }], appointments: [booked] },
      'Booked Haircut Mon 7 Dec 11:00',
    ],
    [
      {
        outcome: 'replied' as const,
        toolCalls: [{ name: 'move_appointment' }],
        appointments: [{ kind: 'moved' as const, appointmentId: 'a1', service: 'Colour', start: '2026-12-08T14:00' }],
      },
      'Moved Colour to Tue 8 Dec 14:00',
    ],
    [
      { outcome: 'replied' as const, toolCalls: [], appointments: [{ kind: 'cancelled' as const, appointmentId: 'a1', start: '2026-12-08T14:00' }] },
      'Cancelled appointment Tue 8 Dec 14:00',
    ],
    [{ outcome: 'replied' as const, toolCalls: [{ name: 'check_availability' }], appointments: [] }, 'Answered: free times'],
    [{ outcome: 'replied' as const, toolCalls: [{ name: 'book_appointment' }], appointments: [] }, 'Answered: the change was not made'],
    [{ outcome: 'replied' as const, toolCalls: [{ name: 'ask_for_a_person' }], appointments: [] }, 'Answered: a person was asked for'],
    [{ outcome: 'replied' as const, toolCalls: [], appointments: [] }, 'Answered'],
    [{ outcome: 'replied' as const, toolCalls: [], appointments: [], unreadableOnly: true }, 'Answered: asked for the message as text'],
    [{ outcome: 'send-failed' as const, toolCalls: [], appointments: [booked] }, 'Booked Haircut Mon 7 Dec 11:00; Reply not delivered'],
    [{ outcome: 'model-failed' as const, toolCalls: [], appointments: [] }, 'Not answered: the model failed, apology sent'],
  ])('%j → %s', (input, summary) => expect(turnSummary(input)).toBe(summary));

  test.each(TURN_OUTCOMES)('%s has words of its own, not the bare outcome', (outcome) => {
    expect(turnSummary({ outcome, toolCalls: [], appointments: [] })).not.toBe(outcome);
  });
});

describe('toolSummary', () => {
  test.each([
    [
      { name: 'book_appointment', arguments: '{"service":"Haircut","start":"2026-12-07T11:00","customer_name":"Ana Lopez"}' },
      'book_appointment: Haircut 2026-12-07T11:00',
    ],
    [{ name: 'check_availability', arguments: '{"service":"Haircut","date":"2026-12-07","days":3}' }, 'check_availability: Haircut 2026-12-07'],
    [{ name: 'move_appointment', arguments: '{"appointment_id":"6f1c…","new_start":"2026-12-08T14:00"}' }, 'move_appointment: 2026-12-08T14:00'],
    [{ name: 'list_my_appointments', arguments: '{}' }, 'list_my_appointments'],
    [{ name: 'book_appointment', arguments: 'not json' }, 'book_appointment'],
    [{ name: 'check_availability', arguments: `{"service":"${'x'.repeat(200)}"}` }, 'check_availability'],
  ])('%j → %s', (call, summary) => expect(toolSummary(call)).toBe(summary));

  test('never shows the customer name or free text', () => {
    const summary = toolSummary({
      name: 'book_appointment',
      arguments: '{"service":"Haircut","customer_name":"Ana Lopez","reason":"call me on +34 600 000 000"}',
    });
    expect(summary).not.toMatch(/Ana|Lopez|\+34|call me/);
  });
});

test('workflow summaries name the business and the hashed customer only', () => {
  expect(conversationSummary('h:0123456789abcdef')).toBe('Conversation with customer h:0123456789abcdef');
  expect(conversationSummary(undefined)).toBe('Conversation with a customer');
  expect(messageSummary('text', 'Demo Salon')).toBe('WhatsApp text message to Demo Salon');
});

describe('textAttributeValue (a Text search attribute PostgreSQL visibility can index)', () => {
  test('colons, quotes and backslashes become look-alikes; the words stay', () => {
    expect(textAttributeValue("Booked Men's cut Wed 9 Dec 11:00 \\ done")).toBe('Booked Men\u2019s cut Wed 9 Dec 11\u223600 \u29f5 done');
    expect(textAttributeValue('Answered')).toBe('Answered');
  });

  test('a long value is cut to whole characters', () => {
    const cut = textAttributeValue('🙂'.repeat(TEXT_ATTRIBUTE_MAX_CHARS + 10));
    expect(Array.from(cut)).toHaveLength(TEXT_ATTRIBUTE_MAX_CHARS);
    expect(cut.endsWith('🙂…')).toBe(true);
    expect(textAttributeValue('x'.repeat(TEXT_ATTRIBUTE_MAX_CHARS))).toBe('x'.repeat(TEXT_ATTRIBUTE_MAX_CHARS));
  });
});
