// The words the settings page uses for days, fields and durations, shared by
// the editors and the error summary so both name a field the same way.
import { WEEKDAY_NAMES, type Weekday } from '../../../../src/agent/types';

/** The settings page names days as the system prompt does. */
export const DAY_NAMES: Record<Weekday, string> = WEEKDAY_NAMES;

/** Labels of the rule inputs, by the API's field key (the reply timings are edited in seconds). */
export const RULE_LABELS = {
  maxSimultaneousAppointments: 'Appointments at the same time',
  bufferMinutes: 'Buffer between appointments (minutes)',
  minNoticeMinutes: 'Minimum notice (minutes)',
  maxDaysAhead: 'How far ahead (days)',
  slotStepMinutes: 'Slot step (minutes)',
  replyQuietWindowMs: 'Quiet window before replying (seconds)',
  replyMaxWaitMs: 'Longest wait before replying (seconds)',
  handBackAfterMinutes: 'Hand back to the bot after (hours)',
  flagOutsideHours: 'Flag messages outside opening hours for a person',
  customerTurnsPerMinute: 'Replies to one customer per minute',
  customerTurnsPerDay: 'Replies to one customer per day',
  dailyTokenBudget: 'Daily AI allowance (tokens)',
  maxActiveAppointmentsPerCustomer: 'Upcoming appointments per customer',
  messageRetentionDays: 'Keep messages for (days)',
} as const;

export const SERVICE_FIELD_LABELS = {
  name: 'Name',
  durationMinutes: 'Duration (minutes)',
  price: 'Price',
  currency: 'Currency',
} as const;

/** Currencies offered in the picker; a service's own currency is added when it is not among them. */
export const COMMON_CURRENCIES = ['EUR', 'USD', 'GBP', 'CHF', 'SEK', 'NOK', 'DKK', 'PLN', 'CZK', 'BRL', 'MXN', 'ARS', 'COP', 'CLP', 'CAD', 'AUD', 'INR', 'ZAR'];

/** "1 hour 30 minutes", "2 days": minutes as an owner thinks of them. */
export function humanDuration(minutes: number): string {
  const units: Array<[string, number]> = [
    ['day', 24 * 60],
    ['hour', 60],
    ['minute', 1],
  ];
  const parts: string[] = [];
  let rest = Math.round(minutes);
  for (const [unit, size] of units) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0) parts.push(`${count} ${unit}${count === 1 ? '' : 's'}`);
  }
  return parts.join(' ') || '0 minutes';
}

/** A calendar date ("2026-12-24") as a reader says it, whatever the browser's own time zone. */
export function formatDay(date: string, locale?: string): string {
  const instant = new Date(`${date}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(instant.getTime())) return date;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeZone: 'UTC' }).format(instant);
}
