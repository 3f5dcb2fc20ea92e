// Businesses as the console lists and creates them.
import { budgetSpentToday, startOfLocalDay } from '../limit-windows';
import type { Database } from './client';

export interface BusinessSummary {
  id: string;
  name: string;
  phoneNumberId: string;
  active: boolean;
  timeZone: string;
  language: string;
  calendar: { connected: boolean; calendarId: string | null; accessError: string | null; accessErrorAt: string | null };
  /** When today's model-token budget ran out (customers are told a person will reply); null while there is budget left. */
  tokenBudgetSpentAt: string | null;
  /** When the last message, in or out, was recorded; null before the first. */
  lastMessageAt: string | null;
}

export async function listBusinesses(db: Database, onlyIds: string[] | undefined): Promise<BusinessSummary[]> {
  const rows = await db.business.findMany({
    where: onlyIds ? { id: { in: onlyIds } } : {},
    orderBy: { name: 'asc' },
    select: {
      id: true,
      name: true,
      phoneNumberId: true,
      active: true,
      timeZone: true,
      language: true,
      googleCalendarId: true,
      calendarAccessError: true,
      calendarAccessErrorAt: true,
      tokenBudgetExceededAt: true,
    },
  });
  const now = new Date();
  const last = await db.message.groupBy({ by: ['businessId'], where: { businessId: { in: rows.map((r) => r.id) } }, _max: { createdAt: true } });
  const lastByBusiness = new Map(last.map((l) => [l.businessId, l._max.createdAt]));
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    phoneNumberId: r.phoneNumberId,
    active: r.active,
    timeZone: r.timeZone,
    language: r.language,
    calendar: {
      connected: r.googleCalendarId !== null,
      calendarId: r.googleCalendarId,
      accessError: r.calendarAccessError,
      accessErrorAt: r.calendarAccessErrorAt?.toISOString() ?? null,
    },
    tokenBudgetSpentAt: budgetSpentToday(r.tokenBudgetExceededAt, startOfLocalDay(now, r.timeZone))?.toISOString() ?? null,
    lastMessageAt: lastByBusiness.get(r.id)?.toISOString() ?? null,
  }));
}
