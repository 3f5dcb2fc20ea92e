// Booking, moving and cancelling appointments: the rules from policy.ts, the
// capacity decision made atomically in PostgreSQL, and the business's Google
// Calendar kept in step. Every operation is safe to retry: a booking step is
// identified by its booking key, and calendar calls resolve repeats to success.
import { BOT_PROPERTY, type BusinessCalendar } from '../calendar/google-calendar';
import { eventIdFor } from '../calendar/event-id';
import type { Database } from '../db/client';
import type { BookableService, BookingBusiness } from './business';
import { candidateStarts, checkActiveAppointments, checkRequestedTime, fitsCapacity, occupiedInterval, type Interval, type Refusal } from './policy';
import { addDays, formatLocalDateTime, fromLocal, localDateOf, parseLocalDateTime, toLocal } from './time';

const MINUTE = 60_000;
const MAX_ALTERNATIVES = 6;

export interface BookingContext {
  db: Database;
  business: BookingBusiness;
  calendar: BusinessCalendar | undefined;
  customerId: string;
  now: Date;
}

export interface AppointmentView {
  id: string;
  service: string;
  start: string;
  end: string;
  name: string | null;
}

export type BookingOutcome =
  | { ok: true; appointment: AppointmentView; alreadyBooked: boolean }
  | { ok: false; reason: 'already-booked'; message: string; appointment: AppointmentView }
  | { ok: false; reason: Refusal['reason'] | 'unknown-service' | 'not-found'; message: string; alternatives?: string[] };

type Duplicate = Extract<BookingOutcome, { reason: 'already-booked' }>;

export function findService(business: BookingBusiness, name: string): BookableService | undefined {
  const wanted = name.trim().toLowerCase();
  return business.services.find((s) => s.name.toLowerCase() === wanted) ?? business.services.find((s) => s.name.toLowerCase().includes(wanted));
}

function unknownService(business: BookingBusiness, name: string): BookingOutcome {
  return {
    ok: false,
    reason: 'unknown-service',
    message: `There is no service called "${name}". Services: ${business.services.map((s) => s.name).join(', ')}.`,
  };
}

/** Appointments already holding time between `from` and `to`, as occupied intervals (buffer included). */
async function bookedIntervals(ctx: BookingContext, from: number, to: number, excludeId?: string): Promise<Interval[]> {
  const buffer = ctx.business.policy.bufferMinutes * MINUTE;
  const rows = await ctx.db.appointment.findMany({
    where: {
      businessId: ctx.business.id,
      status: 'BOOKED',
      startsAt: { lt: new Date(to) },
      endsAt: { gt: new Date(from - buffer) },
      ...(excludeId ? { NOT: { id: excludeId } } : {}),
    },
    select: { startsAt: true, endsAt: true },
  });
  return rows.map((r) => ({ start: r.startsAt.getTime(), end: r.endsAt.getTime() + buffer }));
}

/** Time the owner blocked in the calendar by hand (events the bot did not create). */
async function blockedIntervals(ctx: BookingContext, from: number, to: number): Promise<Interval[]> {
  if (!ctx.calendar) return [];
  const events = await ctx.calendar.listEvents(new Date(from), new Date(to));
  return events.filter((e) => !e.appointmentId).map((e) => ({ start: e.start.getTime(), end: e.end.getTime() }));
}

/** Free start times for an appointment of `durationMinutes`, per local date, from `date` for `days` days. */
export async function availability(
  ctx: BookingContext,
  durationMinutes: number,
  date: string,
  days: number,
): Promise<Array<{ date: string; times: string[] }>> {
  const { policy } = ctx.business;
  const dates = Array.from({ length: days }, (_, i) => addDays(date, i));
  const candidates = dates.map((d) => ({ date: d, starts: candidateStarts(d, durationMinutes, ctx.now, policy) }));
  const all = candidates.flatMap((c) => c.starts.map((s) => s.getTime()));
  if (all.length === 0) return dates.map((d) => ({ date: d, times: [] }));
  const from = Math.min(...all);
  const to = Math.max(...all) + (durationMinutes + policy.bufferMinutes) * MINUTE;
  const [booked, blocked] = await Promise.all([bookedIntervals(ctx, from, to), blockedIntervals(ctx, from, to)]);
  return candidates.map(({ date: d, starts }) => ({
    date: d,
    times: starts
      .filter((s) => !fitsCapacity(occupiedInterval(s, durationMinutes, policy.bufferMinutes), booked, blocked, policy.capacity))
      .map((s) => formatLocalDateTime(toLocal(s, policy.timeZone)).slice(11)),
  }));
}

/** Free times closest to the one asked for, on that day or the days after. */
async function alternativesNear(ctx: BookingContext, durationMinutes: number, requested: Date): Promise<string[]> {
  const { timeZone } = ctx.business.policy;
  const firstDate = localDateOf(new Date(Math.max(requested.getTime(), ctx.now.getTime())), timeZone);
  const days = await availability(ctx, durationMinutes, firstDate, 7);
  return days
    .flatMap((d) => d.times.map((t) => `${d.date}T${t}`))
    .map((local) => ({ local, distance: Math.abs(fromLocal(parseLocalDateTime(local)!, timeZone, 'compatible')!.getTime() - requested.getTime()) }))
    .sort((a, b) => a.distance - b.distance)
    .slice(0, MAX_ALTERNATIVES)
    .map((a) => a.local)
    .sort();
}

function parseStart(ctx: BookingContext, start: string): Date | Refusal {
  const local = parseLocalDateTime(start);
  const instant = local && fromLocal(local, ctx.business.policy.timeZone, 'exact');
  return (
    instant ?? { reason: 'invalid-time', message: `"${start}" is not a valid local time (expected YYYY-MM-DDTHH:mm, and it must exist on the clock that day).` }
  );
}

function view(ctx: BookingContext, a: { id: string; serviceName: string; startsAt: Date; endsAt: Date; customerName: string | null }): AppointmentView {
  const { timeZone } = ctx.business.policy;
  return {
    id: a.id,
    service: a.serviceName,
    start: formatLocalDateTime(toLocal(a.startsAt, timeZone)),
    end: formatLocalDateTime(toLocal(a.endsAt, timeZone)),
    name: a.customerName,
  };
}

/**
 * The customer's active appointment for the same service at the same time, if
 * any: asking twice (a repeated message, or again in a later turn) must not
 * book twice. A retried step is recognised earlier, by its booking key.
 */
async function duplicateOf(ctx: BookingContext, serviceId: string, start: Date): Promise<Duplicate | undefined> {
  const existing = await ctx.db.appointment.findFirst({
    where: { businessId: ctx.business.id, customerId: ctx.customerId, serviceId, startsAt: start, status: 'BOOKED' },
  });
  if (!existing) return undefined;
  const appointment = view(ctx, existing);
  return {
    ok: false,
    reason: 'already-booked',
    message: `The customer already has this appointment (${appointment.service} at ${appointment.start}), so it was not booked again. Tell them they already have it.`,
    appointment,
  };
}

/** Refuses a new booking to a customer who already holds as many upcoming appointments as the business allows. */
async function customerLimitRefusal(ctx: BookingContext): Promise<Refusal | undefined> {
  const active = await ctx.db.appointment.count({
    // Upcoming as list_my_appointments shows them: booked and not over yet.
    where: { businessId: ctx.business.id, customerId: ctx.customerId, status: 'BOOKED', endsAt: { gt: ctx.now } },
  });
  return checkActiveAppointments(active, ctx.business.maxActiveAppointmentsPerCustomer);
}

/**
 * Takes time under the business's capacity lock (a per-business advisory lock),
 * so two workflows asking for the last place at the same moment cannot both get
 * it. `settle` may answer first under the lock (a retried step, a duplicate);
 * otherwise the time must fit the capacity, and `take` writes it.
 */
async function underCapacityLock<T>(
  ctx: BookingContext,
  slot: { start: Date; durationMinutes: number; excludeId?: string },
  { settle, take }: { settle?: (tx: Database) => Promise<T | undefined>; take: (tx: Database) => Promise<T> },
): Promise<T | Refusal> {
  const { policy } = ctx.business;
  const occupied = occupiedInterval(slot.start, slot.durationMinutes, policy.bufferMinutes);
  // Read before the lock: the calendar is slow, and the owner's own events are not ours to serialise.
  const blocked = await blockedIntervals(ctx, occupied.start, occupied.end);
  return ctx.db.$transaction(async (transaction) => {
    const tx = transaction as unknown as Database;
    await tx.$queryRaw`SELECT 1 FROM pg_advisory_xact_lock(hashtextextended(${ctx.business.id}, 0))`;
    const settled = settle && (await settle(tx));
    if (settled !== undefined) return settled;
    const booked = await bookedIntervals({ ...ctx, db: tx }, occupied.start, occupied.end, slot.excludeId);
    return fitsCapacity(occupied, booked, blocked, policy.capacity) ?? (await take(tx));
  });
}

/** Reserves the place for a new appointment; returns the one already made by this booking step when it is a retry. */
async function reserve(
  ctx: BookingContext,
  args: { service: BookableService; start: Date; customerName: string; bookingKey: string; eventId: string },
): Promise<{ appointment: AppointmentView; alreadyBooked: boolean } | Refusal | Duplicate> {
  return underCapacityLock<{ appointment: AppointmentView; alreadyBooked: boolean } | Duplicate | Refusal>(
    ctx,
    { start: args.start, durationMinutes: args.service.durationMinutes },
    {
      async settle(tx) {
        const earlier = await tx.appointment.findUnique({ where: { bookingKey: args.bookingKey } });
        if (earlier) return { appointment: view(ctx, earlier), alreadyBooked: true };
        // Checked again under the lock: a second conversation run of this customer may ask at the same moment.
        return (await duplicateOf({ ...ctx, db: tx }, args.service.id, args.start)) ?? (await customerLimitRefusal({ ...ctx, db: tx }));
      },
      async take(tx) {
        const created = await tx.appointment.create({
          data: {
            businessId: ctx.business.id,
            customerId: ctx.customerId,
            serviceId: args.service.id,
            serviceName: args.service.name,
            customerName: args.customerName,
            startsAt: args.start,
            endsAt: new Date(args.start.getTime() + args.service.durationMinutes * MINUTE),
            calendarEventId: ctx.calendar ? args.eventId : null,
            bookingKey: args.bookingKey,
          },
        });
        return { appointment: view(ctx, created), alreadyBooked: false };
      },
    },
  );
}

export async function bookAppointment(
  ctx: BookingContext,
  args: { serviceName: string; start: string; customerName: string; bookingKey: string },
): Promise<BookingOutcome> {
  const service = findService(ctx.business, args.serviceName);
  if (!service) return unknownService(ctx.business, args.serviceName);
  const start = parseStart(ctx, args.start);
  if (!(start instanceof Date)) return { ok: false, ...start };
  // Before the rules: "you already have it" is the answer even when the time is now too soon to book.
  const retried = await ctx.db.appointment.findUnique({ where: { bookingKey: args.bookingKey }, select: { id: true } });
  const duplicate = retried ? undefined : await duplicateOf(ctx, service.id, start);
  if (duplicate) return duplicate;
  const overLimit = retried ? undefined : await customerLimitRefusal(ctx);
  if (overLimit) return { ok: false, ...overLimit };
  const ruleRefusal = checkRequestedTime(start, service.durationMinutes, ctx.now, ctx.business.policy);
  if (ruleRefusal) return { ok: false, ...ruleRefusal, alternatives: await alternativesNear(ctx, service.durationMinutes, start) };

  const eventId = eventIdFor(args.bookingKey);
  const reserved = await reserve(ctx, { service, start, customerName: args.customerName, bookingKey: args.bookingKey, eventId });
  if ('ok' in reserved) return reserved;
  if ('reason' in reserved && reserved.reason === 'too-many-appointments') return { ok: false, ...reserved };
  if ('reason' in reserved) return { ok: false, ...reserved, alternatives: await alternativesNear(ctx, service.durationMinutes, start) };

  if (ctx.calendar) {
    const { appointment } = reserved;
    await ctx.calendar.createEvent({
      id: eventId,
      ...(await eventText(ctx, service.name, args.customerName)),
      start,
      end: new Date(start.getTime() + service.durationMinutes * MINUTE),
      timeZone: ctx.business.policy.timeZone,
      privateProperties: { [BOT_PROPERTY]: appointment.id, waBookingBusinessId: ctx.business.id, waBookingCustomerId: ctx.customerId },
    });
  }
  return { ok: true, ...reserved };
}

/**
 * What the owner reads on the calendar event. A booking made in the console's
 * "Try it" chat says it is a test, so nobody waits for a customer who does not exist.
 */
async function eventText(ctx: BookingContext, serviceName: string, customerName: string): Promise<{ summary: string; description: string }> {
  const customer = await ctx.db.customer.findUnique({ where: { id: ctx.customerId }, select: { isTest: true } });
  if (customer?.isTest) {
    return {
      summary: `TEST – ${serviceName} – ${customerName}`,
      description: `Test booking made in the console's "Try it" chat; no customer is coming. "Clear test data" there removes it.`,
    };
  }
  return { summary: `${serviceName} – ${customerName}`, description: `Booked on WhatsApp by ${customerName}.` };
}

/** The customer's own upcoming appointments with this business. */
export async function upcomingAppointments(ctx: BookingContext): Promise<AppointmentView[]> {
  const rows = await ctx.db.appointment.findMany({
    where: { businessId: ctx.business.id, customerId: ctx.customerId, status: 'BOOKED', endsAt: { gt: ctx.now } },
    orderBy: { startsAt: 'asc' },
  });
  return rows.map((r) => view(ctx, r));
}

/** Loads an appointment only if it belongs to this customer of this business: nobody else's can be touched. */
async function ownAppointment(ctx: BookingContext, appointmentId: string) {
  return ctx.db.appointment.findFirst({ where: { id: appointmentId, businessId: ctx.business.id, customerId: ctx.customerId, status: 'BOOKED' } });
}

export async function moveAppointment(ctx: BookingContext, args: { appointmentId: string; newStart: string }): Promise<BookingOutcome> {
  const current = await ownAppointment(ctx, args.appointmentId);
  if (!current) return { ok: false, reason: 'not-found', message: 'No upcoming appointment of yours has that ID.' };
  const durationMinutes = Math.round((current.endsAt.getTime() - current.startsAt.getTime()) / MINUTE);
  const start = parseStart(ctx, args.newStart);
  if (!(start instanceof Date)) return { ok: false, ...start };
  const { policy } = ctx.business;
  const end = new Date(start.getTime() + durationMinutes * MINUTE);
  // Already there (a retried step whose database write went through): make sure the calendar follows.
  if (start.getTime() === current.startsAt.getTime()) {
    if (ctx.calendar && current.calendarEventId) await ctx.calendar.moveEvent(current.calendarEventId, start, end, policy.timeZone);
    return { ok: true, appointment: view(ctx, current), alreadyBooked: true };
  }
  const ruleRefusal = checkRequestedTime(start, durationMinutes, ctx.now, ctx.business.policy);
  if (ruleRefusal) return { ok: false, ...ruleRefusal, alternatives: await alternativesNear(ctx, durationMinutes, start) };

  const moved = await underCapacityLock(
    ctx,
    { start, durationMinutes, excludeId: current.id },
    {
      take: (tx) => tx.appointment.update({ where: { id: current.id }, data: { startsAt: start, endsAt: end } }),
    },
  );
  if ('reason' in moved) return { ok: false, ...moved, alternatives: await alternativesNear(ctx, durationMinutes, start) };
  if (ctx.calendar && current.calendarEventId) {
    try {
      await ctx.calendar.moveEvent(current.calendarEventId, start, end, policy.timeZone);
    } catch (err) {
      // The calendar did not follow: put the appointment back, so that if every retry
      // fails too, the database and the calendar still agree on the old time (and the
      // customer, told it could not be done, is right). A retry starts the move afresh.
      await ctx.db.appointment.updateMany({ where: { id: current.id, startsAt: start }, data: { startsAt: current.startsAt, endsAt: current.endsAt } });
      throw err;
    }
  }
  return { ok: true, appointment: view(ctx, moved), alreadyBooked: false };
}

export async function cancelAppointment(ctx: BookingContext, args: { appointmentId: string }): Promise<BookingOutcome> {
  const appointment = await ctx.db.appointment.findFirst({ where: { id: args.appointmentId, businessId: ctx.business.id, customerId: ctx.customerId } });
  if (!appointment || appointment.endsAt.getTime() <= ctx.now.getTime()) {
    return { ok: false, reason: 'not-found', message: 'No upcoming appointment of yours has that ID.' };
  }
  // Cancelling twice (a retried step) is still a success; the calendar call is idempotent too.
  if (appointment.status === 'BOOKED') await ctx.db.appointment.update({ where: { id: appointment.id }, data: { status: 'CANCELLED' } });
  if (ctx.calendar && appointment.calendarEventId) await ctx.calendar.deleteEvent(appointment.calendarEventId);
  return { ok: true, appointment: view(ctx, appointment), alreadyBooked: appointment.status === 'CANCELLED' };
}

/**
 * Undoes a booking step that could not be completed (the calendar stayed
 * unreachable through every retry): the place is given back and any event the
 * step created is removed. Safe to repeat.
 */
export async function releaseBooking(db: Database, calendar: BusinessCalendar | undefined, businessId: string, bookingKey: string): Promise<boolean> {
  const appointment = await db.appointment.findFirst({ where: { bookingKey, businessId } });
  if (!appointment) return false;
  if (appointment.status === 'BOOKED') await db.appointment.update({ where: { id: appointment.id }, data: { status: 'CANCELLED' } });
  if (calendar && appointment.calendarEventId) await calendar.deleteEvent(appointment.calendarEventId);
  return true;
}
