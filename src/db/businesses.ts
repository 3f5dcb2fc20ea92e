// Business rows outside the booking domain: routing a webhook to its business,
// the burst timing a conversation uses, and the calendar connection's health.
import type { Database } from './client';

export interface BusinessRoute {
  id: string;
  /** For the message workflow's summary in the Web UI. */
  name: string;
  active: boolean;
}

/** The webhook's routing step: which business owns this WhatsApp number. */
export async function findBusinessByPhoneNumberId(db: Database, phoneNumberId: string): Promise<BusinessRoute | undefined> {
  const business = await db.business.findUnique({ where: { phoneNumberId }, select: { id: true, name: true, active: true } });
  return business ?? undefined;
}

/** How long a conversation waits for a burst to end: the quiet window, and never more than the maximum wait. */
export async function loadReplyTiming(db: Database, businessId: string): Promise<{ quietWindowMs: number; maxWaitMs: number }> {
  const b = await db.business.findUniqueOrThrow({ where: { id: businessId }, select: { replyQuietWindowMs: true, replyMaxWaitMs: true } });
  return { quietWindowMs: b.replyQuietWindowMs, maxWaitMs: Math.max(b.replyMaxWaitMs, b.replyQuietWindowMs) };
}

/** Google refused the business's calendar credentials: shown to operators until a call succeeds or it is reconnected. */
export async function flagCalendarAccess(db: Database, businessId: string, reason: string): Promise<void> {
  await db.business.update({ where: { id: businessId }, data: { calendarAccessError: reason, calendarAccessErrorAt: new Date() } });
}

export async function clearCalendarAccessError(db: Database, businessId: string): Promise<void> {
  await db.business.update({ where: { id: businessId }, data: { calendarAccessError: null, calendarAccessErrorAt: null } });
}
