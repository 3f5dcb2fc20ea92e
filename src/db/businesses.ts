import { z } from 'zod';
import type { BusinessProfile, OpeningHours } from '../agent/types';
import { WEEKDAYS } from '../agent/types';
import type { BookingPolicy } from '../booking/policy';
import type { Database } from './client';

// "24:00" closes a range at midnight.
const timeOfDay = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/);
export const openingHoursSchema = z.partialRecord(z.enum(WEEKDAYS), z.array(z.tuple([timeOfDay, timeOfDay])));

export interface BusinessRoute {
  id: string;
  active: boolean;
}

/** The webhook's routing step: which business owns this WhatsApp number. */
export async function findBusinessByPhoneNumberId(db: Database, phoneNumberId: string): Promise<BusinessRoute | undefined> {
  const business = await db.business.findUnique({ where: { phoneNumberId }, select: { id: true, active: true } });
  return business ?? undefined;
}

export async function loadBusinessProfile(db: Database, businessId: string): Promise<BusinessProfile> {
  const business = await db.business.findUniqueOrThrow({
    where: { id: businessId },
    include: { services: { where: { active: true }, orderBy: { name: 'asc' } } },
  });
  const hours = openingHoursSchema.safeParse(business.openingHours);
  return {
    id: business.id,
    name: business.name,
    timeZone: business.timeZone,
    language: business.language,
    personality: business.personality,
    policies: business.policies,
    // A malformed value in the database must not take the assistant down; it then knows no hours.
    openingHours: (hours.success ? hours.data : {}) as OpeningHours,
    maxSimultaneousAppointments: business.maxSimultaneousAppointments,
    services: business.services.map((s) => ({
      name: s.name,
      durationMinutes: s.durationMinutes,
      priceCents: s.priceCents,
      currency: s.currency,
    })),
  };
}

const exceptionsSchema = z.array(z.object({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), ranges: z.array(z.tuple([timeOfDay, timeOfDay])), note: z.string().optional() }));

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
}

export async function loadBookingBusiness(db: Database, businessId: string): Promise<BookingBusiness> {
  const b = await db.business.findUniqueOrThrow({
    where: { id: businessId },
    include: { services: { where: { active: true }, orderBy: { name: 'asc' } } },
  });
  const hours = openingHoursSchema.safeParse(b.openingHours);
  const exceptions = exceptionsSchema.safeParse(b.openingExceptions);
  return {
    id: b.id,
    name: b.name,
    policy: {
      timeZone: b.timeZone,
      openingHours: (hours.success ? hours.data : {}) as OpeningHours,
      exceptions: exceptions.success ? exceptions.data : [],
      bufferMinutes: b.bufferMinutes,
      minNoticeMinutes: b.minNoticeMinutes,
      maxDaysAhead: b.maxDaysAhead,
      slotStepMinutes: b.slotStepMinutes,
      capacity: b.maxSimultaneousAppointments,
    },
    services: b.services.map(({ id, name, durationMinutes, priceCents, currency }) => ({ id, name, durationMinutes, priceCents, currency })),
    googleCalendarId: b.googleCalendarId,
    googleRefreshToken: b.googleRefreshToken,
    calendarAccessError: b.calendarAccessError,
  };
}
