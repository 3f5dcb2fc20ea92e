// The inbox's words for what happened in a conversation: delivery statuses
// (a failure with Meta's reason), turn outcomes, tools, and what each tool
// changed, in the business's local time whatever the browser's zone.
import { deliveryInWords, describeEffect, outcomeInWords, toolInWords } from '../../admin/src/pages/ConversationDescribe';
import type { TurnEffectView } from '../../src/db/inbox';

test.each<[Parameters<typeof deliveryInWords>[0], string]>([
  [{ status: 'received', error: null }, ''],
  [{ status: 'pending', error: null }, 'Sending'],
  [{ status: 'sent', error: null }, 'Sent'],
  [{ status: 'delivered', error: null }, 'Delivered'],
  [{ status: 'read', error: null }, 'Read'],
  [{ status: 'failed', error: { code: 131047, title: 'Re-engagement message' } }, 'Failed: Re-engagement message (error 131047)'],
  [{ status: 'failed', error: { code: null, title: null } }, 'Failed: WhatsApp gave no reason'],
])('%j reads "%s"', (message, words) => {
  expect(deliveryInWords(message)).toBe(words);
});

const effect = (kind: string, start: string | null, service: string | null = 'Haircut'): TurnEffectView => ({ kind, start, service, appointmentId: null });

test.each<[TurnEffectView, string]>([
  [effect('booked', '2026-12-07T17:00'), 'Booked Haircut on Mon 7 Dec at 17:00'],
  [effect('moved', '2026-12-11T11:30'), 'Moved Haircut to Fri 11 Dec at 11:30'],
  [effect('cancelled', '2026-12-07T17:00'), 'Cancelled Haircut on Mon 7 Dec at 17:00'],
  [effect('already-booked', '2026-12-07T09:00'), 'Already booked Haircut on Mon 7 Dec at 09:00'],
  // The appointment was deleted since: its service is unknown.
  [effect('booked', '2026-12-07T17:00', null), 'Booked an appointment on Mon 7 Dec at 17:00'],
  [effect('cancelled', null), 'Cancelled Haircut'],
])('%j: "%s"', (change, words) => {
  expect(describeEffect(change, 'en-GB')).toBe(words);
});

test('a local time just before midnight stays on its day in any zone', () => {
  const before = process.env.TZ;
  try {
    process.env.TZ = 'Pacific/Kiritimati';
    expect(describeEffect(effect('booked', '2026-12-07T23:30'), 'en-GB')).toBe('Booked Haircut on Mon 7 Dec at 23:30');
  } finally {
    process.env.TZ = before;
  }
});

test('outcomes and tools read as words, and a name the console does not know yet as itself', () => {
  expect(outcomeInWords('held-for-person')).toBe('stayed quiet: a person has the conversation');
  expect(outcomeInWords('something-new')).toBe('something-new');
  expect(toolInWords('book_appointment')).toBe('Book an appointment');
  expect(toolInWords('new_tool')).toBe('new_tool');
});
