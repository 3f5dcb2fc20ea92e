// Business rows outside the booking domain: routing a webhook to its business,
// the burst timing a conversation uses, and the calendar connection's health.
import type { Database } from './client';
import { queryOne } from './sql';

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
  const b = await queryOne<{ replyQuietWindowMs: number; replyMaxWaitMs: number }>(
    db,
    `business ${businessId}`,
    'SELECT reply_quiet_window_ms AS "replyQuietWindowMs", reply_max_wait_ms AS "replyMaxWaitMs" FROM business WHERE id = $1',
    [businessId],
  );
  return { quietWindowMs: b.replyQuietWindowMs, maxWaitMs: Math.max(b.replyMaxWaitMs, b.replyQuietWindowMs) };
}

/** Whether a message outside opening hours flags the conversation for a person. */
export async function flagsOutsideHours(db: Database, businessId: string): Promise<boolean> {
  const b = await queryOne<{ flag: boolean }>(db, `business ${businessId}`, 'SELECT flag_outside_hours AS flag FROM business WHERE id = $1', [businessId]);
  return b.flag;
}

/** Google refused the business's calendar credentials: shown to operators until a call succeeds or it is reconnected. */
export async function flagCalendarAccess(db: Database, businessId: string, reason: string): Promise<void> {
  await db.business.update({ where: { id: businessId }, data: { calendarAccessError: reason, calendarAccessErrorAt: new Date() } });
}

export async function clearCalendarAccessError(db: Database, businessId: string): Promise<void> {
  await db.business.update({ where: { id: businessId }, data: { calendarAccessError: null, calendarAccessErrorAt: null } });
}
