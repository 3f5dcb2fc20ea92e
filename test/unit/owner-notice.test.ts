// What a customer reads on WhatsApp when the business cancels or moves their appointment from the console.
import { ownerChangeNotice, spokenLocalTime } from '../../src/booking/owner-notice';

test.each([
  ['2026-12-07T17:00', 'Mon 7 Dec at 17:00'],
  ['2027-01-01T09:30', 'Fri 1 Jan at 09:30'],
  ['2026-03-29T02:30', 'Sun 29 Mar at 02:30'],
  ['not a time', 'not a time'],
])('%s is said as %s', (local, spoken) => {
  expect(spokenLocalTime(local)).toBe(spoken);
});

test('a cancellation names the service, the time and the business, and invites a reply', () => {
  expect(ownerChangeNotice({ businessName: 'Lumen Hair Studio', service: 'Haircut', previousStart: '2026-12-07T17:00', change: { kind: 'cancel' } })).toBe(
    "Your **Haircut** on Mon 7 Dec at 17:00 was cancelled by Lumen Hair Studio. Reply here if you'd like another time.",
  );
});

test('a move says the old time and the new one', () => {
  expect(
    ownerChangeNotice({
      businessName: 'Lumen Hair Studio',
      service: 'Colour',
      previousStart: '2026-12-07T17:00',
      change: { kind: 'move', start: '2026-12-08T11:30' },
    }),
  ).toBe("Your **Colour** on Mon 7 Dec at 17:00 was moved by Lumen Hair Studio to Tue 8 Dec at 11:30. Reply here if that time doesn't suit you.");
});
