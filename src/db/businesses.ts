import { z } from 'zod';
import type { BusinessProfile, OpeningHours } from '../agent/types';
import { WEEKDAYS } from '../agent/types';
import type { Database } from './client';

const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/);
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
