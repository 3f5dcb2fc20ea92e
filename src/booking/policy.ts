// A business's booking rules and the checks on one requested time. Pure.
import type { OpeningHours } from '../agent/types';
import { addDays, fromLocal, localDateOf, minutesOfDay, parseLocalDate, weekdayOf } from './time';

/** A dated exception to the weekly hours: other hours that day, or none (closed). */
export interface DateException {
  date: string;
  ranges: Array<[string, string]>;
  note?: string;
}

export interface BookingPolicy {
  timeZone: string;
  openingHours: OpeningHours;
  exceptions: DateException[];
  /** Free time kept after each appointment before the next can start. */
  bufferMinutes: number;
  /** How long before the start a booking must be made. */
  minNoticeMinutes: number;
  /** How many days ahead customers may book. */
  maxDaysAhead: number;
  /** The grid on which free start times are offered (every 15 or 30 minutes). */
  slotStepMinutes: number;
  /** At most this many appointments at the same moment. */
  capacity: number;
}

export interface Interval {
  start: number;
  end: number;
}

export type RefusalReason = 'invalid-time' | 'in-past' | 'too-soon' | 'too-far' | 'closed' | 'outside-hours' | 'full' | 'blocked' | 'too-many-appointments';

export interface Refusal {
  reason: RefusalReason;
  message: string;
}

const MINUTE = 60_000;

/** The opening hours of one local date, as instants (DST-aware). */
export function openingIntervals(date: string, policy: Pick<BookingPolicy, 'timeZone' | 'openingHours' | 'exceptions'>): Interval[] {
  const day = parseLocalDate(date);
  if (!day) return [];
  const exception = policy.exceptions.find((e) => e.date === date);
  const ranges = exception ? exception.ranges : (policy.openingHours[weekdayOf(date)] ?? []);
  const intervals = ranges.flatMap(([from, to]) => {
    const at = (time: string) => {
      const minutes = minutesOfDay(time);
      // "24:00" and ranges ending at midnight belong to the next day's first minute.
      const local = { ...day, hour: Math.floor(minutes / 60), minute: minutes % 60 };
      if (local.hour === 24) return fromLocal({ ...parseLocalDate(addDays(date, 1))!, hour: 0, minute: 0 }, policy.timeZone, 'compatible');
      return fromLocal(local, policy.timeZone, 'compatible');
    };
    const start = at(from)?.getTime();
    const end = at(to)?.getTime();
    return start !== undefined && end !== undefined && end > start ? [{ start, end }] : [];
  });
  return mergeTouching(intervals);
}

/** Ranges that touch or overlap ("10:00–12:00" and "12:00–14:00") are one stretch of opening time. */
function mergeTouching(intervals: Interval[]): Interval[] {
  const merged: Interval[] = [];
  for (const next of [...intervals].sort((a, b) => a.start - b.start)) {
    const last = merged.at(-1);
    if (last && next.start <= last.end) last.end = Math.max(last.end, next.end);
    else merged.push({ ...next });
  }
  return merged;
}

/** Why an appointment of `durationMinutes` starting at `start` cannot be booked, ignoring other bookings. */
export function checkRequestedTime(start: Date, durationMinutes: number, now: Date, policy: BookingPolicy): Refusal | undefined {
  const begins = start.getTime();
  const ends = begins + durationMinutes * MINUTE;
  if (begins <= now.getTime()) return { reason: 'in-past', message: 'That time has already passed.' };
  if (begins < now.getTime() + policy.minNoticeMinutes * MINUTE) {
    return { reason: 'too-soon', message: `Appointments need to be booked at least ${formatDuration(policy.minNoticeMinutes)} in advance.` };
  }
  const lastDate = addDays(localDateOf(now, policy.timeZone), policy.maxDaysAhead);
  const date = localDateOf(start, policy.timeZone);
  if (date > lastDate) return { reason: 'too-far', message: `Appointments can be booked up to ${policy.maxDaysAhead} days ahead.` };
  const intervals = openingIntervals(date, policy);
  if (intervals.length === 0) return { reason: 'closed', message: 'The business is closed that day.' };
  if (!intervals.some((i) => begins >= i.start && ends <= i.end)) {
    return { reason: 'outside-hours', message: 'That time is outside opening hours (the appointment must end before closing).' };
  }
  return undefined;
}

/** Start times on `date` that satisfy the rules, on the policy's grid, before considering other bookings. */
export function candidateStarts(date: string, durationMinutes: number, now: Date, policy: BookingPolicy): Date[] {
  const step = policy.slotStepMinutes * MINUTE;
  return openingIntervals(date, policy).flatMap((interval) => {
    const starts: Date[] = [];
    for (let t = interval.start; t + durationMinutes * MINUTE <= interval.end; t += step) {
      const start = new Date(t);
      if (!checkRequestedTime(start, durationMinutes, now, policy)) starts.push(start);
    }
    return starts;
  });
}

/** The time an appointment keeps the business busy: its duration plus the buffer after it. */
export function occupiedInterval(start: Date, durationMinutes: number, bufferMinutes: number): Interval {
  return { start: start.getTime(), end: start.getTime() + (durationMinutes + bufferMinutes) * MINUTE };
}

/** The most intervals that overlap at any single moment inside `window`. */
export function maxConcurrent(intervals: Interval[], window: Interval): number {
  const events: Array<[number, number]> = [];
  for (const i of intervals) {
    const start = Math.max(i.start, window.start);
    const end = Math.min(i.end, window.end);
    if (start < end) events.push([start, 1], [end, -1]);
  }
  // At the same instant an ending frees its place before a start takes one.
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let current = 0;
  let max = 0;
  for (const [, delta] of events) {
    current += delta;
    max = Math.max(max, current);
  }
  return max;
}

export function overlaps(a: Interval, b: Interval): boolean {
  return a.start < b.end && b.start < a.end;
}

/**
 * Whether a new appointment occupying `candidate` fits: no blocked time (events
 * the owner put in the calendar) overlaps it, and fewer than `capacity`
 * appointments are running at every moment of it.
 */
export function fitsCapacity(candidate: Interval, booked: Interval[], blocked: Interval[], capacity: number): Refusal | undefined {
  if (blocked.some((b) => overlaps(b, candidate))) return { reason: 'blocked', message: 'That time is not available.' };
  if (maxConcurrent(booked, candidate) >= capacity) return { reason: 'full', message: 'That time is already fully booked.' };
  return undefined;
}

/**
 * Whether a customer holding `active` upcoming appointments may book one more:
 * one number steering the assistant could otherwise fill the calendar. Moving
 * an appointment is not booking one, so it is never refused for this.
 */
export function checkActiveAppointments(active: number, maxPerCustomer: number): Refusal | undefined {
  if (active < maxPerCustomer) return undefined;
  return {
    reason: 'too-many-appointments',
    message:
      `You already have ${active} upcoming appointment${active === 1 ? '' : 's'}, the most we can book for one customer at a time. ` +
      'To book another, move or cancel one of them first.',
  };
}

function formatDuration(minutes: number): string {
  if (minutes % 1440 === 0) return `${minutes / 1440} day(s)`;
  if (minutes % 60 === 0) return `${minutes / 60} hour(s)`;
  return `${minutes} minutes`;
}
