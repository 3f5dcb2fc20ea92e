// A business's appointments for the console: one day or one week of its own
// calendar days (in its time zone), with the customer shown in clear to the
// business's own people, and who changed an appointment from the console.
import { addDays, formatLocalDateTime, fromLocal, parseLocalDate, toLocal } from '../booking/time';
import type { Database } from './client';

export interface ConsoleAppointment {
  id: string;
  service: string;
  customer: { id: string; name: string | null; number: string | null; isTest: boolean };
  /** Local wall-clock times in the business's zone (YYYY-MM-DDTHH:mm) and the same instants in ISO. */
  start: string;
  end: string;
  startsAt: string;
  endsAt: string;
  status: 'booked' | 'cancelled';
  /** The last change a person made from the console, when there was one. */
  changedBy: { action: 'cancel' | 'move'; email: string; at: string } | null;
}

export interface AppointmentsPage {
  timeZone: string;
  from: string;
  days: number;
  appointments: ConsoleAppointment[];
}

/** A change's outcome as the page reads it: done (and whether the customer was told), or still under way. */
export interface AppointmentChangeAnswer {
  workflowId: string;
  /** The appointment's local start after the change. */
  start?: string;
  customerTold?: boolean;
  /** What the customer was sent, in WhatsApp formatting. */
  notice?: string;
  /** Why the customer could not be told, when they could not. */
  noticeFailure?: string;
  /** The change had not finished within the wait; it goes on. */
  pending?: boolean;
  error?: string;
}

/** Appointments starting on the `days` local dates from `from`; undefined when the business does not exist. */
export async function listAppointments(db: Database, businessId: string, from: string, days: number): Promise<AppointmentsPage | undefined> {
  const business = await db.business.findUnique({ where: { id: businessId }, select: { timeZone: true } });
  if (!business) return undefined;
  const { timeZone } = business;
  const midnight = (date: string) => fromLocal({ ...parseLocalDate(date)!, hour: 0, minute: 0 }, timeZone, 'compatible')!;
  const rows = await db.appointment.findMany({
    where: { businessId, startsAt: { gte: midnight(from), lt: midnight(addDays(from, days)) } },
    orderBy: [{ startsAt: 'asc' }, { createdAt: 'asc' }],
    include: { customer: { select: { id: true, profileName: true, waId: true, isTest: true } } },
  });
  const changes = await consoleChanges(
    db,
    businessId,
    rows.map((r) => r.id),
  );
  return {
    timeZone,
    from,
    days,
    appointments: rows.map((r) => ({
      id: r.id,
      service: r.serviceName,
      customer: { id: r.customer.id, name: r.customerName ?? r.customer.profileName, number: r.customer.waId, isTest: r.customer.isTest },
      start: formatLocalDateTime(toLocal(r.startsAt, timeZone)),
      end: formatLocalDateTime(toLocal(r.endsAt, timeZone)),
      startsAt: r.startsAt.toISOString(),
      endsAt: r.endsAt.toISOString(),
      status: r.status === 'BOOKED' ? 'booked' : 'cancelled',
      changedBy: changes.get(r.id) ?? null,
    })),
  };
}

/** The latest console change of each appointment, from the audit log its changes are written to. */
async function consoleChanges(db: Database, businessId: string, appointmentIds: string[]): Promise<Map<string, NonNullable<ConsoleAppointment['changedBy']>>> {
  if (appointmentIds.length === 0) return new Map();
  const entries = await db.auditEntry.findMany({
    where: {
      businessId,
      action: { in: ['appointment.cancel', 'appointment.move'] },
      OR: appointmentIds.map((id) => ({ after: { path: ['appointmentId'], equals: id } })),
    },
    orderBy: { createdAt: 'asc' },
    select: { action: true, userEmail: true, createdAt: true, after: true },
  });
  const latest = new Map<string, NonNullable<ConsoleAppointment['changedBy']>>();
  for (const entry of entries) {
    const id = (entry.after as { appointmentId?: string } | null)?.appointmentId;
    if (id) latest.set(id, { action: entry.action === 'appointment.cancel' ? 'cancel' : 'move', email: entry.userEmail, at: entry.createdAt.toISOString() });
  }
  return latest;
}
