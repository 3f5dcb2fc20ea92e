// The console's settings form without React: what the owner types becomes what
// the API takes and back, and each problem found in the browser is named by the
// key the API itself would use, in words an owner reads.
import type { FastifyReply } from 'fastify';
import {
  copyDay,
  differs,
  draftFromView,
  draftToPayload,
  newRange,
  normalisePrice,
  type SettingsDraft,
  type TimeRange,
} from '../../admin/src/pages/settings/draft';
import { formatDay, humanDuration } from '../../admin/src/pages/settings/labels';
import { describeField, validateDraft } from '../../admin/src/pages/settings/validation';
import { invalidBody } from '../../src/api/admin/validation';
import { bookingSettingsSchema } from '../../src/booking/settings';
import type { SettingsView } from '../../src/db/business-settings';

const view: SettingsView = {
  openingHours: {
    mon: [
      ['10:00', '14:00'],
      ['15:00', '19:00'],
    ],
    fri: [['10:00', '24:00']],
  },
  openingExceptions: [
    { date: '2026-12-24', ranges: [['10:00', '14:00']] },
    { date: '2026-12-25', ranges: [], note: 'Christmas' },
  ],
  services: [
    { id: '0b8e4c1e-8c1a-4a53-9a39-5a2d1f0f6c11', name: 'Haircut', durationMinutes: 30, price: '25.00', currency: 'EUR' },
    { id: '5f0e9a43-77a8-4d43-8a5e-3a7c2b1d9e22', name: 'Kimono fitting', durationMinutes: 60, price: '1500', currency: 'JPY' },
  ],
  maxSimultaneousAppointments: 2,
  bufferMinutes: 10,
  minNoticeMinutes: 60,
  maxDaysAhead: 60,
  slotStepMinutes: 30,
  replyQuietWindowMs: 2500,
  replyMaxWaitMs: 8000,
  handBackAfterMinutes: 720,
  flagOutsideHours: false,
  customerTurnsPerMinute: 6,
  customerTurnsPerDay: 60,
  dailyTokenBudget: 200_000,
  maxActiveAppointmentsPerCustomer: 3,
  messageRetentionDays: 365,
};

const range = (opens: string, closes: string): TimeRange => ({ key: 0, opens, closes });

/** The draft of `view` with one change, as the owner would make it. */
function edited(change: (draft: SettingsDraft) => void): SettingsDraft {
  const draft = draftFromView(view);
  change(draft);
  return draft;
}

describe('from the API to the form and back', () => {
  test('an untouched form sends back what the API gave, closed days left out', () => {
    const { services, ...rest } = view;
    expect(draftToPayload(draftFromView(view))).toEqual({ ...rest, services: services.map((s) => ({ ...s })) });
  });

  test('reply timings are edited in seconds and sent in milliseconds', () => {
    const draft = draftFromView(view);
    expect(draft.rules).toMatchObject({ replyQuietWindowSeconds: '2.5', replyMaxWaitSeconds: '8' });
    draft.rules.replyQuietWindowSeconds = '1.25';
    expect(draftToPayload(draft)).toMatchObject({ replyQuietWindowMs: 1250, replyMaxWaitMs: 8000 });
    expect(draftToPayload(draft)).toMatchObject({ handBackAfterMinutes: 720, flagOutsideHours: false });
  });

  test('the limits go back as numbers; the token allowance may be typed with grouping', () => {
    const draft = draftFromView(view);
    expect(draft.rules).toMatchObject({ customerTurnsPerMinute: '6', customerTurnsPerDay: '60', dailyTokenBudget: '200000', messageRetentionDays: '365' });
    for (const typed of ['250,000', '250 000', "250'000"]) {
      draft.rules.dailyTokenBudget = typed;
      expect(draftToPayload(draft)).toMatchObject({ dailyTokenBudget: 250_000, customerTurnsPerMinute: 6, maxActiveAppointmentsPerCustomer: 3 });
    }
  });

  test('open until midnight: the API says 24:00, the time input 00:00', () => {
    const draft = draftFromView(view);
    expect(draft.openingHours.fri.map((r) => [r.opens, r.closes])).toEqual([['10:00', '00:00']]);
    draft.openingHours.sat = [range('00:00', '00:00')];
    expect(draftToPayload(draft).openingHours).toMatchObject({ fri: [['10:00', '24:00']], sat: [['00:00', '24:00']] });
  });

  test('a special day is closed when it has no hours, and a blank note is not sent', () => {
    const draft = draftFromView(view);
    expect(draft.openingExceptions.map((e) => e.closed)).toEqual([false, true]);
    draft.openingExceptions[0]!.closed = true;
    draft.openingExceptions[1]!.note = '  ';
    expect(draftToPayload(draft).openingExceptions).toEqual([
      { date: '2026-12-24', ranges: [] },
      { date: '2026-12-25', ranges: [] },
    ]);
  });

  test('a new service has no ID, so the server creates it', () => {
    const payload = draftToPayload(edited((d) => d.services.push({ key: 9, name: 'Beard', durationMinutes: '20', price: '9,5', currency: 'eur' })));
    expect(payload.services[2]).toEqual({ name: 'Beard', durationMinutes: 20, price: '9.5', currency: 'EUR' });
  });

  test('row keys and typing style do not count as changes; a new value does', () => {
    const saved = draftFromView(view);
    expect(differs(draftFromView(view), saved)).toBe(false);
    expect(
      differs(
        edited((d) => (d.services[0]!.price = ' 25.00 ')),
        saved,
      ),
    ).toBe(false);
    expect(
      differs(
        edited((d) => (d.rules.bufferMinutes = '15')),
        saved,
      ),
    ).toBe(true);
  });
});

test.each([
  ['25', '25'],
  ['25.50', '25.50'],
  ['25,50', '25.50'],
  ['25,5', '25.5'],
  [' 7 ', '7'],
  ['1,500', '1,500'],
  ['1.500,00', '1.500,00'],
])('the price %p is sent as %p', (typed, sent) => {
  expect(normalisePrice(typed)).toBe(sent);
});

test.each<[string, TimeRange[], [string, string]]>([
  ['an empty day', [], ['09:00', '17:00']],
  ['after a morning', [range('10:00', '14:00')], ['15:00', '18:00']],
  ['late in the evening, up to midnight', [range('10:00', '22:30')], ['23:30', '00:00']],
  ['a day open until midnight', [range('10:00', '00:00')], ['09:00', '17:00']],
  ['a range still being typed', [range('10:00', '')], ['09:00', '17:00']],
])('a range added to %s', (_, ranges, expected) => {
  const added = newRange(ranges);
  expect([added.opens, added.closes]).toEqual(expected);
});

test('copying Monday gives Tuesday to Friday their own rows with the same hours', () => {
  const hours = draftFromView(view).openingHours;
  const copied = copyDay(hours, 'mon', ['tue', 'wed', 'thu', 'fri']);
  expect(copied.thu.map((r) => [r.opens, r.closes])).toEqual(hours.mon.map((r) => [r.opens, r.closes]));
  expect(copied.thu[0]!.key).not.toBe(hours.mon[0]!.key);
  expect(copied.sat).toBe(hours.sat);
});

describe('checking in the browser', () => {
  test.each<[string, (d: SettingsDraft) => void, Record<string, string | RegExp>]>([
    [
      'overlapping hours, on the day',
      (d) => d.openingHours.tue.push(range('10:00', '14:00'), range('13:00', '18:00')),
      { 'openingHours.tue': /10:00–14:00 overlaps 13:00–18:00/ },
    ],
    ['a time left blank, on that time only', (d) => (d.openingHours.mon[0]!.closes = ''), { 'openingHours.mon.0.1': 'Enter a time such as 09:30.' }],
    ['a price with too many decimals', (d) => (d.services[0]!.price = '9.999'), { 'services.0.price': 'A price such as 25 or 25.50.' }],
    ['a fraction of JPY', (d) => (d.services[1]!.price = '15.5'), { 'services.1.price': 'A whole amount of JPY, such as 1500.' }],
    ['a blank duration', (d) => (d.services[0]!.durationMinutes = ''), { 'services.0.durationMinutes': 'Enter a number.' }],
    ['a duration in fractions', (d) => (d.services[0]!.durationMinutes = '2.5'), { 'services.0.durationMinutes': 'Enter a whole number.' }],
    ['the same service twice', (d) => (d.services[1]!.name = 'haircut'), { 'services.1.name': /listed twice/ }],
    ['no service at all', (d) => (d.services = []), { services: 'Offer at least one service.' }],
    ['a negative buffer', (d) => (d.rules.bufferMinutes = '-5'), { bufferMinutes: 'At least 0.' }],
    ['a long note', (d) => (d.openingExceptions[1]!.note = 'x'.repeat(201)), { 'openingExceptions.1.note': 'At most 200 characters.' }],
    ['a date twice', (d) => (d.openingExceptions[1]!.date = '2026-12-24'), { 'openingExceptions.1.date': /listed twice/ }],
    ['a date left blank', (d) => (d.openingExceptions[0]!.date = ''), { 'openingExceptions.0.date': 'A date such as 2026-12-24.' }],
    [
      'a longest wait shorter than the quiet window',
      (d) => Object.assign(d.rules, { replyQuietWindowSeconds: '5', replyMaxWaitSeconds: '3' }),
      { replyMaxWaitMs: 'Must be at least the quiet window.' },
    ],
    [
      'a quiet window over the limit, said in seconds',
      (d) => Object.assign(d.rules, { replyQuietWindowSeconds: '31', replyMaxWaitSeconds: '40' }),
      { replyQuietWindowMs: 'At most 30 seconds.' },
    ],
    [
      'fewer replies a day than a minute',
      (d) => Object.assign(d.rules, { customerTurnsPerMinute: '10', customerTurnsPerDay: '5' }),
      { customerTurnsPerDay: 'Must be at least the replies a minute.' },
    ],
    ['replies a minute left blank', (d) => (d.rules.customerTurnsPerMinute = ''), { customerTurnsPerMinute: 'Enter a number.' }],
    ['a token allowance too small', (d) => (d.rules.dailyTokenBudget = '500'), { dailyTokenBudget: 'At least 1,000.' }],
    ['too many appointments per customer', (d) => (d.rules.maxActiveAppointmentsPerCustomer = '51'), { maxActiveAppointmentsPerCustomer: 'At most 50.' }],
    ['messages kept for three days', (d) => (d.rules.messageRetentionDays = '3'), { messageRetentionDays: 'At least 7 days.' }],
  ])('%s', (_, change, expected) => {
    const found = validateDraft(edited(change));
    expect(Object.keys(found)).toEqual(Object.keys(expected));
    for (const [key, message] of Object.entries(expected)) expect(found[key]).toMatch(message);
  });

  test('a valid draft has nothing to say', () => {
    expect(validateDraft(draftFromView(view))).toEqual({});
  });

  test('each problem is named by a key the API names too', () => {
    const draft = edited((d) => {
      d.openingHours.mon[0]!.opens = '';
      d.openingHours.wed.push(range('12:00', '10:00'));
      d.services[0]!.price = 'free';
      d.openingExceptions[0]!.date = '2026-02-30';
      d.rules.slotStepMinutes = '7';
    });
    const api: Record<string, string> = {};
    const reply = { code: () => reply, send: (body: { fields: Record<string, string> }) => Object.assign(api, body.fields) };
    const parsed = bookingSettingsSchema.safeParse(draftToPayload(draft));
    if (parsed.success) throw new Error('the draft should be refused');
    invalidBody(reply as unknown as FastifyReply, parsed.error);
    const browser = validateDraft(draft);
    expect(Object.keys(browser).sort()).toEqual([
      'openingExceptions.0.date',
      'openingHours.mon.0.0',
      'openingHours.wed',
      'services.0.price',
      'slotStepMinutes',
    ]);
    for (const key of Object.keys(browser)) expect(api).toHaveProperty([key]);
  });
});

test.each<[string, SettingsDraft, string]>([
  ['openingHours.tue', draftFromView(view), 'Tuesday'],
  ['openingHours.mon.0.1', draftFromView(view), 'Monday'],
  ['openingExceptions.0.date', draftFromView(view), `Special day ${formatDay('2026-12-24')}`],
  ['openingExceptions.1.note', edited((d) => (d.openingExceptions[1]!.date = '')), 'Special day 2, Note'],
  ['services.1.price', draftFromView(view), 'Kimono fitting, Price'],
  ['services.0.name', edited((d) => (d.services[0]!.name = ' ')), 'Service 1, Name'],
  ['services', draftFromView(view), 'Services'],
  ['minNoticeMinutes', draftFromView(view), 'Minimum notice (minutes)'],
  ['replyMaxWaitMs', draftFromView(view), 'Longest wait before replying (seconds)'],
  ['handBackAfterMinutes', draftFromView(view), 'Hand back to the bot after (hours)'],
  ['customerTurnsPerDay', draftFromView(view), 'Replies to one customer per day'],
  ['dailyTokenBudget', draftFromView(view), 'Daily AI allowance (tokens)'],
  ['messageRetentionDays', draftFromView(view), 'Keep messages for (days)'],
  ['body', draftFromView(view), 'body'],
])('the summary calls %p %p', (key, draft, expected) => {
  expect(describeField(key, draft)).toBe(expected);
});

test.each([
  [0, '0 minutes'],
  [1, '1 minute'],
  [45, '45 minutes'],
  [60, '1 hour'],
  [90, '1 hour 30 minutes'],
  [1440, '1 day'],
  [2 * 1440 + 61, '2 days 1 hour 1 minute'],
])('%i minutes read as %p', (minutes, said) => {
  expect(humanDuration(minutes)).toBe(said);
});

test('a special day reads as its calendar date in any time zone, and a half-typed one as typed', () => {
  expect(formatDay('2026-12-24', 'en-GB')).toMatch(/^Thursday,? 24 December 2026$/);
  expect(formatDay('2026-12', 'en-GB')).toBe('2026-12');
});
