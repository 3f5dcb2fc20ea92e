// The settings page's form state: every input holds the text the owner typed
// (numbers included, so a half-typed value is not lost), and converts to and
// from the API's SettingsView. Pure, so the unit tests cover it without React.
import { WEEKDAYS, type Weekday } from '../../../../src/agent/types';
import type { BookingSettingsInput } from '../../../../src/booking/settings';
import type { SettingsView } from '../../types';

export { WEEKDAYS, type Weekday };

export interface TimeRange {
  /** Identifies the row while it is edited (React key), never sent. */
  key: number;
  opens: string;
  closes: string;
}

export interface ExceptionDraft {
  key: number;
  date: string;
  closed: boolean;
  ranges: TimeRange[];
  note: string;
}

export interface ServiceDraft {
  key: number;
  /** Set for services the server knows, so a rename keeps the service (and its appointments). */
  id?: string;
  name: string;
  durationMinutes: string;
  price: string;
  currency: string;
}

export interface RulesDraft {
  maxSimultaneousAppointments: string;
  bufferMinutes: string;
  minNoticeMinutes: string;
  maxDaysAhead: string;
  slotStepMinutes: string;
  replyQuietWindowSeconds: string;
  replyMaxWaitSeconds: string;
  /** Edited in hours, kept by the API in minutes. */
  handBackAfterHours: string;
  flagOutsideHours: boolean;
  customerTurnsPerMinute: string;
  customerTurnsPerDay: string;
  dailyTokenBudget: string;
  maxActiveAppointmentsPerCustomer: string;
  messageRetentionDays: string;
}

export interface SettingsDraft {
  openingHours: Record<Weekday, TimeRange[]>;
  openingExceptions: ExceptionDraft[];
  services: ServiceDraft[];
  rules: RulesDraft;
}

let lastKey = 0;
export const nextKey = (): number => ++lastKey;

// A time input cannot hold "24:00", which the API uses for "open until midnight";
// the owner picks 00:00 as a closing time instead, which can only mean the end of the day.
const MIDNIGHT_END = '24:00';
const MIDNIGHT = '00:00';

function rangesFromView(ranges: Array<[string, string]> | undefined): TimeRange[] {
  return (ranges ?? []).map(([opens, closes]) => ({ key: nextKey(), opens, closes: closes === MIDNIGHT_END ? MIDNIGHT : closes }));
}

function rangesToPayload(ranges: TimeRange[]): Array<[string, string]> {
  return ranges.map((r) => [r.opens, r.closes === MIDNIGHT ? MIDNIGHT_END : r.closes]);
}

const seconds = (ms: number): string => String(ms / 1000);
const milliseconds = (text: string): number => Math.round(number(text) * 1000);

/** The typed text as a number; blank is NaN, so the schema calls it missing rather than zero. */
function number(text: string): number {
  return text.trim() === '' ? NaN : Number(text);
}

/** A large count as owners may type it, grouped ("200,000", "200 000", "200'000"). */
function withoutGrouping(text: string): string {
  return text.replace(/[\s,'_]/g, '');
}

export function draftFromView(view: SettingsView): SettingsDraft {
  return {
    openingHours: Object.fromEntries(WEEKDAYS.map((day) => [day, rangesFromView(view.openingHours[day])])) as Record<Weekday, TimeRange[]>,
    openingExceptions: view.openingExceptions.map((e) => ({
      key: nextKey(),
      date: e.date,
      closed: e.ranges.length === 0,
      ranges: rangesFromView(e.ranges),
      note: e.note ?? '',
    })),
    services: view.services.map((s) => ({
      key: nextKey(),
      id: s.id,
      name: s.name,
      durationMinutes: String(s.durationMinutes),
      price: s.price,
      currency: s.currency,
    })),
    rules: {
      maxSimultaneousAppointments: String(view.maxSimultaneousAppointments),
      bufferMinutes: String(view.bufferMinutes),
      minNoticeMinutes: String(view.minNoticeMinutes),
      maxDaysAhead: String(view.maxDaysAhead),
      slotStepMinutes: String(view.slotStepMinutes),
      replyQuietWindowSeconds: seconds(view.replyQuietWindowMs),
      replyMaxWaitSeconds: seconds(view.replyMaxWaitMs),
      handBackAfterHours: String(view.handBackAfterMinutes / 60),
      flagOutsideHours: view.flagOutsideHours,
      customerTurnsPerMinute: String(view.customerTurnsPerMinute),
      customerTurnsPerDay: String(view.customerTurnsPerDay),
      dailyTokenBudget: String(view.dailyTokenBudget),
      maxActiveAppointmentsPerCustomer: String(view.maxActiveAppointmentsPerCustomer),
      messageRetentionDays: String(view.messageRetentionDays),
    },
  };
}

/**
 * Prices as owners type them on a phone whose keypad has a decimal comma
 * ("25,50"); anything else is left for the schema to judge.
 */
export function normalisePrice(text: string): string {
  return text.trim().replace(/^(\d+),(\d{1,2})$/, '$1.$2');
}

/** What PUT /settings takes. Closed days are left out, as the API stores them. */
export function draftToPayload(draft: SettingsDraft): BookingSettingsInput {
  const openingHours: Partial<Record<Weekday, Array<[string, string]>>> = {};
  for (const day of WEEKDAYS) if (draft.openingHours[day].length > 0) openingHours[day] = rangesToPayload(draft.openingHours[day]);
  return {
    openingHours,
    openingExceptions: draft.openingExceptions.map((e) => ({
      date: e.date,
      ranges: e.closed ? [] : rangesToPayload(e.ranges),
      ...(e.note.trim() ? { note: e.note } : {}),
    })),
    services: draft.services.map((s) => ({
      ...(s.id ? { id: s.id } : {}),
      name: s.name,
      durationMinutes: number(s.durationMinutes),
      price: normalisePrice(s.price),
      currency: s.currency.trim().toUpperCase(),
    })),
    maxSimultaneousAppointments: number(draft.rules.maxSimultaneousAppointments),
    bufferMinutes: number(draft.rules.bufferMinutes),
    minNoticeMinutes: number(draft.rules.minNoticeMinutes),
    maxDaysAhead: number(draft.rules.maxDaysAhead),
    slotStepMinutes: number(draft.rules.slotStepMinutes),
    replyQuietWindowMs: milliseconds(draft.rules.replyQuietWindowSeconds),
    replyMaxWaitMs: milliseconds(draft.rules.replyMaxWaitSeconds),
    handBackAfterMinutes: Math.round(number(draft.rules.handBackAfterHours) * 60),
    flagOutsideHours: draft.rules.flagOutsideHours,
    customerTurnsPerMinute: number(draft.rules.customerTurnsPerMinute),
    customerTurnsPerDay: number(draft.rules.customerTurnsPerDay),
    dailyTokenBudget: number(withoutGrouping(draft.rules.dailyTokenBudget)),
    maxActiveAppointmentsPerCustomer: number(draft.rules.maxActiveAppointmentsPerCustomer),
    messageRetentionDays: number(draft.rules.messageRetentionDays),
  };
}

/** Whether the draft says something other than `saved` (row keys and typing style aside). */
export function differs(draft: SettingsDraft, saved: SettingsDraft): boolean {
  return JSON.stringify(draftToPayload(draft)) !== JSON.stringify(draftToPayload(saved));
}

const toTime = (minutes: number): string => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
const toMinutes = (time: string): number => (/^\d\d:\d\d$/.test(time) ? Number(time.slice(0, 2)) * 60 + Number(time.slice(3)) : NaN);

/**
 * A range to add after `ranges`: an hour after the last one closes, for three
 * hours (a lunch break then the afternoon), or 09:00–17:00 on an empty day.
 */
export function newRange(ranges: TimeRange[]): TimeRange {
  const lastClose = toMinutes(ranges.at(-1)?.closes ?? '');
  if (Number.isNaN(lastClose) || lastClose === 0 || lastClose + 60 >= 24 * 60) return { key: nextKey(), opens: '09:00', closes: '17:00' };
  const opens = lastClose + 60;
  return { key: nextKey(), opens: toTime(opens), closes: toTime(Math.min(opens + 180, 24 * 60) % (24 * 60)) };
}

/** The same hours on other days, as new rows (each day's rows are edited apart afterwards). */
export function copyDay(hours: Record<Weekday, TimeRange[]>, from: Weekday, to: readonly Weekday[]): Record<Weekday, TimeRange[]> {
  const copies = Object.fromEntries(to.map((day) => [day, hours[from].map((r) => ({ ...r, key: nextKey() }))]));
  return { ...hours, ...copies };
}

export function newException(): ExceptionDraft {
  return { key: nextKey(), date: '', closed: true, ranges: [], note: '' };
}

export function newService(services: ServiceDraft[]): ServiceDraft {
  return { key: nextKey(), name: '', durationMinutes: '30', price: '', currency: services[0]?.currency || 'EUR' };
}
