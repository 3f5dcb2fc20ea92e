// An owner's change to an appointment from the console, as activities of the
// owner-appointment-change workflow. The change goes through the booking code the
// bot's tools use (rules, the capacity lock, the calendar), acting for the
// appointment's own customer, so nothing an owner does can break what the bot keeps.
import { cancelAppointment, moveAppointment, type BookingContext, type BookingOutcome } from '../booking/appointments';
import { loadBusiness } from '../booking/business';
import { formatLocalDateTime, toLocal } from '../booking/time';
import { calendarFor, type CalendarAccess } from '../calendar/google-calendar';
import { recordAudit } from '../db/audit';
import { clearCalendarAccessError } from '../db/businesses';
import type { Database } from '../db/client';
import type { OwnerAppointmentActivities } from '../workflows/activity-contracts';
import { calendarActivityFailure } from './booking';
import { NO_OBSERVER, type TurnObserver } from '../observability/turn-events';

export function createOwnerAppointmentActivities({
  db,
  calendarAccess,
  observer = NO_OBSERVER,
}: {
  db: Database;
  calendarAccess: CalendarAccess;
  /** Hears of each change made (metrics of bookings moved and cancelled by whom). */
  observer?: TurnObserver;
}): OwnerAppointmentActivities {
  return {
    async findAppointmentForChange({ businessId, appointmentId }) {
      const row = await db.appointment.findFirst({
        where: { id: appointmentId, businessId },
        include: { business: { select: { name: true, phoneNumberId: true, timeZone: true } } },
      });
      if (!row) return null;
      return {
        customerId: row.customerId,
        service: row.serviceName,
        start: formatLocalDateTime(toLocal(row.startsAt, row.business.timeZone)),
        status: row.status === 'BOOKED' ? 'booked' : 'cancelled',
        past: row.endsAt.getTime() <= Date.now(),
        businessName: row.business.name,
        phoneNumberId: row.business.phoneNumberId,
      };
    },

    async changeAppointmentAsOwner({ businessId, appointmentId, change, actor }) {
      const row = await db.appointment.findFirst({ where: { id: appointmentId, businessId } });
      if (!row) return { ok: false, reason: 'not-found', message: 'This business has no such appointment.' };
      const { booking: business } = await loadBusiness(db, businessId);
      const ctx: BookingContext = { db, business, calendar: calendarFor(business, calendarAccess), customerId: row.customerId, now: new Date() };
      let outcome: BookingOutcome;
      try {
        outcome =
          change.kind === 'cancel' ? await cancelAppointment(ctx, { appointmentId }) : await moveAppointment(ctx, { appointmentId, newStart: change.start });
      } catch (err) {
        throw await calendarActivityFailure(db, businessId, err);
      }
      if (business.calendarAccessError && ctx.calendar) await clearCalendarAccessError(db, businessId);
      if (!outcome.ok)
        return { ok: false, reason: outcome.reason, message: outcome.message, alternatives: 'alternatives' in outcome ? outcome.alternatives : undefined };
      // A retried step finds its change already made (alreadyBooked) and was audited by the attempt that made it.
      if (!outcome.alreadyBooked) {
        const was = {
          appointmentId,
          service: row.serviceName,
          customer: row.customerName,
          start: formatLocalDateTime(toLocal(row.startsAt, business.policy.timeZone)),
        };
        await recordAudit(db, {
          businessId,
          actor,
          action: change.kind === 'cancel' ? 'appointment.cancel' : 'appointment.move',
          before: { ...was, status: 'booked' },
          after: { ...was, start: outcome.appointment.start, status: change.kind === 'cancel' ? 'cancelled' : 'booked' },
          whole: true,
        });
        observer.appointmentChanged?.({ businessId, kind: change.kind === 'cancel' ? 'cancelled' : 'moved', by: 'owner' });
      }
      return { ok: true, start: outcome.appointment.start };
    },
  };
}
