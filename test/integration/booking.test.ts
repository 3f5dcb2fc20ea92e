// Booking against the real PostgreSQL and the Calendar stand-in through the real
// googleapis client: capacity under concurrency, retries that find their own
// booking, time the owner blocked, moves, cancellations and tenant isolation.
import { randomUUID } from 'node:crypto';
import { calendar_v3 } from 'googleapis/build/src/apis/calendar';
import { auth as googleAuth } from 'googleapis/build/src/apis/calendar';
import {
  bookAppointment,
  availability,
  cancelAppointment,
  moveAppointment,
  releaseBooking,
  upcomingAppointments,
  type BookingContext,
} from '../../src/booking/appointments';
import { addDays, fromLocal, localDateOf, parseLocalDateTime, weekdayOf } from '../../src/booking/time';
import { calendarFor, BOT_PROPERTY } from '../../src/calendar/google-calendar';
import { eventIdFor } from '../../src/calendar/event-id';
import { loadBusiness } from '../../src/booking/business';
import { SANDBOX_CALENDAR_ID } from '../../src/db/demo-business';
import { useStack, TEST_GOOGLE_TOKEN } from '../support/stack';
import { upcomingWeekday as upcoming } from '../support/waiting';
import { inboundText, runMessage } from '../support/deliver';

const stack = useStack();
const TZ = 'Europe/Madrid';

beforeEach(async () => {
  stack.sandbox.reset();
  await stack.database.db.appointment.deleteMany();
});

async function customer(waId = `346${Math.floor(Math.random() * 1e8)}`, businessId = stack.businessId): Promise<string> {
  return (await stack.database.db.customer.create({ data: { businessId, waId } })).id;
}

async function context(customerId: string, businessId = stack.businessId): Promise<BookingContext> {
  const business = (await loadBusiness(stack.database.db, businessId)).booking;
  return {
    db: stack.database.db,
    business,
    calendar: calendarFor(business, { rootUrl: stack.sandbox.url, accessToken: TEST_GOOGLE_TOKEN }),
    customerId,
    now: new Date(),
  };
}

const instant = (local: string) => fromLocal(parseLocalDateTime(local)!, TZ)!;

test('a booking turn: the model checks availability, books, and the calendar holds the tagged event', async () => {
  const date = upcoming('tue');
  stack.sandbox.openai.enqueue(
    { toolCalls: [{ name: 'check_availability', arguments: { service: 'Haircut', date, days: null } }] },
    { toolCalls: [{ name: 'book_appointment', arguments: { service: 'Haircut', start: `${date}T10:30`, customer_name: 'Ana' } }] },
    { content: `Done! *Haircut* on ${date} at 10:30.` },
  );
  const result = await runMessage(stack, inboundText(stack, 'Haircut Tuesday 10:30?', { customer: { waId: '34655000001' } }));

  expect(result.outcome).toBe('replied');
  expect(result.toolCalls.map((c) => c.name)).toEqual(['check_availability', 'book_appointment']);
  expect(result.appointments).toEqual([{ kind: 'booked', appointmentId: expect.any(String), service: 'Haircut', start: `${date}T10:30` }]);

  const availabilityAnswer = JSON.parse(stack.sandbox.openai.requests[1]!.messages.at(-1)!.content as string);
  expect(availabilityAnswer.days[0].times.slice(0, 3)).toEqual(['10:00', '10:30', '11:00']);

  const appointment = await stack.database.db.appointment.findUniqueOrThrow({ where: { id: result.appointments[0]!.appointmentId } });
  expect(appointment).toMatchObject({ status: 'BOOKED', serviceName: 'Haircut', customerName: 'Ana', startsAt: instant(`${date}T10:30`) });
  const events = stack.sandbox.calendar.liveEvents(SANDBOX_CALENDAR_ID);
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject({ id: appointment.calendarEventId, summary: 'Haircut – Ana' });
  expect(events[0]?.extendedProperties?.private).toMatchObject({ [BOT_PROPERTY]: appointment.id, waBookingBusinessId: stack.businessId });
  expect(appointment.calendarEventId).toBe(eventIdFor(appointment.bookingKey!));
});

test('with K places, N simultaneous bookings of the same slot give exactly K bookings; the rest get alternatives', async () => {
  const start = `${upcoming('wed')}T11:00`;
  const customers = await Promise.all(Array.from({ length: 6 }, () => customer()));
  const outcomes = await Promise.all(
    customers.map(async (id) =>
      bookAppointment(await context(id), { serviceName: 'Haircut', start, customerName: 'Someone', bookingKey: `race:${randomUUID()}` }),
    ),
  );

  const booked = outcomes.filter((o) => o.ok);
  expect(booked).toHaveLength(2); // the demo business takes 2 at a time
  for (const refused of outcomes.filter((o) => !o.ok)) {
    expect(refused).toMatchObject({ reason: 'full', alternatives: expect.arrayContaining([expect.stringMatching(/T\d\d:\d\d$/)]) });
    expect((refused as { alternatives: string[] }).alternatives).not.toContain(start);
  }
  expect(await stack.database.db.appointment.count({ where: { status: 'BOOKED', startsAt: instant(start) } })).toBe(2);
  expect(stack.sandbox.calendar.liveEvents()).toHaveLength(2);
});

test('a retried booking step finds its own booking: one row, one calendar event', async () => {
  const ctx = await context(await customer());
  const args = { serviceName: 'Colour', start: `${upcoming('thu')}T15:00`, customerName: 'Marco', bookingKey: `wf-1:call_${randomUUID()}` };
  const first = await bookAppointment(ctx, args);
  const retry = await bookAppointment(ctx, args);

  expect(first).toMatchObject({ ok: true, alreadyBooked: false });
  expect(retry).toMatchObject({ ok: true, alreadyBooked: true });
  expect(first.ok && retry.ok && retry.appointment.id === first.appointment.id).toBe(true);
  expect(await stack.database.db.appointment.count()).toBe(1);
  expect(stack.sandbox.calendar.allEvents()).toHaveLength(1);
});

test('time the owner blocked in the calendar is neither offered nor bookable', async () => {
  const date = upcoming('mon');
  const api = new calendar_v3.Calendar({ auth: ownerAuth(), rootUrl: `${stack.sandbox.url}/`, fetchImplementation: fetch });
  await api.events.insert({
    calendarId: SANDBOX_CALENDAR_ID,
    requestBody: {
      summary: 'Dentist (owner)',
      start: { dateTime: instant(`${date}T12:00`).toISOString() },
      end: { dateTime: instant(`${date}T13:00`).toISOString() },
    },
  });
  const ctx = await context(await customer());
  const haircut = ctx.business.services.find((s) => s.name === 'Haircut')!;

  const [day] = await availability(ctx, haircut.durationMinutes, date, 1);
  // 30 min + 10 min buffer: 11:30 would run into the block, 13:00 is free again.
  expect(day?.times).toEqual(expect.arrayContaining(['11:00', '13:00']));
  expect(day?.times).not.toEqual(expect.arrayContaining(['11:30']));
  expect(day?.times.filter((t) => t >= '11:30' && t < '13:00')).toEqual([]);
  expect(await bookAppointment(ctx, { serviceName: 'Haircut', start: `${date}T12:00`, customerName: 'X', bookingKey: randomUUID() })).toMatchObject({
    ok: false,
    reason: 'blocked',
  });
});

test('rules refuse with reasons and alternatives: closed day, outside hours, too soon', async () => {
  const ctx = await context(await customer());
  let sunday = addDays(localDateOf(new Date(), TZ), 2);
  while (weekdayOf(sunday) !== 'sun') sunday = addDays(sunday, 1);
  const book = (start: string) => bookAppointment(ctx, { serviceName: 'Haircut', start, customerName: 'X', bookingKey: randomUUID() });

  expect(await book(`${sunday}T11:00`)).toMatchObject({ ok: false, reason: 'closed', alternatives: expect.any(Array) });
  expect(await book(`${upcoming('mon')}T13:45`)).toMatchObject({ ok: false, reason: 'outside-hours' });
  expect(await book('2020-01-06T10:00')).toMatchObject({ ok: false, reason: 'in-past' });
  expect(await book(`${upcoming('mon')}T25:00`)).toMatchObject({ ok: false, reason: 'invalid-time' });
  expect(await bookAppointment(ctx, { serviceName: 'Massage', start: `${upcoming('mon')}T10:00`, customerName: 'X', bookingKey: randomUUID() })).toMatchObject({
    ok: false,
    reason: 'unknown-service',
  });
});

test('moving keeps the calendar in step; a retried move is harmless; a full slot is refused', async () => {
  const ctx = await context(await customer());
  const date = upcoming('fri');
  const booked = await bookAppointment(ctx, { serviceName: 'Haircut', start: `${date}T10:00`, customerName: 'Lea', bookingKey: randomUUID() });
  if (!booked.ok) throw new Error('setup failed');

  const moved = await moveAppointment(ctx, { appointmentId: booked.appointment.id, newStart: `${date}T16:00` });
  expect(moved).toMatchObject({ ok: true, appointment: { start: `${date}T16:00` } });
  expect(await moveAppointment(ctx, { appointmentId: booked.appointment.id, newStart: `${date}T16:00` })).toMatchObject({ ok: true });
  const [event] = stack.sandbox.calendar.liveEvents();
  expect(Date.parse(event!.start.dateTime!)).toBe(instant(`${date}T16:00`).getTime());

  // Fill 17:00 with two other customers, then try to move there.
  for (let i = 0; i < 2; i++) {
    await bookAppointment(await context(await customer()), { serviceName: 'Haircut', start: `${date}T17:00`, customerName: `O${i}`, bookingKey: randomUUID() });
  }
  expect(await moveAppointment(ctx, { appointmentId: booked.appointment.id, newStart: `${date}T17:00` })).toMatchObject({ ok: false, reason: 'full' });
});

test('cancelling deletes the event; cancelling again still succeeds', async () => {
  const ctx = await context(await customer());
  const booked = await bookAppointment(ctx, { serviceName: 'Haircut', start: `${upcoming('thu')}T11:00`, customerName: 'Kai', bookingKey: randomUUID() });
  if (!booked.ok) throw new Error('setup failed');

  expect(await cancelAppointment(ctx, { appointmentId: booked.appointment.id })).toMatchObject({ ok: true });
  expect(await cancelAppointment(ctx, { appointmentId: booked.appointment.id })).toMatchObject({ ok: true, alreadyBooked: true });
  expect((await stack.database.db.appointment.findUniqueOrThrow({ where: { id: booked.appointment.id } })).status).toBe('CANCELLED');
  expect(stack.sandbox.calendar.liveEvents()).toHaveLength(0);
  expect(stack.sandbox.calendar.allEvents()[0]?.status).toBe('cancelled');
});

test("a customer can neither see nor change another customer's or another business's appointments", async () => {
  const owner = await context(await customer('34666000001'));
  const booked = await bookAppointment(owner, { serviceName: 'Haircut', start: `${upcoming('wed')}T15:00`, customerName: 'Owner', bookingKey: randomUUID() });
  if (!booked.ok) throw new Error('setup failed');
  const id = booked.appointment.id;

  const stranger = await context(await customer('34666000002'));
  const otherBusiness = await stack.database.db.business.create({ data: { name: 'Elsewhere', phoneNumberId: '100000000000888', openingHours: {} } });
  // The same phone number, as a customer of another business.
  const sameNumberElsewhere = await context(await customer('34666000001', otherBusiness.id), otherBusiness.id);

  for (const ctx of [stranger, sameNumberElsewhere]) {
    expect(await upcomingAppointments(ctx)).toEqual([]);
    expect(await cancelAppointment(ctx, { appointmentId: id })).toMatchObject({ ok: false, reason: 'not-found' });
    expect(await moveAppointment(ctx, { appointmentId: id, newStart: `${upcoming('wed')}T16:00` })).toMatchObject({ ok: false, reason: 'not-found' });
  }
  expect(await upcomingAppointments(owner)).toEqual([expect.objectContaining({ id, start: `${upcoming('wed')}T15:00` })]);
  expect((await stack.database.db.appointment.findUniqueOrThrow({ where: { id } })).status).toBe('BOOKED');
});

test('a booking step that cannot be completed is released: the place is given back and its event removed', async () => {
  const ctx = await context(await customer());
  const bookingKey = `wf-release:${randomUUID()}`;
  const booked = await bookAppointment(ctx, { serviceName: 'Haircut', start: `${upcoming('tue')}T17:00`, customerName: 'Ivo', bookingKey });
  expect(booked.ok).toBe(true);

  expect(await releaseBooking(stack.database.db, ctx.calendar, stack.businessId, bookingKey)).toBe(true);
  expect(await releaseBooking(stack.database.db, ctx.calendar, stack.businessId, bookingKey)).toBe(true);
  expect(await stack.database.db.appointment.findFirst({ where: { bookingKey } })).toMatchObject({ status: 'CANCELLED' });
  expect(stack.sandbox.calendar.liveEvents()).toHaveLength(0);
});

describe('when Google refuses the calendar credentials', () => {
  const refused = useStack({ workerGoogleToken: 'revoked-token' });

  test('the tool fails at once, nothing is booked, and the model is told so it can answer', async () => {
    const date = upcoming('thu');
    refused.sandbox.openai.enqueue(
      { toolCalls: [{ name: 'book_appointment', arguments: { service: 'Haircut', start: `${date}T10:00`, customer_name: 'Noa' } }] },
      { content: 'Sorry, I cannot book right now.' },
    );
    const result = await runMessage(refused, inboundText(refused, 'Book me', { customer: { waId: '34655000009' } }));

    expect(result).toMatchObject({ outcome: 'replied', appointments: [], replyText: 'Sorry, I cannot book right now.' });
    const told = JSON.parse(refused.sandbox.openai.requests[1]!.messages.at(-1)!.content as string);
    expect(told).toEqual({ ok: false, error: expect.stringMatching(/temporarily unavailable/) });
    expect(await refused.database.db.appointment.count({ where: { status: 'BOOKED' } })).toBe(0);
  });
});

function ownerAuth() {
  const client = new googleAuth.OAuth2();
  client.setCredentials({ access_token: TEST_GOOGLE_TOKEN });
  return client;
}

describe('the same customer asking twice for the same appointment', () => {
  test('a second booking with another booking key answers "you already have it" and books nothing', async () => {
    const ctx = await context(await customer());
    const start = `${upcoming('wed')}T17:00`;
    const first = await bookAppointment(ctx, { serviceName: 'Haircut', start, customerName: 'Ana', bookingKey: randomUUID() });
    if (!first.ok) throw new Error('setup failed');

    const again = await bookAppointment(ctx, { serviceName: 'haircut', start, customerName: 'Ana', bookingKey: randomUUID() });
    expect(again).toMatchObject({
      ok: false,
      reason: 'already-booked',
      appointment: { id: first.appointment.id, start },
      message: expect.stringMatching(/already has this appointment/),
    });
    expect(await stack.database.db.appointment.count({ where: { status: 'BOOKED' } })).toBe(1);
    expect(stack.sandbox.calendar.liveEvents()).toHaveLength(1);
  });

  test('asked at the same moment, one is booked and the other is told it already exists', async () => {
    const ctx = await context(await customer());
    const start = `${upcoming('thu')}T11:00`;
    const outcomes = await Promise.all(
      [1, 2, 3].map(() => bookAppointment(ctx, { serviceName: 'Haircut', start, customerName: 'Bo', bookingKey: randomUUID() })),
    );
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
    expect(outcomes.filter((o) => !o.ok && o.reason === 'already-booked')).toHaveLength(2);
    expect(await stack.database.db.appointment.count({ where: { status: 'BOOKED' } })).toBe(1);
  });

  test('another service at that time, another customer, or the same after cancelling, are bookings of their own', async () => {
    const ana = await context(await customer());
    const start = `${upcoming('tue')}T16:00`;
    const haircut = await bookAppointment(ana, { serviceName: 'Haircut', start, customerName: 'Ana', bookingKey: randomUUID() });
    if (!haircut.ok) throw new Error('setup failed');
    expect(await bookAppointment(ana, { serviceName: 'Colour', start, customerName: 'Ana', bookingKey: randomUUID() })).toMatchObject({ ok: true });
    await stack.database.db.appointment.deleteMany();
    const bea = await context(await customer());
    expect(await bookAppointment(ana, { serviceName: 'Haircut', start, customerName: 'Ana', bookingKey: randomUUID() })).toMatchObject({ ok: true });
    expect(await bookAppointment(bea, { serviceName: 'Haircut', start, customerName: 'Bea', bookingKey: randomUUID() })).toMatchObject({ ok: true });
    const cancelled = await bookAppointment(bea, { serviceName: 'Haircut', start: `${upcoming('fri')}T12:00`, customerName: 'Bea', bookingKey: randomUUID() });
    if (!cancelled.ok) throw new Error('setup failed');
    await cancelAppointment(bea, { appointmentId: cancelled.appointment.id });
    expect(
      await bookAppointment(bea, { serviceName: 'Haircut', start: `${upcoming('fri')}T12:00`, customerName: 'Bea', bookingKey: randomUUID() }),
    ).toMatchObject({ ok: true });
  });

  test('a repeated message in a later turn gets one appointment and a clear answer, through the offline model', async () => {
    const waId = `346${Math.floor(Math.random() * 1e8)}`;
    const date = upcoming('mon');
    const ask = () => runMessage(stack, inboundText(stack, `Book a haircut on ${date} at 5pm, my name is Ana`, { customer: { waId } }));
    const first = await ask();
    expect(first.appointments).toEqual([expect.objectContaining({ kind: 'booked', start: `${date}T17:00` })]);
    const second = await ask();
    expect(second).toMatchObject({ outcome: 'replied', appointments: [] });
    expect(second.replyText).toMatch(/already have \*Haircut\* on .* at 17:00/);
    expect(await stack.database.db.appointment.count({ where: { status: 'BOOKED' } })).toBe(1);
    expect(stack.sandbox.calendar.liveEvents()).toHaveLength(1);
  });
});
