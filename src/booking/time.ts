// Wall-clock time in a business's IANA time zone, with Intl only (no date
// library), correct across daylight-saving changes. A local date is
// "YYYY-MM-DD", a local date-time "YYYY-MM-DDTHH:mm". Pure: also used in workflows.
import { WEEKDAYS, type Weekday } from '../agent/types';

export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const MINUTE = 60_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock reading in `timeZone` at `instant` (to the minute). */
export function toLocal(instant: Date, timeZone: string): LocalDateTime {
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  return { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day), hour: Number(parts.hour), minute: Number(parts.minute) };
}

/** Minutes to add to UTC to get the wall clock in `timeZone` at `instant`. */
export function offsetMinutes(instant: Date, timeZone: string): number {
  const local = toLocal(instant, timeZone);
  const asUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute);
  return Math.round((asUtc - Math.floor(instant.getTime() / MINUTE) * MINUTE) / MINUTE);
}

function sameWallClock(a: LocalDateTime, b: LocalDateTime): boolean {
  return a.year === b.year && a.month === b.month && a.day === b.day && a.hour === b.hour && a.minute === b.minute;
}

/**
 * The instant at which the wall clock in `timeZone` reads `local`. When clocks go
 * back the reading happens twice and the earlier instant is returned; when they
 * go forward it never happens: `exact` returns undefined, `compatible` moves
 * forward by the gap (02:30 in a 02:00→03:00 gap becomes 03:30), as calendars do.
 */
export function fromLocal(local: LocalDateTime, timeZone: string, mode: 'exact' | 'compatible' = 'exact'): Date | undefined {
  const asUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute);
  // The offsets in force a day either side cover any single transition near this moment.
  const offsets = new Set([-1, 0, 1].map((days) => offsetMinutes(new Date(asUtc + days * 86_400_000), timeZone)));
  const candidates = [...offsets]
    .map((offset) => new Date(asUtc - offset * MINUTE))
    .filter((instant) => sameWallClock(toLocal(instant, timeZone), local))
    .sort((a, b) => a.getTime() - b.getTime());
  if (candidates[0]) return candidates[0];
  if (mode === 'exact') return undefined;
  const before = offsetMinutes(new Date(asUtc - 86_400_000), timeZone);
  return new Date(asUtc - before * MINUTE);
}

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::00)?$/;

function isRealDate(year: number, month: number, day: number): boolean {
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

export function parseLocalDate(text: string): { year: number; month: number; day: number } | undefined {
  const m = LOCAL_DATE.exec(text);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return isRealDate(year, month, day) ? { year, month, day } : undefined;
}

export function parseLocalDateTime(text: string): LocalDateTime | undefined {
  const m = LOCAL_DATE_TIME.exec(text.trim());
  if (!m) return undefined;
  const [year, month, day, hour, minute] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])];
  if (!isRealDate(year, month, day) || hour > 23 || minute > 59) return undefined;
  return { year, month, day, hour, minute };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

export function formatLocalDate(local: { year: number; month: number; day: number }): string {
  return `${pad(local.year, 4)}-${pad(local.month)}-${pad(local.day)}`;
}

export function formatLocalDateTime(local: LocalDateTime): string {
  return `${formatLocalDate(local)}T${pad(local.hour)}:${pad(local.minute)}`;
}

/** "YYYY-MM-DD" of the business's calendar day at `instant`. */
export function localDateOf(instant: Date, timeZone: string): string {
  return formatLocalDate(toLocal(instant, timeZone));
}

export function addDays(date: string, days: number): string {
  const d = parseLocalDate(date);
  if (!d) throw new RangeError(`Not a date: ${date}`);
  const moved = new Date(Date.UTC(d.year, d.month - 1, d.day + days));
  return formatLocalDate({ year: moved.getUTCFullYear(), month: moved.getUTCMonth() + 1, day: moved.getUTCDate() });
}

export function weekdayOf(date: string): Weekday {
  const d = parseLocalDate(date);
  if (!d) throw new RangeError(`Not a date: ${date}`);
  // getUTCDay: 0 = Sunday; WEEKDAYS starts on Monday.
  return WEEKDAYS[(new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay() + 6) % 7]!;
}

/** "HH:mm" → minutes after midnight. */
export function minutesOfDay(time: string): number {
  const [h, m] = time.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}
