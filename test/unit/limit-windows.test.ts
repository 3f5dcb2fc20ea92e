// The windows the per-customer turn limits and the daily token budget count in,
// and what they decide: a rolling minute, the business's own calendar day
// (across daylight-saving changes), which limit stops a customer, and when the
// owner's "budget spent" flag is set, kept and cleared.
import { budgetFlagChange, budgetSpentToday, exceededWindow, limitWindows, startOfLocalDay, type TurnCounts } from '../../src/limit-windows';

const at = (iso: string) => new Date(iso);

test.each([
  ['a winter evening in Madrid', '2026-01-15T21:30:00Z', 'Europe/Madrid', '2026-01-14T23:00:00.000Z'],
  ['just after midnight in Madrid', '2026-01-15T23:05:00Z', 'Europe/Madrid', '2026-01-15T23:00:00.000Z'],
  ['just before midnight in Madrid', '2026-01-15T22:59:00Z', 'Europe/Madrid', '2026-01-14T23:00:00.000Z'],
  ['a summer morning in Madrid', '2026-07-01T08:00:00Z', 'Europe/Madrid', '2026-06-30T22:00:00.000Z'],
  ['the day clocks go forward in Madrid (a 23-hour day)', '2026-03-29T20:00:00Z', 'Europe/Madrid', '2026-03-28T23:00:00.000Z'],
  ['the day clocks go back in Madrid (a 25-hour day)', '2026-10-25T22:30:00Z', 'Europe/Madrid', '2026-10-24T22:00:00.000Z'],
  ['New York in the evening, already tomorrow in UTC', '2026-01-16T03:00:00Z', 'America/New_York', '2026-01-15T05:00:00.000Z'],
  ['UTC', '2026-01-15T00:00:00Z', 'UTC', '2026-01-15T00:00:00.000Z'],
  ['a zone whose clocks skip midnight (Santiago, September)', '2026-09-06T12:00:00Z', 'America/Santiago', '2026-09-06T04:00:00.000Z'],
])('the day of %s starts at its local midnight', (_, now, timeZone, midnight) => {
  expect(startOfLocalDay(at(now), timeZone).toISOString()).toBe(midnight);
});

test('the minute is the 60 seconds before now, the day starts at local midnight', () => {
  const windows = limitWindows(at('2026-01-15T10:00:30Z'), 'Europe/Madrid');
  expect(windows.minuteStart.toISOString()).toBe('2026-01-15T09:59:30.000Z');
  expect(windows.dayStart.toISOString()).toBe('2026-01-14T23:00:00.000Z');
});

describe('which limit stops a customer (2 a minute, 5 a day)', () => {
  const limits = { perMinute: 2, perDay: 5 };
  test.each<[string, TurnCounts, 'minute' | 'day' | undefined]>([
    ['a first message', { lastMinute: 0, today: 0 }, undefined],
    ['one turn this minute', { lastMinute: 1, today: 1 }, undefined],
    ['two turns this minute', { lastMinute: 2, today: 2 }, 'minute'],
    ['a quiet minute after four turns today', { lastMinute: 0, today: 4 }, undefined],
    ['five turns today, none this minute', { lastMinute: 0, today: 5 }, 'day'],
    ['both reached: the day, which lasts longer', { lastMinute: 2, today: 5 }, 'day'],
    ['well past both', { lastMinute: 40, today: 900 }, 'day'],
  ])('%s', (_, counts, expected) => {
    expect(exceededWindow(counts, limits)).toBe(expected);
  });
});

describe("the owner's budget flag", () => {
  const dayStart = at('2026-01-14T23:00:00Z');
  const earlierToday = at('2026-01-15T09:00:00Z');
  const yesterday = at('2026-01-14T15:00:00Z');
  test.each<[string, boolean, Date | null, 'set' | 'clear' | 'keep']>([
    ['within budget, never flagged', false, null, 'keep'],
    ['spent, not flagged yet', true, null, 'set'],
    ['spent, flagged earlier today', true, earlierToday, 'keep'],
    ['spent again today, flagged yesterday', true, yesterday, 'set'],
    ['a new day with budget left, flagged yesterday', false, yesterday, 'clear'],
    ['budget raised today after it was spent', false, earlierToday, 'clear'],
  ])('%s: %s', (_, spent, flaggedAt, expected) => {
    expect(budgetFlagChange(spent, flaggedAt, dayStart)).toBe(expected);
  });

  test('the console shows only a flag set today', () => {
    expect(budgetSpentToday(earlierToday, dayStart)).toBe(earlierToday);
    expect(budgetSpentToday(yesterday, dayStart)).toBeNull();
    expect(budgetSpentToday(null, dayStart)).toBeNull();
  });
});
