// The windows the abuse and cost limits count in, and what they decide, apart
// from the database that supplies the counts. Turns per minute count in a
// rolling 60 seconds; turns per day and the token budget count in the
// business's calendar day in its own time zone, which is what an owner means by
// "a day" and lets the customer be told truthfully "tomorrow". Pure.
import { fromLocal, toLocal } from './booking/time';

export const MINUTE_WINDOW_MS = 60_000;

export type TurnWindow = 'minute' | 'day';

export interface LimitWindows {
  /** Turns since this instant count against the per-minute limit. */
  minuteStart: Date;
  /** Midnight of the business's day: turns and tokens since then count against the day's limits. */
  dayStart: Date;
}

export function limitWindows(now: Date, timeZone: string): LimitWindows {
  return { minuteStart: new Date(now.getTime() - MINUTE_WINDOW_MS), dayStart: startOfLocalDay(now, timeZone) };
}

/** Midnight in `timeZone` of the day `now` falls on; where a zone skips midnight, the first instant of that day. */
export function startOfLocalDay(now: Date, timeZone: string): Date {
  const { year, month, day } = toLocal(now, timeZone);
  return fromLocal({ year, month, day, hour: 0, minute: 0 }, timeZone, 'compatible')!;
}

export interface TurnLimits {
  perMinute: number;
  perDay: number;
}

/** Turns of one customer that count: those that answered (the ones stopped by a limit do not). */
export interface TurnCounts {
  lastMinute: number;
  today: number;
}

/** The window whose limit another turn would pass, the day's when both are reached; none while the customer is within both. */
export function exceededWindow(counts: TurnCounts, limits: TurnLimits): TurnWindow | undefined {
  if (counts.today >= limits.perDay) return 'day';
  if (counts.lastMinute >= limits.perMinute) return 'minute';
  return undefined;
}

/**
 * What to do with the business's "budget spent" flag: set it when the day's
 * budget is spent and it is not already set today, clear it once the business
 * is within its budget again (a new day, or a raised budget).
 */
export function budgetFlagChange(spent: boolean, flaggedAt: Date | null, dayStart: Date): 'set' | 'clear' | 'keep' {
  if (spent) return flaggedAt && flaggedAt >= dayStart ? 'keep' : 'set';
  return flaggedAt ? 'clear' : 'keep';
}

/** The flag as the console shows it: only one set today counts (a flag from yesterday is cleared by the next turn). */
export function budgetSpentToday(flaggedAt: Date | null, dayStart: Date): Date | null {
  return flaggedAt && flaggedAt >= dayStart ? flaggedAt : null;
}
