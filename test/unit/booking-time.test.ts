import {
  addDays,
  formatLocalDate,
  formatLocalDateTime,
  fromLocal,
  isValidTimeZone,
  localDateOf,
  minutesOfDay,
  offsetMinutes,
  parseLocalDate,
  parseLocalDateTime,
  toLocal,
  weekdayOf,
  type LocalDateTime,
} from '../../src/booking/time';

const MINUTE = 60_000;

/** "YYYY-MM-DDTHH:mm" → LocalDateTime, parsed without the module under test. */
function local(text: string): LocalDateTime {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(text);
  if (!m) throw new Error(`bad fixture ${text}`);
  return { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]), hour: Number(m[4]), minute: Number(m[5]) };
}

/** LocalDateTime → "YYYY-MM-DDTHH:mm", formatted without the module under test. */
function show(l: LocalDateTime): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(l.year, 4)}-${p(l.month)}-${p(l.day)}T${p(l.hour)}:${p(l.minute)}`;
}

const iso = (d: Date | undefined): string | undefined => d?.toISOString();

describe('isValidTimeZone', () => {
  test.each([
    ['Europe/Madrid', true],
    ['America/New_York', true],
    ['Pacific/Chatham', true],
    ['UTC', true],
    ['Mars/Olympus', false],
    ['', false],
    ['Europe/Atlantis', false],
    ['+25:00', false],
  ])('%j → %s', (zone, expected) => {
    expect(isValidTimeZone(zone)).toBe(expected);
  });
});

describe('toLocal and offsetMinutes', () => {
  test.each([
    // instant, zone, wall clock, offset in minutes
    ['2026-01-15T12:00:00Z', 'Europe/Madrid', '2026-01-15T13:00', 60],
    ['2026-07-15T12:00:00Z', 'Europe/Madrid', '2026-07-15T14:00', 120],
    ['2026-03-29T00:59:00Z', 'Europe/Madrid', '2026-03-29T01:59', 60],
    ['2026-03-29T01:00:00Z', 'Europe/Madrid', '2026-03-29T03:00', 120],
    ['2026-10-25T00:59:00Z', 'Europe/Madrid', '2026-10-25T02:59', 120],
    ['2026-10-25T01:00:00Z', 'Europe/Madrid', '2026-10-25T02:00', 60],
    ['2026-01-15T12:00:00Z', 'America/New_York', '2026-01-15T07:00', -300],
    ['2026-07-15T12:00:00Z', 'America/New_York', '2026-07-15T08:00', -240],
    ['2026-01-01T00:00:00Z', 'America/New_York', '2025-12-31T19:00', -300],
    ['2026-03-08T07:00:00Z', 'America/New_York', '2026-03-08T03:00', -240],
    ['2026-01-15T12:00:00Z', 'Asia/Kolkata', '2026-01-15T17:30', 330],
    ['2026-07-15T18:30:00Z', 'Asia/Kolkata', '2026-07-16T00:00', 330],
    // Lord Howe: +10:30 standard, +11:00 in (southern) summer, a 30-minute shift.
    ['2026-01-15T12:00:00Z', 'Australia/Lord_Howe', '2026-01-15T23:00', 660],
    ['2026-07-15T12:00:00Z', 'Australia/Lord_Howe', '2026-07-15T22:30', 630],
    // Chatham: +12:45 standard, +13:45 in summer.
    ['2026-01-15T12:00:00Z', 'Pacific/Chatham', '2026-01-16T01:45', 825],
    ['2026-07-15T12:00:00Z', 'Pacific/Chatham', '2026-07-16T00:45', 765],
    ['2026-01-15T00:00:00Z', 'UTC', '2026-01-15T00:00', 0],
    ['2026-07-15T23:59:00Z', 'UTC', '2026-07-15T23:59', 0],
    // Seconds are dropped, not rounded.
    ['2026-07-15T12:34:59.999Z', 'Europe/Madrid', '2026-07-15T14:34', 120],
  ])('%s in %s reads %s (offset %d)', (instant, zone, wall, offset) => {
    expect(show(toLocal(new Date(instant), zone))).toBe(wall);
    expect(offsetMinutes(new Date(instant), zone)).toBe(offset);
  });

  test('midnight reads hour 0, never 24', () => {
    expect(toLocal(new Date('2026-01-01T00:00:00Z'), 'UTC')).toEqual({ year: 2026, month: 1, day: 1, hour: 0, minute: 0 });
    expect(toLocal(new Date('2025-12-31T23:00:00Z'), 'Europe/Madrid')).toEqual({ year: 2026, month: 1, day: 1, hour: 0, minute: 0 });
  });
});

describe('fromLocal', () => {
  test.each([
    ['2026-01-15T10:00', 'Europe/Madrid', '2026-01-15T09:00:00.000Z'],
    ['2026-07-15T10:00', 'Europe/Madrid', '2026-07-15T08:00:00.000Z'],
    ['2026-03-29T01:59', 'Europe/Madrid', '2026-03-29T00:59:00.000Z'],
    ['2026-03-29T03:00', 'Europe/Madrid', '2026-03-29T01:00:00.000Z'],
    ['2026-10-25T03:00', 'Europe/Madrid', '2026-10-25T02:00:00.000Z'],
    ['2026-01-01T00:00', 'Europe/Madrid', '2025-12-31T23:00:00.000Z'],
    ['2026-01-15T10:00', 'America/New_York', '2026-01-15T15:00:00.000Z'],
    ['2026-07-15T10:00', 'America/New_York', '2026-07-15T14:00:00.000Z'],
    ['2025-12-31T21:00', 'America/New_York', '2026-01-01T02:00:00.000Z'],
    ['2026-01-15T10:00', 'Asia/Kolkata', '2026-01-15T04:30:00.000Z'],
    ['2026-01-15T10:00', 'Australia/Lord_Howe', '2026-01-14T23:00:00.000Z'],
    ['2026-07-15T10:00', 'Australia/Lord_Howe', '2026-07-14T23:30:00.000Z'],
    ['2026-01-15T10:00', 'Pacific/Chatham', '2026-01-14T20:15:00.000Z'],
    ['2026-07-15T10:00', 'Pacific/Chatham', '2026-07-14T21:15:00.000Z'],
    ['2026-02-28T23:59', 'UTC', '2026-02-28T23:59:00.000Z'],
  ])('%s in %s is %s (both modes)', (wall, zone, expected) => {
    expect(iso(fromLocal(local(wall), zone))).toBe(expected);
    expect(iso(fromLocal(local(wall), zone, 'exact'))).toBe(expected);
    expect(iso(fromLocal(local(wall), zone, 'compatible'))).toBe(expected);
  });

  // Spring forward: the wall clock skips, the reading never happens.
  test.each([
    // wall, zone, compatible result (moved forward by the gap), its wall clock
    ['2026-03-29T02:00', 'Europe/Madrid', '2026-03-29T01:00:00.000Z', '2026-03-29T03:00'],
    ['2026-03-29T02:30', 'Europe/Madrid', '2026-03-29T01:30:00.000Z', '2026-03-29T03:30'],
    ['2026-03-29T02:59', 'Europe/Madrid', '2026-03-29T01:59:00.000Z', '2026-03-29T03:59'],
    ['2026-03-08T02:30', 'America/New_York', '2026-03-08T07:30:00.000Z', '2026-03-08T03:30'],
    ['2026-10-04T02:15', 'Australia/Lord_Howe', '2026-10-03T15:45:00.000Z', '2026-10-04T02:45'],
    ['2026-09-27T03:00', 'Pacific/Chatham', '2026-09-26T14:15:00.000Z', '2026-09-27T04:00'],
  ])('gap: %s in %s does not exist (exact → undefined, compatible → %s = %s local)', (wall, zone, compatible, compatibleWall) => {
    expect(fromLocal(local(wall), zone)).toBeUndefined();
    expect(fromLocal(local(wall), zone, 'exact')).toBeUndefined();
    const moved = fromLocal(local(wall), zone, 'compatible');
    expect(iso(moved)).toBe(compatible);
    expect(show(toLocal(moved!, zone))).toBe(compatibleWall);
  });

  // Fall back: the reading happens twice, the earlier instant wins (in both modes).
  test.each([
    ['2026-10-25T02:00', 'Europe/Madrid', '2026-10-25T00:00:00.000Z', '2026-10-25T01:00:00.000Z'],
    ['2026-10-25T02:30', 'Europe/Madrid', '2026-10-25T00:30:00.000Z', '2026-10-25T01:30:00.000Z'],
    ['2026-10-25T02:59', 'Europe/Madrid', '2026-10-25T00:59:00.000Z', '2026-10-25T01:59:00.000Z'],
    ['2026-11-01T01:30', 'America/New_York', '2026-11-01T05:30:00.000Z', '2026-11-01T06:30:00.000Z'],
    ['2026-04-05T01:45', 'Australia/Lord_Howe', '2026-04-04T14:45:00.000Z', '2026-04-04T15:15:00.000Z'],
    ['2026-04-05T03:00', 'Pacific/Chatham', '2026-04-04T13:15:00.000Z', '2026-04-04T14:15:00.000Z'],
  ])('overlap: %s in %s → the earlier %s (not %s)', (wall, zone, earlier, later) => {
    // Both instants really do read that wall clock.
    expect(show(toLocal(new Date(earlier), zone))).toBe(wall);
    expect(show(toLocal(new Date(later), zone))).toBe(wall);
    expect(iso(fromLocal(local(wall), zone, 'exact'))).toBe(earlier);
    expect(iso(fromLocal(local(wall), zone, 'compatible'))).toBe(earlier);
  });

  test.each([['2026-02-29T10:00'], ['2026-04-31T10:00'], ['2026-01-15T24:00'], ['2026-01-15T10:60']])(
    'a wall clock that is not a real reading (%s) is undefined in exact mode',
    (wall) => {
      expect(fromLocal(local(wall), 'Europe/Madrid', 'exact')).toBeUndefined();
    },
  );
});

describe('round trips across 2026', () => {
  const zones: Array<{ zone: string; gaps: string[]; repeats: string[] }> = [
    { zone: 'Europe/Madrid', gaps: ['2026-03-29T02:00'], repeats: ['2026-10-25T01:00:00.000Z'] },
    { zone: 'America/New_York', gaps: ['2026-03-08T02:00'], repeats: ['2026-11-01T06:00:00.000Z'] },
    { zone: 'Asia/Kolkata', gaps: [], repeats: [] },
    { zone: 'Australia/Lord_Howe', gaps: ['2026-10-04T02:00'], repeats: ['2026-04-04T15:00:00.000Z'] },
    { zone: 'Pacific/Chatham', gaps: ['2026-09-27T03:00'], repeats: ['2026-04-04T14:00:00.000Z'] },
    { zone: 'UTC', gaps: [], repeats: [] },
  ];
  const start = Date.UTC(2026, 0, 1);
  const end = Date.UTC(2027, 0, 1);

  test.each(zones)('$zone: every hourly wall clock of the year maps back to itself, except the gap', ({ zone, gaps }) => {
    const missing: string[] = [];
    let checked = 0;
    for (let t = start; t < end; t += 60 * MINUTE) {
      const d = new Date(t);
      const wall: LocalDateTime = { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: 0 };
      const instant = fromLocal(wall, zone);
      if (!instant) {
        missing.push(show(wall));
        continue;
      }
      checked++;
      expect(show(toLocal(instant, zone))).toBe(show(wall));
      // The offset in force at that instant is exactly the difference.
      expect(Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour) - instant.getTime()).toBe(offsetMinutes(instant, zone) * MINUTE);
    }
    expect(missing).toEqual(gaps);
    expect(checked).toBe(8760 - gaps.length);
  });

  test.each(zones)('$zone: every hourly instant of the year is found again from its wall clock, except second readings', ({ zone, repeats }) => {
    const differ: string[] = [];
    for (let t = start; t < end; t += 60 * MINUTE) {
      const back = fromLocal(toLocal(new Date(t), zone), zone);
      expect(back).toBeDefined();
      if (back!.getTime() !== t) {
        differ.push(new Date(t).toISOString());
        // A second reading maps to the first one, an hour (or half) earlier, never later.
        expect(back!.getTime()).toBeLessThan(t);
        expect(show(toLocal(back!, zone))).toBe(show(toLocal(new Date(t), zone)));
      }
    }
    expect(differ).toEqual(repeats);
  });

  test.each([
    // zone, first day swept (local), wall clocks that never happen at 15-minute resolution
    ['Europe/Madrid', '2026-03-28', ['2026-03-29T02:00', '2026-03-29T02:15', '2026-03-29T02:30', '2026-03-29T02:45']],
    ['Europe/Madrid', '2026-10-24', []],
    ['America/New_York', '2026-03-07', ['2026-03-08T02:00', '2026-03-08T02:15', '2026-03-08T02:30', '2026-03-08T02:45']],
    ['Australia/Lord_Howe', '2026-10-03', ['2026-10-04T02:00', '2026-10-04T02:15']],
    ['Pacific/Chatham', '2026-09-26', ['2026-09-27T02:45', '2026-09-27T03:00', '2026-09-27T03:15', '2026-09-27T03:30']],
  ])('%s: around the change from %s, every 15 minutes for three days', (zone, firstDay, gaps) => {
    const base = Date.parse(`${firstDay}T00:00:00Z`);
    const missing: string[] = [];
    for (let m = 0; m < 3 * 1440; m += 15) {
      const d = new Date(base + m * MINUTE);
      const wall: LocalDateTime = {
        year: d.getUTCFullYear(),
        month: d.getUTCMonth() + 1,
        day: d.getUTCDate(),
        hour: d.getUTCHours(),
        minute: d.getUTCMinutes(),
      };
      const instant = fromLocal(wall, zone);
      if (instant) expect(show(toLocal(instant, zone))).toBe(show(wall));
      else missing.push(show(wall));
    }
    expect(missing).toEqual(gaps);
  });

  test.each([
    // zone, UTC window swept, instants whose wall clock was already read an earlier moment
    ['Europe/Madrid', '2026-10-24T12:00:00Z', ['2026-10-25T01:00:00.000Z', '2026-10-25T01:15:00.000Z', '2026-10-25T01:30:00.000Z', '2026-10-25T01:45:00.000Z']],
    [
      'America/New_York',
      '2026-11-01T00:00:00Z',
      ['2026-11-01T06:00:00.000Z', '2026-11-01T06:15:00.000Z', '2026-11-01T06:30:00.000Z', '2026-11-01T06:45:00.000Z'],
    ],
    ['Australia/Lord_Howe', '2026-04-04T00:00:00Z', ['2026-04-04T15:00:00.000Z', '2026-04-04T15:15:00.000Z']],
    [
      'Pacific/Chatham',
      '2026-04-04T00:00:00Z',
      ['2026-04-04T14:00:00.000Z', '2026-04-04T14:15:00.000Z', '2026-04-04T14:30:00.000Z', '2026-04-04T14:45:00.000Z'],
    ],
  ])('%s: second readings after the clocks go back, every 15 minutes from %s', (zone, from, repeats) => {
    const base = Date.parse(from);
    const differ: string[] = [];
    for (let m = 0; m < 1440; m += 15) {
      const t = base + m * MINUTE;
      const back = fromLocal(toLocal(new Date(t), zone), zone)!;
      if (back.getTime() !== t) differ.push(new Date(t).toISOString());
    }
    expect(differ).toEqual(repeats);
  });
});

describe('parseLocalDate', () => {
  test.each([
    ['2026-01-01', { year: 2026, month: 1, day: 1 }],
    ['2026-12-31', { year: 2026, month: 12, day: 31 }],
    ['2028-02-29', { year: 2028, month: 2, day: 29 }],
    ['2000-02-29', { year: 2000, month: 2, day: 29 }],
    ['2026-04-30', { year: 2026, month: 4, day: 30 }],
  ])('%s is valid', (text, expected) => {
    expect(parseLocalDate(text)).toEqual(expected);
  });

  test.each([
    ['2026-02-30'],
    ['2026-02-29'],
    ['2025-02-29'],
    ['1900-02-29'],
    ['2026-04-31'],
    ['2026-13-01'],
    ['2026-00-10'],
    ['2026-01-00'],
    ['2026-1-01'],
    ['2026-01-1'],
    ['26-01-01'],
    ['2026/01/01'],
    ['2026-01-01x'],
    ['2026-01-01T10:00'],
    [' 2026-01-01'],
    [''],
    ['2026-01-01\n'],
  ])('%j is not a date', (text) => {
    expect(parseLocalDate(text)).toBeUndefined();
  });
});

describe('parseLocalDateTime', () => {
  test.each([
    ['2026-03-01T10:00', '2026-03-01T10:00'],
    ['2026-03-01 10:00', '2026-03-01T10:00'],
    ['2026-03-01T10:00:00', '2026-03-01T10:00'],
    ['2026-03-01 23:59:00', '2026-03-01T23:59'],
    ['2026-03-01T00:00', '2026-03-01T00:00'],
    ['2028-02-29T12:30', '2028-02-29T12:30'],
    ['  2026-03-01T10:00  ', '2026-03-01T10:00'],
  ])('%j is %s', (text, expected) => {
    const parsed = parseLocalDateTime(text);
    expect(parsed).toBeDefined();
    expect(show(parsed!)).toBe(expected);
  });

  test.each([
    ['2026-02-30T10:00'],
    ['2025-02-29T10:00'],
    ['2026-03-01T24:00'],
    ['2026-03-01T12:60'],
    ['2026-03-01T25:00'],
    ['2026-03-01T9:00'],
    ['2026-03-01T09:0'],
    ['2026-3-01T09:00'],
    ['2026-03-01T10:00Z'],
    ['2026-03-01T10:00+01:00'],
    ['2026-03-01T10:00:30'],
    ['2026-03-01T10:00:00.000'],
    ['2026-03-01T10:00 tomorrow'],
    ['2026-03-01'],
    ['2026-03-01T'],
    ['2026-03-01X10:00'],
    [''],
  ])('%j is not a date-time', (text) => {
    expect(parseLocalDateTime(text)).toBeUndefined();
  });
});

describe('formatLocalDate / formatLocalDateTime', () => {
  test.each([
    [{ year: 2026, month: 1, day: 5, hour: 9, minute: 5 }, '2026-01-05', '2026-01-05T09:05'],
    [{ year: 2026, month: 12, day: 31, hour: 23, minute: 59 }, '2026-12-31', '2026-12-31T23:59'],
    [{ year: 999, month: 2, day: 3, hour: 0, minute: 0 }, '0999-02-03', '0999-02-03T00:00'],
  ])('%j → %s / %s', (value, date, dateTime) => {
    expect(formatLocalDate(value)).toBe(date);
    expect(formatLocalDateTime(value)).toBe(dateTime);
  });
});

describe('addDays', () => {
  test.each([
    ['2026-01-31', 1, '2026-02-01'],
    ['2026-02-28', 1, '2026-03-01'],
    ['2028-02-28', 1, '2028-02-29'],
    ['2028-02-29', 1, '2028-03-01'],
    ['2028-03-01', -1, '2028-02-29'],
    ['2026-03-01', -1, '2026-02-28'],
    ['2026-12-31', 1, '2027-01-01'],
    ['2027-01-01', -1, '2026-12-31'],
    ['2026-06-15', 0, '2026-06-15'],
    ['2026-01-01', 30, '2026-01-31'],
    ['2026-01-01', 365, '2027-01-01'],
    ['2028-01-01', 365, '2028-12-31'],
    ['2026-03-28', 2, '2026-03-30'],
    ['2026-10-24', 2, '2026-10-26'],
    ['2026-06-08', 30, '2026-07-08'],
    ['2026-01-15', -45, '2025-12-01'],
  ])('%s + %d = %s', (date, days, expected) => {
    expect(addDays(date, days)).toBe(expected);
  });

  test.each([['2026-02-30'], ['not a date'], ['2026-1-1']])('%j throws a RangeError', (date) => {
    expect(() => addDays(date, 1)).toThrow(RangeError);
  });
});

describe('weekdayOf', () => {
  test.each([
    ['1970-01-01', 'thu'],
    ['2000-01-01', 'sat'],
    ['2024-02-29', 'thu'],
    ['2026-01-01', 'thu'],
    ['2026-03-29', 'sun'],
    ['2026-06-08', 'mon'],
    ['2026-06-09', 'tue'],
    ['2026-06-10', 'wed'],
    ['2026-06-11', 'thu'],
    ['2026-06-12', 'fri'],
    ['2026-06-13', 'sat'],
    ['2026-06-14', 'sun'],
    ['2026-10-25', 'sun'],
    ['2026-12-31', 'thu'],
    ['2028-02-29', 'tue'],
  ])('%s is %s', (date, expected) => {
    expect(weekdayOf(date)).toBe(expected);
  });

  test('an invalid date throws a RangeError', () => {
    expect(() => weekdayOf('2026-02-30')).toThrow(RangeError);
  });
});

describe('localDateOf', () => {
  test.each([
    // ahead of UTC: the local day starts before the UTC one
    ['2026-01-01T22:59:00Z', 'Europe/Madrid', '2026-01-01'],
    ['2026-01-01T23:00:00Z', 'Europe/Madrid', '2026-01-02'],
    ['2026-07-01T21:59:00Z', 'Europe/Madrid', '2026-07-01'],
    ['2026-07-01T22:00:00Z', 'Europe/Madrid', '2026-07-02'],
    ['2026-01-01T18:29:00Z', 'Asia/Kolkata', '2026-01-01'],
    ['2026-01-01T18:30:00Z', 'Asia/Kolkata', '2026-01-02'],
    ['2026-01-01T10:00:00Z', 'Pacific/Kiritimati', '2026-01-02'],
    ['2026-01-01T10:14:00Z', 'Pacific/Chatham', '2026-01-01'],
    ['2026-01-01T10:15:00Z', 'Pacific/Chatham', '2026-01-02'],
    ['2026-07-01T11:14:00Z', 'Pacific/Chatham', '2026-07-01'],
    ['2026-07-01T11:15:00Z', 'Pacific/Chatham', '2026-07-02'],
    // behind UTC: the UTC day starts before the local one
    ['2026-01-01T04:59:00Z', 'America/New_York', '2025-12-31'],
    ['2026-01-01T05:00:00Z', 'America/New_York', '2026-01-01'],
    ['2026-07-01T03:59:00Z', 'America/New_York', '2026-06-30'],
    ['2026-07-01T04:00:00Z', 'America/New_York', '2026-07-01'],
    ['2026-01-01T10:00:00Z', 'Pacific/Pago_Pago', '2025-12-31'],
    ['2026-01-01T00:00:00Z', 'UTC', '2026-01-01'],
    ['2025-12-31T23:59:00Z', 'UTC', '2025-12-31'],
  ])('%s in %s is on %s', (instant, zone, expected) => {
    expect(localDateOf(new Date(instant), zone)).toBe(expected);
  });
});

describe('minutesOfDay', () => {
  test.each([
    ['00:00', 0],
    ['00:01', 1],
    ['09:30', 570],
    ['10:00', 600],
    ['14:45', 885],
    ['23:59', 1439],
    ['24:00', 1440],
  ])('%s → %d', (time, expected) => {
    expect(minutesOfDay(time)).toBe(expected);
  });
});
