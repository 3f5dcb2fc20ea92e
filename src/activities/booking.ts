// The booking tools as activities: each call runs against the business's rules,
// PostgreSQL and its Google Calendar. A calendar failure becomes the activity
// failure that makes Temporal retry it or not (calendar/calendar-errors.ts).
import { Context, log } from '@temporalio/activity';
import { releaseBooking } from '../booking/appointments';
import { loadBusiness } from '../booking/business';
import { classifyCalendarFailure, toCalendarActivityFailure } from '../calendar/calendar-errors';
import { calendarFor, type CalendarAccess } from '../calendar/google-calendar';
import { clearCalendarAccessError, flagCalendarAccess } from '../db/businesses';
import type { Database } from '../db/client';
import { currentCustomer, rehomeMerged } from '../db/customers';
import type { BookingActivities } from '../workflows/activity-contracts';
import { isBookingTool, runBookingTool } from './booking-tools';

/**
 * The activity failure for a calendar error. A refused credential is also
 * written on the business, where operators see it: no booking can succeed
 * until someone reconnects the calendar.
 */
export async function calendarActivityFailure(db: Database, businessId: string, err: unknown): Promise<unknown> {
  const failure = classifyCalendarFailure(err);
  if (failure.kind === 'access-refused') {
    await flagCalendarAccess(db, businessId, failure.reason);
    log.error('Calendar connection refused; the business must reconnect its calendar', { businessId, reason: failure.reason });
  }
  return toCalendarActivityFailure(err, Context.current().info.attempt);
}

export function createBookingActivities({ db, calendarAccess }: { db: Database; calendarAccess: CalendarAccess }): BookingActivities {
  return {
    async runTool(input) {
      if (!isBookingTool(input.call.name)) log.warn('Model called a tool that does not exist', { tool: input.call.name });
      const [{ booking: business }, customer] = await Promise.all([loadBusiness(db, input.businessId), currentCustomer(db, input.customerId)]);
      // The customer's appointments, including any a step wrote under a row merged into theirs.
      await rehomeMerged(db, customer.id);
      const ctx = { db, business, calendar: calendarFor(business, calendarAccess), customerId: customer.id, now: new Date() };
      try {
        const result = await runBookingTool(ctx, input.call, input.bookingKey);
        if (business.calendarAccessError && ctx.calendar) await clearCalendarAccessError(db, business.id);
        return result;
      } catch (err) {
        throw await calendarActivityFailure(db, business.id, err);
      }
    },

    async releaseBooking(input) {
      const { booking: business } = await loadBusiness(db, input.businessId);
      try {
        return await releaseBooking(db, calendarFor(business, calendarAccess), input.businessId, input.bookingKey);
      } catch (err) {
        throw await calendarActivityFailure(db, business.id, err);
      }
    },
  };
}
