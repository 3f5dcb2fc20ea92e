// What one customer can make a turn cost or do, against the real stack: a long
// message is cut for the model but stored whole, the history the model reads is
// bounded by tokens, one model reply runs at most a few tool calls, and a
// customer holds at most the business's number of upcoming appointments.
import { randomUUID } from 'node:crypto';
import { estimateTokens } from '../../src/agent/history';
import type { ChatMessage } from '../../src/agent/types';
import { bookAppointment, moveAppointment, type BookingContext } from '../../src/booking/appointments';
import { loadBusiness } from '../../src/booking/business';
import { calendarFor } from '../../src/calendar/google-calendar';
import { SANDBOX_CALENDAR_ID } from '../../src/db/demo-business';
import { deliver, inboundText, runMessage } from '../support/deliver';
import { newWamid, textMessagePayload } from '../support/payloads';
import { DEMO_PHONE_NUMBER_ID, TEST_GOOGLE_TOKEN, useStack } from '../support/stack';
import { upcomingWeekday } from '../support/waiting';

jest.setTimeout(120_000);

const stack = useStack();

beforeEach(async () => {
  stack.sandbox.reset();
  await stack.database.db.appointment.deleteMany();
  await stack.database.db.business.update({ where: { id: stack.businessId }, data: { maxActiveAppointmentsPerCustomer: 3 } });
});

const newPhone = () => `3466${Math.floor(Math.random() * 1e8)}`;

/** The conversation the model was given on its first call of the test: everything after the system prompt. */
function firstRequestHistory(): ChatMessage[] {
  const request = stack.sandbox.openai.requests[0];
  if (!request) throw new Error('The model was never called');
  return request.messages.slice(1).map((m) => ({ role: m.role, content: m.content }) as ChatMessage);
}

test('a message over INBOUND_TEXT_MAX_CHARS reaches the model cut at a character boundary, and is stored whole', async () => {
  // 2,505 characters, 5,005 UTF-16 units: a cut by units would split an emoji in half.
  const text = `Hola ${'😀'.repeat(2_500)}`;
  const wamid = newWamid();
  stack.sandbox.openai.enqueue({ content: 'That is a lot of smiles.' });
  const result = await deliver(stack, textMessagePayload({ phoneNumberId: DEMO_PHONE_NUMBER_ID, from: newPhone(), text, wamid }));
  expect(result.outcome).toBe('replied');

  const seen = firstRequestHistory().at(-1)!;
  expect(seen).toEqual({ role: 'user', content: `Hola ${'😀'.repeat(1_995)}\n[message cut: 505 more characters]` });
  const [stored] = await stack.database.db.$queryRaw<Array<{ text: string }>>`SELECT text FROM message WHERE wamid = ${wamid}`;
  expect(stored?.text).toBe(text);
});

test('the history the model reads stays within HISTORY_MAX_TOKENS: the oldest messages go, the latest stays', async () => {
  const waId = newPhone();
  const customer = await stack.database.db.customer.create({ data: { businessId: stack.businessId, waId } });
  const start = Date.now() - 60 * 60_000;
  // Nine earlier messages of about 630 estimated tokens each: 5,700 in all, which the model would read every turn.
  for (let i = 0; i < 9; i++) {
    const inbound = i % 2 === 0;
    await stack.database.db.message.create({
      data: {
        businessId: stack.businessId,
        customerId: customer.id,
        direction: inbound ? 'INBOUND' : 'OUTBOUND',
        role: inbound ? 'USER' : 'ASSISTANT',
        text: `${i}: ${'words and more words '.repeat(90)}`,
        status: inbound ? 'RECEIVED' : 'SENT',
        wamid: inbound ? newWamid() : null,
        createdAt: new Date(start + i * 60_000),
        sentByCustomerAt: inbound ? new Date(start + i * 60_000) : null,
      },
    });
  }
  stack.sandbox.openai.enqueue({ content: 'Friday works.' });
  await runMessage(stack, inboundText(stack, 'And on Friday?', { customer: { waId } }));

  const history = firstRequestHistory();
  expect(history.reduce((sum, m) => sum + estimateTokens(m), 0)).toBeLessThanOrEqual(3_000);
  expect(history.at(-1)).toEqual({ role: 'user', content: 'And on Friday?' });
  // The newest earlier messages, in order, with none missing between them.
  const numbers = history.slice(0, -1).map((m) => Number(m.content!.split(':')[0]));
  expect(numbers.length).toBeGreaterThan(0);
  expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, i) => 9 - numbers.length + i));
});

test('a model reply asking for ten bookings runs three; the model is told the rest were not run', async () => {
  // The per-customer limit out of the way: this is about calls per reply.
  await stack.database.db.business.update({ where: { id: stack.businessId }, data: { maxActiveAppointmentsPerCustomer: 20 } });
  const date = upcomingWeekday('tue');
  const times = ['10:00', '10:30', '11:00', '11:30', '12:00', '12:30', '13:00', '15:00', '15:30', '16:00'];
  stack.sandbox.openai.enqueue(
    { toolCalls: times.map((t) => ({ name: 'book_appointment', arguments: { service: 'Haircut', start: `${date}T${t}`, customer_name: 'Greedy' } })) },
    { content: 'Booked what I could.' },
  );
  const waId = newPhone();
  const result = await runMessage(stack, inboundText(stack, 'Book every slot on Tuesday', { customer: { waId } }));

  expect(result.outcome).toBe('replied');
  expect(result.toolCalls).toHaveLength(3);
  const booked = await stack.database.db.appointment.findMany({ where: { customer: { waId } }, orderBy: { startsAt: 'asc' } });
  expect(booked).toHaveLength(3);
  expect(stack.sandbox.calendar.liveEvents(SANDBOX_CALENDAR_ID)).toHaveLength(3);

  // Every call of the reply has its answer, as the API requires; the last seven say they were not run.
  const second = stack.sandbox.openai.requests[1]!.messages;
  const calls = (second.at(-11) as { tool_calls: Array<{ id: string }> }).tool_calls;
  const answers = second.slice(-10);
  expect(answers.map((m) => m.tool_call_id)).toEqual(calls.map((c) => c.id));
  expect(answers.slice(3).map((m) => JSON.parse(m.content as string).error)).toEqual(Array(7).fill(expect.stringMatching(/^Not run: at most 3 tool calls/)));
});

describe('upcoming appointments per customer', () => {
  async function context(customerId: string): Promise<BookingContext> {
    const business = (await loadBusiness(stack.database.db, stack.businessId)).booking;
    return {
      db: stack.database.db,
      business,
      calendar: calendarFor(business, { rootUrl: stack.sandbox.url, accessToken: TEST_GOOGLE_TOKEN }),
      customerId,
      now: new Date(),
    };
  }
  const book = async (customerId: string, start: string) =>
    bookAppointment(await context(customerId), { serviceName: 'Haircut', start, customerName: 'Ana', bookingKey: `limit:${randomUUID()}` });

  test('at the limit, book_appointment refuses with a reason the model can explain; moving one still works', async () => {
    const waId = newPhone();
    const customer = await stack.database.db.customer.create({ data: { businessId: stack.businessId, waId } });
    const date = upcomingWeekday('wed');
    for (const t of ['10:00', '11:00', '12:00']) expect(await book(customer.id, `${date}T${t}`)).toMatchObject({ ok: true });

    stack.sandbox.openai.enqueue(
      { toolCalls: [{ name: 'book_appointment', arguments: { service: 'Haircut', start: `${date}T16:00`, customer_name: 'Ana' } }] },
      { content: 'You already have three appointments with us.' },
    );
    const result = await runMessage(stack, inboundText(stack, 'One more at 16:00 please', { customer: { waId } }));
    expect(result.appointments).toEqual([]);
    const answer = JSON.parse(stack.sandbox.openai.requests[1]!.messages.at(-1)!.content as string);
    expect(answer).toEqual({ ok: false, reason: 'too-many-appointments', message: expect.stringMatching(/^You already have 3 upcoming appointments/) });
    expect(await stack.database.db.appointment.count({ where: { customerId: customer.id, status: 'BOOKED' } })).toBe(3);

    const [first] = await stack.database.db.appointment.findMany({ where: { customerId: customer.id }, orderBy: { startsAt: 'asc' } });
    expect(await moveAppointment(await context(customer.id), { appointmentId: first!.id, newStart: `${date}T17:00` })).toMatchObject({ ok: true });
  });

  test('two bookings at the same moment by a customer one short of the limit: exactly one is made', async () => {
    await stack.database.db.business.update({ where: { id: stack.businessId }, data: { maxActiveAppointmentsPerCustomer: 2 } });
    const customer = await stack.database.db.customer.create({ data: { businessId: stack.businessId, waId: newPhone() } });
    const date = upcomingWeekday('thu');
    expect(await book(customer.id, `${date}T10:00`)).toMatchObject({ ok: true });

    const outcomes = await Promise.all(['12:00', '16:00', '17:00'].map((t) => book(customer.id, `${date}T${t}`)));
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
    expect(outcomes.filter((o) => !o.ok).map((o) => !o.ok && o.reason)).toEqual(['too-many-appointments', 'too-many-appointments']);
    expect(await stack.database.db.appointment.count({ where: { customerId: customer.id, status: 'BOOKED' } })).toBe(2);
  });

  test('appointments already over, or cancelled, do not count', async () => {
    await stack.database.db.business.update({ where: { id: stack.businessId }, data: { maxActiveAppointmentsPerCustomer: 1 } });
    const customer = await stack.database.db.customer.create({ data: { businessId: stack.businessId, waId: newPhone() } });
    const service = await stack.database.db.service.findFirstOrThrow({ where: { businessId: stack.businessId, name: 'Haircut' } });
    const past = new Date(Date.now() - 2 * 24 * 60 * 60_000);
    await stack.database.db.appointment.create({
      data: {
        businessId: stack.businessId,
        customerId: customer.id,
        serviceId: service.id,
        serviceName: service.name,
        startsAt: past,
        endsAt: new Date(past.getTime() + 30 * 60_000),
      },
    });
    const date = upcomingWeekday('fri');
    const cancelled = await book(customer.id, `${date}T10:00`);
    expect(cancelled).toMatchObject({ ok: true });
    await stack.database.db.appointment.updateMany({ where: { customerId: customer.id, startsAt: { gt: new Date() } }, data: { status: 'CANCELLED' } });

    expect(await book(customer.id, `${date}T11:00`)).toMatchObject({ ok: true });
    expect(await book(customer.id, `${date}T12:00`)).toMatchObject({ ok: false, reason: 'too-many-appointments' });
  });
});
