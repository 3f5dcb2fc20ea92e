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
import { failureClass } from '../failures';
import { NO_OBSERVER, type TurnObserver } from '../observability/turn-events';
import type { ToolResult } from '../workflows/types';

/** Whether the tool's answer for the model says it did what was asked ({"ok": true, …}). */
function answeredOk(content: string): boolean {
  try {
    return (JSON.parse(content) as { ok?: unknown }).ok !== false;
  } catch {
    return true;
  }
}

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

export function createBookingActivities({
  db,
  calendarAccess,
  observer = NO_OBSERVER,
}: {
  db: Database;
  calendarAccess: CalendarAccess;
  observer?: TurnObserver;
}): BookingActivities {
  async function run(input: Parameters<BookingActivities['runTool']>[0]): Promise<ToolResult> {
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
  }

  return {
    async runTool(input) {
      const startedAtMs = Date.now();
      const traced = {
        ...(input.turn ?? { businessId: input.businessId, turnKey: input.bookingKey, workflowId: '', runId: '' }),
        tool: input.call.name,
        arguments: input.call.arguments,
        startedAtMs,
        inWorkflow: false,
      };
      try {
        const result = await run(input);
        // A refusal the customer hears (slot taken, closed) is a tool that worked; only an answer with ok:false says so.
        observer.toolCall?.({ ...traced, ok: answeredOk(result.content), effect: result.effect, latencyMs: Date.now() - startedAtMs });
        if (result.effect) observer.appointmentChanged?.({ businessId: input.businessId, kind: result.effect.kind, by: 'customer' });
        return result;
      } catch (err) {
        observer.toolCall?.({ ...traced, ok: false, error: failureClass(err), latencyMs: Date.now() - startedAtMs });
        throw err;
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
