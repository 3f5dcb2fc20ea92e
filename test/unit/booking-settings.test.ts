// The settings an owner edits, validated with the booking code's own limits:
// each refusal names the field it belongs to.
import { bookingSettingsSchema, formatAmount, type BookingSettingsInput } from '../../src/booking/settings';

const valid: BookingSettingsInput = {
  openingHours: {
    mon: [
      ['10:00', '14:00'],
      ['15:00', '19:00'],
    ],
    sat: [['09:00', '24:00']],
  },
  openingExceptions: [
    { date: '2026-12-24', ranges: [['10:00', '14:00']] },
    { date: '2026-12-25', ranges: [], note: 'Christmas' },
  ],
  services: [
    { name: 'Haircut', durationMinutes: 30, price: '25', currency: 'EUR' },
    { name: 'Colour', durationMinutes: 90, price: 65.5, currency: 'EUR' },
    { name: 'Kimono fitting', durationMinutes: 60, price: '1500', currency: 'JPY' },
  ],
  maxSimultaneousAppointments: 2,
  bufferMinutes: 10,
  minNoticeMinutes: 60,
  maxDaysAhead: 60,
  slotStepMinutes: 30,
  replyQuietWindowMs: 2000,
  replyMaxWaitMs: 8000,
  handBackAfterMinutes: 720,
  flagOutsideHours: false,
  customerTurnsPerMinute: 6,
  customerTurnsPerDay: 60,
  dailyTokenBudget: 200_000,
  maxActiveAppointmentsPerCustomer: 3,
  messageRetentionDays: 365,
};

test('valid settings pass, with prices kept in minor units of their currency', () => {
  const parsed = bookingSettingsSchema.parse(valid);
  expect(parsed.services.map((s) => s.price)).toEqual([2500, 6550, 1500]);
});

test.each<[string, Partial<BookingSettingsInput>, string, RegExp]>([
  ['a range that closes before it opens', { openingHours: { mon: [['14:00', '10:00']] } }, 'openingHours.mon', /before the closing time/],
  [
    'overlapping ranges',
    {
      openingHours: {
        tue: [
          ['10:00', '14:00'],
          ['13:00', '18:00'],
        ],
      },
    },
    'openingHours.tue',
    /overlaps/,
  ],
  ['a time that does not exist', { openingHours: { wed: [['25:00', '26:00']] } }, 'openingHours.wed.0.0', /A time such as/],
  ['an unknown day', { openingHours: { funday: [['10:00', '11:00']] } as never }, 'openingHours', /Unrecognized key: "funday"/],
  ['a date that does not exist', { openingExceptions: [{ date: '2026-02-30', ranges: [] }] }, 'openingExceptions.0.date', /A date such as/],
  [
    'the same date twice',
    {
      openingExceptions: [
        { date: '2026-12-24', ranges: [] },
        { date: '2026-12-24', ranges: [] },
      ],
    },
    'openingExceptions.1.date',
    /listed twice/,
  ],
  ['no services', { services: [] }, 'services', /at least one service/],
  [
    'two services with one name',
    {
      services: [
        { name: 'Cut', durationMinutes: 30, price: '1', currency: 'EUR' },
        { name: 'cut', durationMinutes: 30, price: '1', currency: 'EUR' },
      ],
    },
    'services.1.name',
    /listed twice/,
  ],
  ['a price with three decimals', { services: [{ name: 'Cut', durationMinutes: 30, price: '25.999', currency: 'EUR' }] }, 'services.0.price', /25.50/],
  [
    'decimals in a currency without them',
    { services: [{ name: 'Cut', durationMinutes: 30, price: '1500.5', currency: 'JPY' }] },
    'services.0.price',
    /whole amount of JPY/,
  ],
  ['a lower-case currency', { services: [{ name: 'Cut', durationMinutes: 30, price: '25', currency: 'eur' }] }, 'services.0.currency', /currency code/],
  ['a 3-minute service', { services: [{ name: 'Cut', durationMinutes: 3, price: '25', currency: 'EUR' }] }, 'services.0.durationMinutes', /At least 5/],
  ['no appointments at all', { maxSimultaneousAppointments: 0 }, 'maxSimultaneousAppointments', /At least 1/],
  ['a 7-minute grid', { slotStepMinutes: 7 }, 'slotStepMinutes', /One of 5, 10, 15, 20, 30, 60/],
  ['a maximum wait shorter than the quiet window', { replyQuietWindowMs: 5000, replyMaxWaitMs: 1000 }, 'replyMaxWaitMs', /at least the quiet window/],
  ['a hand-back sooner than a quarter of an hour', { handBackAfterMinutes: 5 }, 'handBackAfterMinutes', /quarter of an hour/],
  ['a hand-back later than a week', { handBackAfterMinutes: 8 * 24 * 60 }, 'handBackAfterMinutes', /At most 7 days/],
  ['booking two years ahead', { maxDaysAhead: 730 }, 'maxDaysAhead', /At most a year/],
  ['no replies at all in a minute', { customerTurnsPerMinute: 0 }, 'customerTurnsPerMinute', /At least 1/],
  ['more than one reply a second', { customerTurnsPerMinute: 61 }, 'customerTurnsPerMinute', /At most 60/],
  ['fewer replies a day than a minute', { customerTurnsPerMinute: 10, customerTurnsPerDay: 5 }, 'customerTurnsPerDay', /at least the replies a minute/],
  ['an unbounded day', { customerTurnsPerDay: 10_001 }, 'customerTurnsPerDay', /At most 10,000/],
  ['a token budget too small for one reply', { dailyTokenBudget: 999 }, 'dailyTokenBudget', /At least 1,000/],
  ['half a token', { dailyTokenBudget: 5000.5 }, 'dailyTokenBudget', /whole number/],
  ['no appointments per customer', { maxActiveAppointmentsPerCustomer: 0 }, 'maxActiveAppointmentsPerCustomer', /At least 1/],
  ['51 appointments per customer', { maxActiveAppointmentsPerCustomer: 51 }, 'maxActiveAppointmentsPerCustomer', /At most 50/],
  ['keeping messages under a week', { messageRetentionDays: 6 }, 'messageRetentionDays', /At least 7 days/],
  ['keeping messages over ten years', { messageRetentionDays: 3651 }, 'messageRetentionDays', /At most 10 years/],
])('%s is refused at %s', (_, change, path, message) => {
  const result = bookingSettingsSchema.safeParse({ ...valid, ...change });
  expect(result.success).toBe(false);
  const issue = result.error!.issues.find((i) => i.path.join('.') === path);
  expect(issue?.message).toMatch(message);
});

test.each([
  [2500, 'EUR', '25.00'],
  [6550, 'EUR', '65.50'],
  [1500, 'JPY', '1500'],
])('formatAmount(%i, %s) is %s', (minor, currency, text) => {
  expect(formatAmount(minor, currency)).toBe(text);
});
