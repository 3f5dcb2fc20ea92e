// A business's appointments in the console, on the real Temporal server: a day
// and a week in the business's time zone, and an owner's cancel and move, which
// go through the bot's booking code in the ownerAppointmentChange workflow and
// tell the customer on WhatsApp once, however often the request arrives.
import { randomUUID } from 'node:crypto';
import { bookAppointment } from '../../src/booking/appointments';
import { loadBusiness } from '../../src/booking/business';
import { addDays, fromLocal, parseLocalDateTime } from '../../src/booking/time';
import { calendarFor } from '../../src/calendar/google-calendar';
import type { AppointmentsPage } from '../../src/db/appointments-view';
import { ConsoleClient, signedInUser } from '../support/console-client';
import { DEMO_PHONE_NUMBER_ID, TEST_GOOGLE_TOKEN, useStack } from '../support/stack';
import { upcomingWeekday } from '../support/waiting';

const stack = useStack();
const db = () => stack.database.db;
const TZ = 'Europe/Madrid';
const OTHER_PHONE_NUMBER_ID = '100000000000791';
type Who = 'admin' | 'ownerA' | 'staffA' | 'ownerB';
const browsers = {} as Record<Who, ConsoleClient>;
let businessB: string;

beforeAll(async () => {
  businessB = (await db().business.create({ data: { name: 'Other Salon', phoneNumberId: OTHER_PHONE_NUMBER_ID }, select: { id: true } })).id;
  browsers.admin = await signedInUser(stack, 'admin@example.com', 'platform-admin');
  browsers.ownerA = await signedInUser(stack, 'ownerA@example.com', 'owner', DEMO_PHONE_NUMBER_ID);
  browsers.staffA = await signedInUser(stack, 'staffA@example.com', 'staff', DEMO_PHONE_NUMBER_ID);
  browsers.ownerB = await signedInUser(stack, 'ownerB@example.com', 'owner', OTHER_PHONE_NUMBER_ID);
});

beforeEach(async () => {
  stack.sandbox.reset();
  await db().appointment.deleteMany();
});

const instant = (local: string) => fromLocal(parseLocalDateTime(local)!, TZ)!;
const api = (path = '') => `/admin/api/businesses/${stack.businessId}/appointments${path}`;

let customers = 0;
/** A customer of the demo business with a booking made by the bot's booking code (a calendar event included). */
async function booked(start: string, { name = 'Ana', service = 'Haircut', isTest = false } = {}) {
  const waId = `3466${String(++customers).padStart(7, '0')}`;
  const customer = await db().customer.create({ data: { businessId: stack.businessId, waId, profileName: `${name} (profile)`, isTest } });
  const business = (await loadBusiness(db(), stack.businessId)).booking;
  const outcome = await bookAppointment(
    {
      db: db(),
      business,
      calendar: calendarFor(business, { rootUrl: stack.sandbox.url, accessToken: TEST_GOOGLE_TOKEN }),
      customerId: customer.id,
      now: new Date(),
    },
    { serviceName: service, start, customerName: name, bookingKey: `test:${randomUUID()}` },
  );
  if (!outcome.ok) throw new Error(`setup: could not book ${start}: ${outcome.message}`);
  return { id: outcome.appointment.id, waId, customerId: customer.id };
}

async function row(id: string) {
  return db().appointment.findUniqueOrThrow({ where: { id } });
}

/** The calendar event of an appointment, as the Calendar stand-in holds it now. */
async function calendarEvent(appointmentId: string) {
  const { calendarEventId } = await row(appointmentId);
  return stack.sandbox.calendar.allEvents().find((e) => e.id === calendarEventId);
}

test('a day and a week of appointments in the business time zone, customers in clear, tests and cancellations marked', async () => {
  const monday = upcomingWeekday('mon');
  const first = await booked(`${monday}T10:00`, { name: 'Ana' });
  const trial = await booked(`${monday}T16:00`, { name: 'Trying it', isTest: true });
  const tuesday = await booked(`${addDays(monday, 1)}T11:00`, { name: 'Bo', service: 'Colour' });
  const nextWeek = await booked(`${addDays(monday, 7)}T10:00`, { name: 'Cy' });
  // Just either side of Monday in Madrid, which are other UTC dates' hours: midnight decides, in the business's zone.
  const early = await db().appointment.create({
    data: { ...(await copyOf(first.id)), startsAt: instant(`${monday}T00:30`), endsAt: instant(`${monday}T01:00`) },
  });
  const late = await db().appointment.create({
    data: { ...(await copyOf(first.id)), startsAt: instant(`${addDays(monday, -1)}T23:30`), endsAt: instant(`${monday}T00:00`) },
  });
  await db().appointment.update({ where: { id: tuesday.id }, data: { status: 'CANCELLED' } });

  const day = await browsers.staffA.request<AppointmentsPage>('GET', api(`?from=${monday}&days=1`));
  expect(day.status).toBe(200);
  expect(day.body).toMatchObject({ timeZone: TZ, from: monday, days: 1 });
  expect(day.body.appointments.map((a) => a.id)).toEqual([early.id, first.id, trial.id]);
  expect(day.body.appointments[1]).toEqual({
    id: first.id,
    service: 'Haircut',
    customer: { id: first.customerId, name: 'Ana', number: first.waId, isTest: false },
    start: `${monday}T10:00`,
    end: `${monday}T10:30`,
    startsAt: instant(`${monday}T10:00`).toISOString(),
    endsAt: instant(`${monday}T10:30`).toISOString(),
    status: 'booked',
    changedBy: null,
  });
  expect(day.body.appointments[2]?.customer).toMatchObject({ name: 'Trying it', isTest: true });

  const week = await browsers.ownerA.request<AppointmentsPage>('GET', api(`?from=${monday}&days=7`));
  expect(week.body.appointments.map((a) => [a.id, a.status])).toEqual([
    [early.id, 'booked'],
    [first.id, 'booked'],
    [trial.id, 'booked'],
    [tuesday.id, 'cancelled'],
  ]);
  expect(week.body.appointments.map((a) => a.id)).not.toContain(late.id);
  expect(week.body.appointments.map((a) => a.id)).not.toContain(nextWeek.id);

  expect((await browsers.ownerA.request('GET', api('?from=2026-02-30'))).body).toMatchObject({ fields: { from: expect.any(String) } });
  expect((await browsers.ownerA.request('GET', api(`?from=${monday}&days=3`))).status).toBe(400);
  // Without a date: today in the business's zone.
  expect((await browsers.ownerA.request<AppointmentsPage>('GET', api())).body).toMatchObject({ days: 1, from: expect.stringMatching(/^\d{4}-\d\d-\d\d$/) });
});

/** An appointment's fields for a copy of it (another row with the same customer and service). */
async function copyOf(id: string) {
  const { businessId, customerId, serviceId, serviceName, customerName } = await row(id);
  return { businessId, customerId, serviceId, serviceName, customerName };
}

test('the owner cancels: the row is cancelled, the calendar event gone, the customer told once on WhatsApp and in the history', async () => {
  const monday = upcomingWeekday('mon');
  const appointment = await booked(`${monday}T17:00`, { name: 'Ana' });
  expect((await calendarEvent(appointment.id))?.status).toBe('confirmed');

  const response = await browsers.ownerA.request('POST', api(`/${appointment.id}/cancel`), { requestId: randomUUID() });
  expect(response.status).toBe(200);
  const [d, m] = [Number(monday.slice(8)), new Date(`${monday}T12:00:00Z`).toLocaleString('en-GB', { month: 'short', timeZone: 'UTC' })];
  const expected = `Your *Haircut* on Mon ${d} ${m} at 17:00 was cancelled by Lumen Hair Studio. Reply here if you'd like another time.`;
  expect(response.body).toMatchObject({ customerTold: true, notice: expected, start: `${monday}T17:00` });

  expect((await row(appointment.id)).status).toBe('CANCELLED');
  expect((await calendarEvent(appointment.id))?.status).toBe('cancelled');
  expect(stack.sandbox.graph.sent.map((s) => [s.to, s.text])).toEqual([[appointment.waId, expected]]);
  // Recorded with the conversation, where the model reads it in the customer's next turn.
  const messages = await db().message.findMany({ where: { customerId: appointment.customerId } });
  expect(messages).toEqual([expect.objectContaining({ direction: 'OUTBOUND', role: 'ASSISTANT', text: expected, status: 'SENT' })]);

  const audit = await db().auditEntry.findMany({ where: { businessId: stack.businessId, action: 'appointment.cancel' } });
  expect(audit.map((a) => [a.userEmail, (a.after as { appointmentId: string }).appointmentId])).toContainEqual(['ownera@example.com', appointment.id]);
  const day = await browsers.staffA.request<AppointmentsPage>('GET', api(`?from=${monday}`));
  expect(day.body.appointments[0]).toMatchObject({ status: 'cancelled', changedBy: { action: 'cancel', email: 'ownera@example.com' } });

  // Cancelled already: nothing more happens, nobody is told again.
  const again = await browsers.ownerA.request('POST', api(`/${appointment.id}/cancel`), { requestId: randomUUID() });
  expect(again).toMatchObject({ status: 409, body: { error: 'This appointment is already cancelled.' } });
  expect(stack.sandbox.graph.sent).toHaveLength(1);
});

test('the owner moves: the calendar event follows and the customer is told; refusals name the time and change nothing', async () => {
  const monday = upcomingWeekday('mon');
  const appointment = await booked(`${monday}T10:00`, { name: 'Ana' });
  await booked(`${monday}T17:00`, { name: 'Bo' });
  await booked(`${monday}T17:00`, { name: 'Cy' });
  const move = (start: string) => browsers.ownerA.request('POST', api(`/${appointment.id}/move`), { requestId: randomUUID(), start });

  // 14:00 is the lunch break; 17:00 already has two appointments, all the demo business takes at once.
  const refusals = [await move(`${monday}T14:00`), await move(`${monday}T17:00`), await move(`${monday}T10:00`), await move('2020-01-06T10:00')];
  expect(refusals.map((r) => [r.status, r.body.error])).toEqual([
    [400, 'That time is outside opening hours (the appointment must end before closing).'],
    [400, 'That time is already fully booked.'],
    [400, 'The appointment is already at that time.'],
    [400, 'That time has already passed.'],
  ]);
  // Next to the time field: the same sentence, and the free times nearest to the one asked for.
  expect(refusals[1]?.body.alternatives).toEqual(expect.arrayContaining([`${monday}T16:00`]));
  expect(refusals[1]?.body.fields).toEqual({ start: expect.stringMatching(/^That time is already fully booked\. Free nearby: Mon \d+ \w+ at \d\d:\d\d; /) });
  expect(refusals[2]?.body.fields).toEqual({ start: 'The appointment is already at that time.' });
  expect((await move('tomorrow at five')).body).toMatchObject({ fields: { start: 'A date and time, YYYY-MM-DDTHH:mm.' } });
  expect(await row(appointment.id)).toMatchObject({ status: 'BOOKED', startsAt: instant(`${monday}T10:00`) });
  expect(Date.parse((await calendarEvent(appointment.id))!.start.dateTime!)).toBe(instant(`${monday}T10:00`).getTime());
  expect(stack.sandbox.graph.sent).toEqual([]);

  const tuesday = addDays(monday, 1);
  const moved = await move(`${tuesday}T11:30`);
  expect(moved).toMatchObject({ status: 200, body: { start: `${tuesday}T11:30`, customerTold: true } });
  expect(await row(appointment.id)).toMatchObject({ status: 'BOOKED', startsAt: instant(`${tuesday}T11:30`), endsAt: instant(`${tuesday}T12:00`) });
  const event = await calendarEvent(appointment.id);
  expect([event?.status, Date.parse(event!.start.dateTime!)]).toEqual(['confirmed', instant(`${tuesday}T11:30`).getTime()]);
  expect(stack.sandbox.graph.sent).toHaveLength(1);
  expect(stack.sandbox.graph.sent[0]?.text).toMatch(/^Your \*Haircut\* on Mon \d+ \w+ at 10:00 was moved by Lumen Hair Studio to Tue \d+ \w+ at 11:30\. /);
  const week = await browsers.ownerA.request<AppointmentsPage>('GET', api(`?from=${monday}&days=7`));
  expect(week.body.appointments.find((a) => a.id === appointment.id)).toMatchObject({ start: `${tuesday}T11:30`, changedBy: { action: 'move' } });
});

test('the same request twice, even at once, changes once and tells the customer once', async () => {
  const monday = upcomingWeekday('mon');
  const appointment = await booked(`${monday}T11:00`);
  const body = { requestId: randomUUID(), start: `${monday}T12:00` };
  const answers = await Promise.all([1, 2, 3].map(() => browsers.ownerA.request('POST', api(`/${appointment.id}/move`), body)));
  expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
  expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
  expect(stack.sandbox.graph.sent).toHaveLength(1);
  expect(await db().auditEntry.count({ where: { action: 'appointment.move', after: { path: ['appointmentId'], equals: appointment.id } } })).toBe(1);
  // Later, after the workflow has finished: still the same answer, still one message.
  expect((await browsers.ownerA.request('POST', api(`/${appointment.id}/move`), body)).body).toEqual(answers[0]!.body);
  expect(stack.sandbox.graph.sent).toHaveLength(1);
  const workflowId = answers[0]!.body.workflowId as string;
  expect((await stack.temporal.workflow.getHandle(workflowId).describe()).status.name).toBe('COMPLETED');
});

test('staff and other businesses cannot change appointments', async () => {
  const monday = upcomingWeekday('mon');
  const appointment = await booked(`${monday}T15:00`);
  const cancel = (who: Who, businessId = stack.businessId) =>
    browsers[who].request('POST', `/admin/api/businesses/${businessId}/appointments/${appointment.id}/cancel`, { requestId: randomUUID() });

  expect((await cancel('staffA')).status).toBe(403);
  expect((await cancel('ownerB')).status).toBe(403);
  expect((await browsers.ownerB.request('GET', api(`?from=${monday}`))).status).toBe(403);
  // Through a business of one's own, another business's appointment is not found.
  expect(await cancel('ownerB', businessB)).toMatchObject({ status: 404, body: { error: 'This business has no such appointment.' } });
  expect(await cancel('admin', businessB)).toMatchObject({ status: 404 });
  expect((await row(appointment.id)).status).toBe('BOOKED');
  expect(stack.sandbox.graph.sent).toEqual([]);
  // A platform admin may, like the owner.
  expect((await cancel('admin')).status).toBe(200);
});
