// A business's booking settings as people edit them: weekly hours with several
// ranges a day, dated exceptions, services with prices as money, and the rules
// the booking code applies. One schema, used by the console's API (and so by
// its pages through the API's field errors), with the booking code's own limits.
import { z } from 'zod';
import { WEEKDAYS } from '../agent/types';
import { minutesOfDay, parseLocalDate } from './time';

const time = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'A time such as 09:30 (24:00 for midnight).');

/** Ranges of one day: each starts before it ends, and they neither overlap nor touch out of order. */
const dayRanges = z.array(z.tuple([time, time])).superRefine((ranges, ctx) => {
  const sorted = [...ranges].sort((a, b) => minutesOfDay(a[0]) - minutesOfDay(b[0]));
  for (const [i, [from, to]] of sorted.entries()) {
    if (minutesOfDay(from) >= minutesOfDay(to)) ctx.addIssue({ code: 'custom', message: `${from}–${to}: the opening time must be before the closing time.` });
    const next = sorted[i + 1];
    if (next && minutesOfDay(next[0]) < minutesOfDay(to)) ctx.addIssue({ code: 'custom', message: `${from}–${to} overlaps ${next[0]}–${next[1]}.` });
  }
});

/** A whole number, with messages a person reads next to the field rather than zod's own. */
const wholeNumber = () => z.number({ error: 'Enter a number.' }).int('Enter a whole number.');

const exception = z.object({
  date: z.string().refine((d) => /^\d{4}-\d{2}-\d{2}$/.test(d) && parseLocalDate(d) !== undefined, 'A date such as 2026-12-24.'),
  ranges: dayRanges,
  note: z.string().trim().max(200, 'At most 200 characters.').optional(),
});

/** How many decimals a currency's amounts have (2 for EUR, 0 for JPY), from Intl. */
export function currencyDecimals(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** Minor units as people read them: 2500 EUR → "25.00", 1000 JPY → "1000". */
export function formatAmount(minorUnits: number, currency: string): string {
  const decimals = currencyDecimals(currency);
  return (minorUnits / 10 ** decimals).toFixed(decimals);
}

const service = z
  .object({
    id: z.uuid().optional(),
    name: z.string().trim().min(1, 'Give the service a name.').max(100, 'At most 100 characters.'),
    durationMinutes: wholeNumber().min(5, 'At least 5 minutes.').max(600, 'At most 10 hours.'),
    // As people write it ("25", "25.5", "25.50"); kept in the currency's minor units (cents).
    price: z.union([z.number(), z.string().trim()]).transform((v) => String(v)),
    currency: z
      .string()
      .trim()
      .regex(/^[A-Z]{3}$/, 'A currency code such as EUR.'),
  })
  .transform((s, ctx) => {
    const decimals = currencyDecimals(s.currency);
    const pattern = decimals === 0 ? /^\d{1,7}$/ : new RegExp(`^\\d{1,7}(\\.\\d{1,${decimals}})?$`);
    if (!pattern.test(s.price)) {
      ctx.addIssue({
        code: 'custom',
        path: ['price'],
        message: decimals === 0 ? `A whole amount of ${s.currency}, such as 1500.` : `A price such as 25 or 25.50.`,
      });
      return z.NEVER;
    }
    return { ...s, price: Math.round(Number(s.price) * 10 ** decimals) };
  });

export const SLOT_STEPS = [5, 10, 15, 20, 30, 60] as const;

export const bookingSettingsSchema = z
  .object({
    openingHours: z.partialRecord(z.enum(WEEKDAYS), dayRanges),
    openingExceptions: z.array(exception).superRefine((list, ctx) => {
      const seen = new Set<string>();
      for (const [i, e] of list.entries()) {
        if (seen.has(e.date)) ctx.addIssue({ code: 'custom', path: [i, 'date'], message: `${e.date} is listed twice.` });
        seen.add(e.date);
      }
    }),
    services: z
      .array(service)
      .min(1, 'Offer at least one service.')
      .superRefine((list, ctx) => {
        const seen = new Set<string>();
        for (const [i, s] of list.entries()) {
          const key = s.name.toLowerCase();
          if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `"${s.name}" is listed twice.` });
          seen.add(key);
        }
      }),
    maxSimultaneousAppointments: wholeNumber().min(1, 'At least 1.').max(50, 'At most 50.'),
    bufferMinutes: wholeNumber().min(0, 'At least 0.').max(240, 'At most 4 hours.'),
    minNoticeMinutes: wholeNumber()
      .min(0, 'At least 0.')
      .max(14 * 24 * 60, 'At most 14 days.'),
    maxDaysAhead: wholeNumber().min(1, 'At least 1 day.').max(365, 'At most a year.'),
    slotStepMinutes: wholeNumber().refine((n) => (SLOT_STEPS as readonly number[]).includes(n), `One of ${SLOT_STEPS.join(', ')} minutes.`),
    replyQuietWindowMs: wholeNumber().min(0, 'At least 0.').max(30_000, 'At most 30 seconds.'),
    replyMaxWaitMs: wholeNumber().min(0, 'At least 0.').max(60_000, 'At most 60 seconds.'),
    // A person who took a conversation over and then did nothing for this long gives it back to the bot.
    handBackAfterMinutes: wholeNumber()
      .min(15, 'At least a quarter of an hour.')
      .max(7 * 24 * 60, 'At most 7 days (168 hours).'),
    // Whether a message outside opening hours marks the conversation "needs a person".
    flagOutsideHours: z.boolean({ error: 'Yes or no.' }),
    // Abuse and cost limits: turns the bot answers one customer (a rolling minute, the business's day),
    // model tokens a day for the whole business, and booked future appointments one customer may hold.
    customerTurnsPerMinute: wholeNumber().min(1, 'At least 1.').max(60, 'At most 60.'),
    customerTurnsPerDay: wholeNumber().min(1, 'At least 1.').max(10_000, 'At most 10,000.'),
    dailyTokenBudget: wholeNumber().min(1_000, 'At least 1,000.').max(100_000_000, 'At most 100,000,000.'),
    maxActiveAppointmentsPerCustomer: wholeNumber().min(1, 'At least 1.').max(50, 'At most 50.'),
    // Messages older than this are deleted.
    messageRetentionDays: wholeNumber().min(7, 'At least 7 days.').max(3650, 'At most 10 years (3650 days).'),
  })
  .superRefine((s, ctx) => {
    if (s.replyMaxWaitMs < s.replyQuietWindowMs) ctx.addIssue({ code: 'custom', path: ['replyMaxWaitMs'], message: 'Must be at least the quiet window.' });
    if (s.customerTurnsPerDay < s.customerTurnsPerMinute)
      ctx.addIssue({ code: 'custom', path: ['customerTurnsPerDay'], message: 'Must be at least the replies a minute.' });
  });

export type BookingSettingsInput = z.input<typeof bookingSettingsSchema>;
export type BookingSettings = z.output<typeof bookingSettingsSchema>;
