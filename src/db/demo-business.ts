// The demo business that `npm run dev` creates on first start, so a fresh clone
// has someone to talk to. Existing data is left as it is: edits survive restarts.
import type { Database } from './client';

export const DEMO_BUSINESS = {
  name: 'Lumen Hair Studio',
  timeZone: 'Europe/Madrid',
  language: 'en',
  personality: "Warm, upbeat and concise. Uses the customer's first name when known and at most one emoji per message.",
  policies: 'Cancellations are free up to 24 hours before the appointment. Payment by card or cash at the studio.',
  openingHours: {
    mon: [
      ['10:00', '14:00'],
      ['15:00', '19:00'],
    ],
    tue: [
      ['10:00', '14:00'],
      ['15:00', '19:00'],
    ],
    wed: [
      ['10:00', '14:00'],
      ['15:00', '19:00'],
    ],
    thu: [
      ['10:00', '14:00'],
      ['15:00', '20:00'],
    ],
    fri: [['10:00', '20:00']],
    sat: [['09:00', '14:00']],
  },
  maxSimultaneousAppointments: 2,
  bufferMinutes: 10,
  minNoticeMinutes: 60,
  maxDaysAhead: 60,
  slotStepMinutes: 30,
  services: [
    { name: 'Haircut', durationMinutes: 30, priceCents: 2500 },
    { name: 'Haircut and beard trim', durationMinutes: 45, priceCents: 3500 },
    { name: 'Colour', durationMinutes: 90, priceCents: 6500 },
  ],
};

/** The calendar the demo business uses in the local sandbox, which serves any calendar ID. */
export const SANDBOX_CALENDAR_ID = 'lumen-hair-studio@sandbox';

export async function seedDemoBusiness(
  db: Database,
  phoneNumberId: string,
  { googleCalendarId }: { googleCalendarId?: string } = {},
): Promise<{ id: string; created: boolean }> {
  const existing = await db.business.findUnique({ where: { phoneNumberId }, select: { id: true } });
  if (existing) return { id: existing.id, created: false };
  const { services, ...business } = DEMO_BUSINESS;
  const created = await db.business.create({
    data: { ...business, phoneNumberId, googleCalendarId, services: { create: services.map((s) => ({ ...s, currency: 'EUR' })) } },
    select: { id: true },
  });
  return { id: created.id, created: true };
}
