import {
  candidateStarts,
  checkActiveAppointments,
  checkRequestedTime,
  fitsCapacity,
  maxConcurrent,
  occupiedInterval,
  openingIntervals,
  overlaps,
  type BookingPolicy,
  type DateException,
  type Interval,
  type RefusalReason,
} from '../../src/booking/policy';

/** Madrid salon: split hours on weekdays, Saturday morning, closed on Sunday. */
function policy(overrides: Partial<BookingPolicy> = {}): BookingPolicy {
  const weekday: Array<[string, string]> = [
    ['10:00', '14:00'],
    ['15:00', '19:00'],
  ];
  return {
    timeZone: 'Europe/Madrid',
    openingHours: { mon: weekday, tue: weekday, wed: weekday, thu: weekday, fri: weekday, sat: [['09:00', '14:00']], sun: [] },
    exceptions: [],
    bufferMinutes: 0,
    minNoticeMinutes: 60,
    maxDaysAhead: 30,
    slotStepMinutes: 30,
    capacity: 2,
    ...overrides,
  };
}

const withExceptions = (...exceptions: DateException[]) => policy({ exceptions });
const at = (text: string): Date => new Date(text);
const isoPairs = (intervals: Interval[]): Array<[string, string]> => intervals.map((i) => [new Date(i.start).toISOString(), new Date(i.end).toISOString()]);
const hours = (i: Interval): number => (i.end - i.start) / 3_600_000;
const isoList = (dates: Date[]): string[] => dates.map((d) => d.toISOString());
/** Local times on one date with a fixed offset → ISO instants (no use of the code under test). */
const localTimes = (date: string, offset: string, times: string[]): string[] => times.map((t) => new Date(`${date}T${t}:00${offset}`).toISOString());

// 2026-06-08 is a Monday; Madrid is on summer time (+02:00) in June.
const NOW = at('2026-06-08T10:00+02:00');

describe('openingIntervals', () => {
  test.each<[string, string, BookingPolicy, Array<[string, string]>]>([
    [
      'a summer weekday has both ranges',
      '2026-06-08',
      policy(),
      [
        ['2026-06-08T08:00:00.000Z', '2026-06-08T12:00:00.000Z'],
        ['2026-06-08T13:00:00.000Z', '2026-06-08T17:00:00.000Z'],
      ],
    ],
    [
      'a winter weekday is one hour later in UTC',
      '2026-01-12',
      policy(),
      [
        ['2026-01-12T09:00:00.000Z', '2026-01-12T13:00:00.000Z'],
        ['2026-01-12T14:00:00.000Z', '2026-01-12T18:00:00.000Z'],
      ],
    ],
    ['Saturday has its own hours', '2026-06-13', policy(), [['2026-06-13T07:00:00.000Z', '2026-06-13T12:00:00.000Z']]],
    ['Sunday is closed (empty list)', '2026-06-14', policy(), []],
    ['a weekday missing from openingHours is closed', '2026-06-08', policy({ openingHours: { sat: [['09:00', '14:00']] } }), []],
    [
      'an exception replaces the weekday hours',
      '2026-06-12',
      withExceptions({ date: '2026-06-12', ranges: [['12:00', '16:00']] }),
      [['2026-06-12T10:00:00.000Z', '2026-06-12T14:00:00.000Z']],
    ],
    ['an exception with no ranges is a closed holiday', '2026-06-11', withExceptions({ date: '2026-06-11', ranges: [], note: 'holiday' }), []],
    [
      'an exception opens a normally closed Sunday',
      '2026-06-21',
      withExceptions({ date: '2026-06-21', ranges: [['10:00', '13:00']] }),
      [['2026-06-21T08:00:00.000Z', '2026-06-21T11:00:00.000Z']],
    ],
    [
      'an exception on another date does not apply',
      '2026-06-10',
      withExceptions({ date: '2026-06-11', ranges: [] }),
      [
        ['2026-06-10T08:00:00.000Z', '2026-06-10T12:00:00.000Z'],
        ['2026-06-10T13:00:00.000Z', '2026-06-10T17:00:00.000Z'],
      ],
    ],
    [
      'a range ending "24:00" ends at the next midnight',
      '2026-06-19',
      withExceptions({ date: '2026-06-19', ranges: [['18:00', '24:00']] }),
      [['2026-06-19T16:00:00.000Z', '2026-06-19T22:00:00.000Z']],
    ],
    [
      '"24:00" at the end of a month and year',
      '2026-12-31',
      withExceptions({ date: '2026-12-31', ranges: [['20:00', '24:00']] }),
      [['2026-12-31T19:00:00.000Z', '2026-12-31T23:00:00.000Z']],
    ],
    [
      '"24:00" in New York before the spring-forward night',
      '2026-03-07',
      policy({ timeZone: 'America/New_York', exceptions: [{ date: '2026-03-07', ranges: [['20:00', '24:00']] }] }),
      [['2026-03-08T01:00:00.000Z', '2026-03-08T05:00:00.000Z']],
    ],
    [
      'a range that ends before it starts is dropped',
      '2026-06-12',
      withExceptions({
        date: '2026-06-12',
        ranges: [
          ['14:00', '10:00'],
          ['15:00', '16:00'],
        ],
      }),
      [['2026-06-12T13:00:00.000Z', '2026-06-12T14:00:00.000Z']],
    ],
    ['an empty range is dropped', '2026-06-12', withExceptions({ date: '2026-06-12', ranges: [['10:00', '10:00']] }), []],
    ['not a date', '2026-02-30', policy(), []],
    ['not a date either', '2026-6-8', policy(), []],
  ])('%s (%s)', (_label, date, p, expected) => {
    expect(isoPairs(openingIntervals(date, p))).toEqual(expected);
  });

  describe('daylight-saving days in Madrid', () => {
    test.each<[string, Array<[string, string]>, Array<[string, string]>, number[]]>([
      // date, exception ranges, instants, lengths in hours
      ['2026-03-29', [['00:00', '06:00']], [['2026-03-28T23:00:00.000Z', '2026-03-29T04:00:00.000Z']], [5]],
      ['2026-10-25', [['00:00', '06:00']], [['2026-10-24T22:00:00.000Z', '2026-10-25T05:00:00.000Z']], [7]],
      ['2026-03-29', [['00:00', '24:00']], [['2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z']], [23]],
      ['2026-10-25', [['00:00', '24:00']], [['2026-10-24T22:00:00.000Z', '2026-10-25T23:00:00.000Z']], [25]],
      ['2026-03-29', [['10:00', '14:00']], [['2026-03-29T08:00:00.000Z', '2026-03-29T12:00:00.000Z']], [4]],
      ['2026-10-25', [['10:00', '14:00']], [['2026-10-25T09:00:00.000Z', '2026-10-25T13:00:00.000Z']], [4]],
      // Opening inside the gap: 02:30 does not exist, the day starts at 03:30 (as calendars do).
      ['2026-03-29', [['02:30', '05:00']], [['2026-03-29T01:30:00.000Z', '2026-03-29T03:00:00.000Z']], [1.5]],
      // A range entirely inside the gap never happens.
      ['2026-03-29', [['02:00', '03:00']], [], []],
      // Opening at a time that happens twice starts at its first occurrence.
      ['2026-10-25', [['02:30', '04:00']], [['2026-10-25T00:30:00.000Z', '2026-10-25T03:00:00.000Z']], [2.5]],
      ['2026-10-25', [['01:00', '04:00']], [['2026-10-24T23:00:00.000Z', '2026-10-25T03:00:00.000Z']], [4]],
    ])('%s with %j', (date, ranges, expected, lengths) => {
      const intervals = openingIntervals(date, withExceptions({ date, ranges }));
      expect(isoPairs(intervals)).toEqual(expected);
      expect(intervals.map(hours)).toEqual(lengths);
    });

    test.each([
      ['2026-03-29', 23],
      ['2026-10-25', 25],
      ['2026-06-14', 24],
      ['2026-01-11', 24],
    ])('a Sunday open all day (00:00–24:00) on %s lasts %d hours', (date, length) => {
      const intervals = openingIntervals(date, policy({ openingHours: { sun: [['00:00', '24:00']] } }));
      expect(intervals.map(hours)).toEqual([length]);
    });
  });
});

describe('checkRequestedTime', () => {
  // now: Monday 2026-06-08 10:00 Madrid. Thursday 2026-06-11 is a holiday, Friday
  // 2026-06-12 opens 12:00–16:00 only.
  const p = withExceptions({ date: '2026-06-11', ranges: [] }, { date: '2026-06-12', ranges: [['12:00', '16:00']] });

  test.each<[string, string, number, RefusalReason | undefined]>([
    ['a minute ago', '2026-06-08T09:59+02:00', 45, 'in-past'],
    ['exactly now', '2026-06-08T10:00+02:00', 45, 'in-past'],
    ['yesterday', '2026-06-07T12:00+02:00', 45, 'in-past'],
    ['a minute from now', '2026-06-08T10:01+02:00', 45, 'too-soon'],
    ['59 minutes from now', '2026-06-08T10:59+02:00', 45, 'too-soon'],
    ['exactly the minimum notice', '2026-06-08T11:00+02:00', 45, undefined],
    ['the last day bookable (30 days ahead)', '2026-07-08T18:00+02:00', 45, undefined],
    ['31 days ahead', '2026-07-09T10:00+02:00', 45, 'too-far'],
    // 2026-07-08T22:30Z is still July 8 in UTC but already July 9 in Madrid.
    ['just after midnight, local, 31 days ahead', '2026-07-09T00:30+02:00', 45, 'too-far'],
    ['late on the last day, local', '2026-07-08T23:30+02:00', 45, 'outside-hours'],
    ['a year ahead', '2027-06-08T10:00+02:00', 45, 'too-far'],
    ['Sunday', '2026-06-14T11:00+02:00', 45, 'closed'],
    ['a closed holiday', '2026-06-11T11:00+02:00', 45, 'closed'],
    ['before opening', '2026-06-09T09:30+02:00', 45, 'outside-hours'],
    ['starts before opening, ends inside', '2026-06-09T09:45+02:00', 45, 'outside-hours'],
    ['at opening', '2026-06-09T10:00+02:00', 45, undefined],
    ['ends exactly at the lunch break', '2026-06-09T13:15+02:00', 45, undefined],
    ['starts inside, ends in the lunch break', '2026-06-09T13:30+02:00', 45, 'outside-hours'],
    ['spans the whole lunch break', '2026-06-09T13:45+02:00', 90, 'outside-hours'],
    ['during the lunch break', '2026-06-09T14:15+02:00', 45, 'outside-hours'],
    ['at the end of the lunch break', '2026-06-09T15:00+02:00', 45, undefined],
    ['ends exactly at closing', '2026-06-09T18:15+02:00', 45, undefined],
    ['starts inside, ends after closing', '2026-06-09T18:30+02:00', 45, 'outside-hours'],
    ['at closing', '2026-06-09T19:00+02:00', 45, 'outside-hours'],
    ['late evening', '2026-06-09T21:00+02:00', 45, 'outside-hours'],
    ['longer than the morning', '2026-06-09T10:00+02:00', 241, 'outside-hours'],
    ['the whole morning', '2026-06-09T10:00+02:00', 240, undefined],
    ['Saturday morning', '2026-06-13T09:00+02:00', 45, undefined],
    ['Saturday, past Saturday closing', '2026-06-13T13:30+02:00', 45, 'outside-hours'],
    ['Saturday afternoon', '2026-06-13T15:00+02:00', 45, 'outside-hours'],
    ['exception day, in the usual hours only', '2026-06-12T10:00+02:00', 45, 'outside-hours'],
    ['exception day, in its hours', '2026-06-12T15:00+02:00', 60, undefined],
    ['exception day, past its closing', '2026-06-12T15:30+02:00', 60, 'outside-hours'],
    ['exception day, in the usual lunch break', '2026-06-12T14:00+02:00', 60, undefined],
  ])('%s (%s, %d min) → %s', (_label, start, duration, expected) => {
    const refusal = checkRequestedTime(at(start), duration, NOW, p);
    expect(refusal?.reason).toBe(expected);
    if (refusal) expect(refusal.message.trim().length).toBeGreaterThan(0);
  });

  test.each<[string, string, string, BookingPolicy, RefusalReason]>([
    ['in the past and on a closed day → in-past', '2026-06-08T10:00+02:00', '2026-06-07T11:00+02:00', policy(), 'in-past'],
    ['too soon and in the lunch break → too-soon', '2026-06-08T13:50+02:00', '2026-06-08T14:15+02:00', policy(), 'too-soon'],
    ['too far and on a Sunday → too-far', '2026-06-08T10:00+02:00', '2026-07-12T11:00+02:00', policy(), 'too-far'],
    ['too far and outside hours → too-far', '2026-06-08T10:00+02:00', '2026-07-10T22:00+02:00', policy(), 'too-far'],
  ])('the first failing rule wins: %s', (_label, now, start, p2, expected) => {
    expect(checkRequestedTime(at(start), 45, at(now), p2)?.reason).toBe(expected);
  });

  test.each<[string, number, number, string, RefusalReason | undefined]>([
    // 'now' is late on 2026-06-01 in UTC but already 2026-06-02 in Madrid: the 30 days count from the local date.
    ['30 days from the local date', 30, 45, '2026-07-02T10:00+02:00', undefined],
    ['31 days from the local date', 30, 45, '2026-07-03T10:00+02:00', 'too-far'],
    ['maxDaysAhead 0: today is fine', 0, 45, '2026-06-02T10:00+02:00', undefined],
    ['maxDaysAhead 0: tomorrow is too far', 0, 45, '2026-06-03T10:00+02:00', 'too-far'],
  ])('%s', (_label, maxDaysAhead, duration, start, expected) => {
    const now = at('2026-06-01T22:30:00Z');
    expect(checkRequestedTime(at(start), duration, now, policy({ maxDaysAhead }))?.reason).toBe(expected);
  });

  test.each<[number, string]>([
    [60, '1 hour'],
    [120, '2 hour'],
    [90, '90 minutes'],
    [45, '45 minutes'],
    [1440, '1 day'],
    [2880, '2 day'],
  ])('the too-soon message mentions the minimum notice (%d min → "%s")', (minNoticeMinutes, figure) => {
    // 30 minutes from now: within every notice in the table.
    const refusal = checkRequestedTime(at('2026-06-08T10:30+02:00'), 45, NOW, policy({ minNoticeMinutes }));
    expect(refusal?.reason).toBe('too-soon');
    expect(refusal?.message).toContain(figure);
  });

  test.each([
    [30, '30 days'],
    [7, '7 days'],
  ])('the too-far message mentions the limit (maxDaysAhead %d → "%s")', (maxDaysAhead, figure) => {
    const refusal = checkRequestedTime(at('2026-09-01T10:00+02:00'), 45, NOW, policy({ maxDaysAhead }));
    expect(refusal?.reason).toBe('too-far');
    expect(refusal?.message).toContain(figure);
  });

  test('the other refusals carry distinct customer messages', () => {
    const messages = [
      checkRequestedTime(at('2026-06-08T09:00+02:00'), 45, NOW, policy()),
      checkRequestedTime(at('2026-06-14T11:00+02:00'), 45, NOW, policy()),
      checkRequestedTime(at('2026-06-09T21:00+02:00'), 45, NOW, policy()),
    ].map((r) => r?.message ?? '');
    for (const m of messages) expect(m.trim().length).toBeGreaterThan(0);
    expect(new Set(messages).size).toBe(3);
  });

  test.each<[string, string, number, RefusalReason | undefined]>([
    // 00:00–06:00 on the spring-forward day: 01:30 + 60 min is 03:30 on the wall clock.
    ['across the skipped hour', '2026-03-29T01:30+01:00', 60, undefined],
    ['ends exactly at closing', '2026-03-29T05:00+02:00', 60, undefined],
    ['ends after closing', '2026-03-29T05:30+02:00', 45, 'outside-hours'],
    // 02:30 on the wall clock does not happen: 01:30Z (= 03:30 local) is in hours.
    ['the instant right after the gap', '2026-03-29T03:30+02:00', 60, undefined],
  ])('spring-forward day in Madrid: %s (%s, %d min) → %s', (_label, start, duration, expected) => {
    const p2 = withExceptions({ date: '2026-03-29', ranges: [['00:00', '06:00']] });
    expect(checkRequestedTime(at(start), duration, at('2026-03-20T12:00+01:00'), p2)?.reason).toBe(expected);
  });
});

describe('candidateStarts', () => {
  const MORNING_45 = ['10:00', '10:30', '11:00', '11:30', '12:00', '12:30', '13:00'];
  const AFTERNOON_45 = ['15:00', '15:30', '16:00', '16:30', '17:00', '17:30', '18:00'];
  const p = withExceptions({ date: '2026-06-11', ranges: [] });

  test.each<[string, string, number, string, BookingPolicy, string[]]>([
    // label, date, duration, now, policy, expected local times (+02:00)
    ['a weekday, 45 min, booked the day before', '2026-06-08', 45, '2026-06-07T12:00+02:00', p, [...MORNING_45, ...AFTERNOON_45]],
    [
      'a weekday, 60 min',
      '2026-06-09',
      60,
      NOW.toISOString(),
      p,
      ['10:00', '10:30', '11:00', '11:30', '12:00', '12:30', '13:00', '15:00', '15:30', '16:00', '16:30', '17:00', '17:30', '18:00'],
    ],
    [
      'a weekday, 90 min',
      '2026-06-09',
      90,
      NOW.toISOString(),
      p,
      ['10:00', '10:30', '11:00', '11:30', '12:00', '12:30', '15:00', '15:30', '16:00', '16:30', '17:00', '17:30'],
    ],
    [
      'a weekday, 30 min',
      '2026-06-09',
      30,
      NOW.toISOString(),
      p,
      ['10:00', '10:30', '11:00', '11:30', '12:00', '12:30', '13:00', '13:30', '15:00', '15:30', '16:00', '16:30', '17:00', '17:30', '18:00', '18:30'],
    ],
    ['a service as long as the morning', '2026-06-09', 240, NOW.toISOString(), p, ['10:00', '15:00']],
    ['a service longer than any range', '2026-06-09', 241, NOW.toISOString(), p, []],
    ['same day, now 09:10: notice pushes to 10:30', '2026-06-08', 45, '2026-06-08T09:10+02:00', p, [...MORNING_45.slice(1), ...AFTERNOON_45]],
    ['same day, now 10:00: 11:00 is exactly the notice', '2026-06-08', 45, '2026-06-08T10:00+02:00', p, [...MORNING_45.slice(2), ...AFTERNOON_45]],
    ['same day, now 10:01', '2026-06-08', 45, '2026-06-08T10:01+02:00', p, [...MORNING_45.slice(3), ...AFTERNOON_45]],
    ['same day, now 12:40: the morning is gone', '2026-06-08', 45, '2026-06-08T12:40+02:00', p, AFTERNOON_45],
    ['same day, now 17:00', '2026-06-08', 45, '2026-06-08T17:00+02:00', p, ['18:00']],
    ['same day, now 17:30: nothing left', '2026-06-08', 45, '2026-06-08T17:30+02:00', p, []],
    ['Saturday', '2026-06-13', 45, NOW.toISOString(), p, ['09:00', '09:30', '10:00', '10:30', '11:00', '11:30', '12:00', '12:30', '13:00']],
    [
      'Saturday on a 15-minute grid',
      '2026-06-13',
      45,
      NOW.toISOString(),
      policy({ slotStepMinutes: 15 }),
      [
        '09:00',
        '09:15',
        '09:30',
        '09:45',
        '10:00',
        '10:15',
        '10:30',
        '10:45',
        '11:00',
        '11:15',
        '11:30',
        '11:45',
        '12:00',
        '12:15',
        '12:30',
        '12:45',
        '13:00',
        '13:15',
      ],
    ],
    ['Sunday (closed)', '2026-06-14', 45, NOW.toISOString(), p, []],
    ['a closed holiday', '2026-06-11', 45, NOW.toISOString(), p, []],
    ['the last bookable day', '2026-07-08', 45, NOW.toISOString(), p, [...MORNING_45, ...AFTERNOON_45]],
    ['beyond maxDaysAhead', '2026-07-09', 45, NOW.toISOString(), p, []],
    ['a past date', '2026-06-05', 45, NOW.toISOString(), p, []],
    ['an invalid date', '2026-06-31', 45, NOW.toISOString(), p, []],
  ])('%s', (_label, date, duration, now, p2, expected) => {
    expect(isoList(candidateStarts(date, duration, at(now), p2))).toEqual(localTimes(date, '+02:00', expected));
  });

  test('a winter day uses the winter offset', () => {
    const starts = candidateStarts('2026-01-17', 60, at('2026-01-10T12:00+01:00'), policy());
    expect(isoList(starts)).toEqual(localTimes('2026-01-17', '+01:00', ['09:00', '09:30', '10:00', '10:30', '11:00', '11:30', '12:00', '12:30', '13:00']));
  });

  test('spring-forward day: the grid steps over the missing hour', () => {
    const p2 = withExceptions({ date: '2026-03-29', ranges: [['00:00', '06:00']] });
    const starts = candidateStarts('2026-03-29', 60, at('2026-03-20T12:00+01:00'), p2);
    expect(isoList(starts)).toEqual([
      ...localTimes('2026-03-29', '+01:00', ['00:00', '00:30', '01:00', '01:30']),
      ...localTimes('2026-03-29', '+02:00', ['03:00', '03:30', '04:00', '04:30', '05:00']),
    ]);
  });

  test('fall-back day: the repeated hour is offered twice, as distinct instants', () => {
    const p2 = withExceptions({ date: '2026-10-25', ranges: [['00:00', '04:00']] });
    const starts = candidateStarts('2026-10-25', 60, at('2026-10-20T12:00+02:00'), p2);
    expect(isoList(starts)).toEqual([
      ...localTimes('2026-10-25', '+02:00', ['00:00', '00:30', '01:00', '01:30', '02:00', '02:30']),
      ...localTimes('2026-10-25', '+01:00', ['02:00', '02:30', '03:00']),
    ]);
  });
});

describe('occupiedInterval', () => {
  test.each([
    ['2026-06-08T10:00:00.000Z', 45, 0, '2026-06-08T10:45:00.000Z'],
    ['2026-06-08T10:00:00.000Z', 45, 15, '2026-06-08T11:00:00.000Z'],
    ['2026-06-08T23:30:00.000Z', 60, 30, '2026-06-09T01:00:00.000Z'],
  ])('%s for %d min + %d buffer ends at %s', (start, duration, buffer, end) => {
    const interval = occupiedInterval(new Date(start), duration, buffer);
    expect(new Date(interval.start).toISOString()).toBe(start);
    expect(new Date(interval.end).toISOString()).toBe(end);
  });
});

describe('overlaps', () => {
  test.each([
    [{ start: 0, end: 10 }, { start: 5, end: 15 }, true],
    [{ start: 0, end: 10 }, { start: 10, end: 20 }, false],
    [{ start: 10, end: 20 }, { start: 0, end: 10 }, false],
    [{ start: 0, end: 100 }, { start: 40, end: 60 }, true],
    [{ start: 40, end: 60 }, { start: 0, end: 100 }, true],
    [{ start: 0, end: 10 }, { start: 20, end: 30 }, false],
    [{ start: 0, end: 10 }, { start: 9, end: 10 }, true],
  ])('%j and %j → %s', (a, b, expected) => {
    expect(overlaps(a, b)).toBe(expected);
  });
});

describe('maxConcurrent', () => {
  const iv = (start: number, end: number): Interval => ({ start, end });
  const WINDOW = iv(0, 100);

  test.each<[string, Interval[], Interval, number]>([
    ['nothing', [], WINDOW, 0],
    ['one', [iv(10, 20)], WINDOW, 1],
    ['nested', [iv(0, 100), iv(10, 90), iv(20, 80), iv(30, 70)], WINDOW, 4],
    ['chained: an end equal to the next start does not overlap', [iv(0, 10), iv(10, 20), iv(20, 30)], WINDOW, 1],
    ['chained, listed backwards', [iv(20, 30), iv(10, 20), iv(0, 10)], WINDOW, 1],
    ['one ending as two start', [iv(0, 10), iv(10, 20), iv(10, 20)], WINDOW, 2],
    ['overlapping by one unit', [iv(0, 10), iv(9, 20)], WINDOW, 2],
    ['staircase', [iv(0, 10), iv(5, 15), iv(10, 20), iv(15, 25)], WINDOW, 2],
    ['many identical', Array.from({ length: 7 }, () => iv(40, 60)), WINDOW, 7],
    ['two groups, the larger counts', [iv(0, 10), iv(0, 10), iv(20, 30), iv(20, 30), iv(20, 30)], WINDOW, 3],
    ['clipping: the larger group is outside the window', [iv(0, 10), iv(0, 10), iv(20, 30), iv(20, 30), iv(20, 30)], iv(0, 15), 2],
    ['clipping: overlap only before the window', [iv(0, 10), iv(5, 15)], iv(10, 20), 1],
    ['clipping: overlap only after the window', [iv(15, 30), iv(20, 30)], iv(0, 20), 1],
    ['an interval touching the window start', [iv(0, 10)], iv(10, 20), 0],
    ['an interval touching the window end', [iv(20, 30)], iv(10, 20), 0],
    ['intervals entirely outside', [iv(0, 5), iv(50, 60)], iv(10, 20), 0],
    ['an empty interval', [iv(5, 5)], WINDOW, 0],
    ['covering the whole window', [iv(-100, 200), iv(-50, 150)], iv(0, 100), 2],
  ])('%s → %d', (_label, intervals, window, expected) => {
    expect(maxConcurrent(intervals, window)).toBe(expected);
  });
});

describe('fitsCapacity', () => {
  const iv = (start: number, end: number): Interval => ({ start, end });
  const CANDIDATE = iv(100, 200);

  test.each<[string, Interval[], Interval[], number, RefusalReason | undefined]>([
    ['nothing booked', [], [], 1, undefined],
    ['blocked time overlapping', [], [iv(150, 250)], 5, 'blocked'],
    ['blocked time inside', [], [iv(120, 130)], 5, 'blocked'],
    ['blocked time covering', [], [iv(0, 300)], 5, 'blocked'],
    ['blocked time ending at the start', [], [iv(0, 100)], 5, undefined],
    ['blocked time starting at the end', [], [iv(200, 300)], 5, undefined],
    ['blocked wins over full', [iv(100, 200)], [iv(150, 160)], 1, 'blocked'],
    ['capacity 1, one overlapping booking', [iv(150, 250)], [], 1, 'full'],
    ['capacity 1, a booking ending at the start', [iv(50, 100)], [], 1, undefined],
    ['capacity 1, a booking starting at the end', [iv(200, 260)], [], 1, undefined],
    ['capacity 2, one overlapping booking', [iv(150, 250)], [], 2, undefined],
    ['capacity 2, two bookings overlapping each other inside', [iv(110, 160), iv(150, 190)], [], 2, 'full'],
    ['capacity 2, two bookings overlapping the candidate but not each other', [iv(50, 150), iv(150, 250)], [], 2, undefined],
    ['capacity 2, two bookings overlapping each other only before the candidate', [iv(0, 110), iv(50, 100)], [], 2, undefined],
    ['capacity 2, three bookings in a chain inside', [iv(100, 130), iv(130, 160), iv(160, 200)], [], 2, undefined],
    ['capacity 3, two at a time', [iv(100, 150), iv(120, 170), iv(160, 200)], [], 3, undefined],
    ['capacity 3, three at one moment', [iv(100, 150), iv(120, 170), iv(140, 200)], [], 3, 'full'],
    ['capacity 2, bookings elsewhere', [iv(0, 50), iv(0, 50), iv(300, 400), iv(300, 400)], [], 2, undefined],
  ])('%s → %s', (_label, booked, blocked, capacity, expected) => {
    const refusal = fitsCapacity(CANDIDATE, booked, blocked, capacity);
    expect(refusal?.reason).toBe(expected);
    if (refusal) expect(refusal.message.trim().length).toBeGreaterThan(0);
  });

  describe('with buffers from occupiedInterval', () => {
    // One chair (capacity 1); an existing 45-minute booking at 10:00 Madrid.
    const existing = (buffer: number) => [occupiedInterval(at('2026-06-09T10:00+02:00'), 45, buffer)];

    test.each<[string, number, RefusalReason | undefined]>([
      // candidate start, buffer, result
      ['2026-06-09T10:45+02:00', 0, undefined],
      ['2026-06-09T10:45+02:00', 15, 'full'],
      ['2026-06-09T10:59+02:00', 15, 'full'],
      ['2026-06-09T11:00+02:00', 15, undefined],
      ['2026-06-09T09:15+02:00', 0, undefined],
      // The candidate's own buffer must also end before the next booking.
      ['2026-06-09T09:15+02:00', 15, 'full'],
      ['2026-06-09T09:00+02:00', 15, undefined],
    ])('a 45-minute candidate at %s with a %d-minute buffer → %s', (start, buffer, expected) => {
      const candidate = occupiedInterval(at(start), 45, buffer);
      expect(fitsCapacity(candidate, existing(buffer), [], 1)?.reason).toBe(expected);
    });
  });
});

describe('ranges that touch or overlap on one day', () => {
  // Tuesday: 10–12 and 12–14 (touching); Wednesday: 10–13 and 12–14 (overlapping). Both mean "open 10–14".
  const p = policy({
    openingHours: {
      tue: [
        ['10:00', '12:00'],
        ['12:00', '14:00'],
      ],
      wed: [
        ['10:00', '13:00'],
        ['12:00', '14:00'],
      ],
    },
  });
  const CONTINUOUS_60 = ['10:00', '10:30', '11:00', '11:30', '12:00', '12:30', '13:00'];

  test('an appointment across the boundary of two touching ranges is accepted', () => {
    expect(checkRequestedTime(at('2026-06-09T11:30+02:00'), 60, NOW, p)).toBeUndefined();
  });

  test('touching ranges offer every start of the continuous opening', () => {
    expect(isoList(candidateStarts('2026-06-09', 60, NOW, p))).toEqual(localTimes('2026-06-09', '+02:00', CONTINUOUS_60));
  });

  test('overlapping ranges offer each start once', () => {
    expect(isoList(candidateStarts('2026-06-10', 60, NOW, p))).toEqual(localTimes('2026-06-10', '+02:00', CONTINUOUS_60));
  });
});

describe('upcoming appointments per customer', () => {
  test.each([
    // [already holding, allowed, refused]
    [0, 3, false],
    [2, 3, false],
    [3, 3, true],
    [5, 3, true],
    [0, 1, false],
    [1, 1, true],
    [0, 0, true],
  ])('holding %i with %i allowed: refused %s', (active, max, refused) => {
    const refusal = checkActiveAppointments(active, max);
    expect(refusal?.reason).toBe(refused ? 'too-many-appointments' : undefined);
  });

  test('the refusal says how many the customer holds and what they can do instead', () => {
    expect(checkActiveAppointments(3, 3)?.message).toMatch(/^You already have 3 upcoming appointments.*move or cancel one of them/);
    expect(checkActiveAppointments(1, 1)?.message).toMatch(/^You already have 1 upcoming appointment,/);
  });
});
