// A business as the assistant and the booking tools see it, read from its one
// database row: what the prompt says about it (profile) and the rules, services
// and calendar connection the booking tools apply (booking).
import { z } from 'zod';
import { WEEKDAYS, type BusinessProfile, type OpeningHours } from '../agent/types';
import type { Database } from '../db/client';
import { queryOne, queryRows } from '../db/sql';
import type { BookingPolicy } from './policy';

// "24:00" closes a range at midnight.
const timeOfDay = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/);
const ranges = z.array(z.tuple([timeOfDay, timeOfDay]));
export const openingHoursSchema = z.partialRecord(z.enum(WEEKDAYS), ranges);
const exceptionsSchema = z.array(z.object({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), ranges, note: z.string().optional() }));

export interface BookableService {
  id: string;
  name: string;
  durationMinutes: number;
  priceCents: number;
  currency: string;
}

/** What the booking tools need of a business: its rules, services and calendar connection. */
export interface BookingBusiness {
  id: string;
  name: string;
  policy: BookingPolicy;
  services: BookableService[];
  googleCalendarId: string | null;
  googleRefreshToken: string | null;
  /** Why Google last refused the calendar credentials, until a call succeeds again. */
  calendarAccessError: string | null;
  /** Upcoming appointments one customer may hold at once (policy.ts checkActiveAppointments). */
  maxActiveAppointmentsPerCustomer: number;
}

export interface Business {
  profile: BusinessProfile;
  booking: BookingBusiness;
}

interface BusinessRow {
  id: string;
  name: string;
  timeZone: string;
  language: string;
  personality: string;
  policies: string;
  openingHours: unknown;
  openingExceptions: unknown;
  maxSimultaneousAppointments: number;
  bufferMinutes: number;
  minNoticeMinutes: number;
  maxDaysAhead: number;
  slotStepMinutes: number;
  googleCalendarId: string | null;
  googleRefreshToken: string | null;
  calendarAccessError: string | null;
  maxActiveAppointmentsPerCustomer: number;
}

const BUSINESS_COLUMNS = `id, name, time_zone AS "timeZone", language, personality, policies,
  opening_hours AS "openingHours", opening_exceptions AS "openingExceptions",
  max_simultaneous_appointments AS "maxSimultaneousAppointments", buffer_minutes AS "bufferMinutes",
  min_notice_minutes AS "minNoticeMinutes", max_days_ahead AS "maxDaysAhead", slot_step_minutes AS "slotStepMinutes",
  google_calendar_id AS "googleCalendarId", google_refresh_token AS "googleRefreshToken",
  calendar_access_error AS "calendarAccessError", max_active_appointments_per_customer AS "maxActiveAppointmentsPerCustomer"`;

/**
 * Reads a business and its active services once. A malformed opening-hours or
 * exceptions value in the database must not take the assistant down: it then
 * knows no hours (and books nothing) rather than failing every turn.
 */
export async function loadBusiness(db: Database, businessId: string): Promise<Business> {
  // Plain SQL (src/db/sql.ts): every turn reads this.
  const [b, activeServices] = await Promise.all([
    queryOne<BusinessRow>(db, `business ${businessId}`, `SELECT ${BUSINESS_COLUMNS} FROM business WHERE id = $1`, [businessId]),
    queryRows<BookableService>(
      db,
      `SELECT id, name, duration_minutes AS "durationMinutes", price_cents AS "priceCents", currency
       FROM service WHERE business_id = $1 AND active ORDER BY name ASC`,
      [businessId],
    ),
  ]);
  const hours = openingHoursSchema.safeParse(b.openingHours);
  const openingHours = (hours.success ? hours.data : {}) as OpeningHours;
  const exceptions = exceptionsSchema.safeParse(b.openingExceptions);
  const services = activeServices.map(({ id, name, durationMinutes, priceCents, currency }) => ({ id, name, durationMinutes, priceCents, currency }));
  return {
    profile: {
      id: b.id,
      name: b.name,
      timeZone: b.timeZone,
      language: b.language,
      personality: b.personality,
      policies: b.policies,
      openingHours,
      maxSimultaneousAppointments: b.maxSimultaneousAppointments,
      services: services.map(({ name, durationMinutes, priceCents, currency }) => ({ name, durationMinutes, priceCents, currency })),
    },
    booking: {
      id: b.id,
      name: b.name,
      policy: {
        timeZone: b.timeZone,
        openingHours,
        exceptions: exceptions.success ? exceptions.data : [],
        bufferMinutes: b.bufferMinutes,
        minNoticeMinutes: b.minNoticeMinutes,
        maxDaysAhead: b.maxDaysAhead,
        slotStepMinutes: b.slotStepMinutes,
        capacity: b.maxSimultaneousAppointments,
      },
      services,
      googleCalendarId: b.googleCalendarId,
      googleRefreshToken: b.googleRefreshToken,
      calendarAccessError: b.calendarAccessError,
      maxActiveAppointmentsPerCustomer: b.maxActiveAppointmentsPerCustomer,
    },
  };
}
