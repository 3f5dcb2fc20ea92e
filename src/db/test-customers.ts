// The test customers of the console's "Try it" chat: one per console user and
// business, known by a synthetic BSUID (whatsapp/console-test.ts) and marked
// isTest, so replies to them are never sent (activities/sending.ts), the inbox
// leaves them out and their bookings are marked as tests.
import type { ChoiceOption } from '../whatsapp/interactive';
import { offeredOptions, tappedOption } from '../whatsapp/offered-options';
import { requestIdOf, testCustomerBsuid } from '../whatsapp/console-test';
import type { Database } from './client';
import type { CustomerIdentity } from './customers';

/** GET …/try-it answers this under `tryIt`. */
export interface TryItView {
  /** The test customer, once the user has written in the chat. */
  customer: { id: string; name: string } | null;
  /** The chat in the order it happened, newest last. */
  messages: TryItMessageView[];
  /** The test customer's bookings, booked and cancelled. */
  appointments: TryItAppointmentView[];
  /** The last message is the user's: the bot is still working on its answer. */
  awaitingReply: boolean;
}

export interface TryItMessageView {
  id: string;
  from: 'tester' | 'bot';
  /** The tester's messages: the request ID the browser sent it under, so the page can tell its own message arrived. */
  requestId?: string;
  /** In WhatsApp formatting (*bold*, _italic_), as the customer would read it. */
  text: string;
  /** Choices the bot offered under this message, as buttons. */
  options: ChoiceOption[];
  at: string;
}

export interface TryItAppointmentView {
  id: string;
  service: string;
  startsAt: string;
  status: 'BOOKED' | 'CANCELLED';
}

/** The most of a test chat the console shows: an owner's tries are short. */
const MESSAGES_SHOWN = 200;

export interface Tester {
  id: string;
  email: string;
  name: string | null;
}

/** Who the user's test messages are from: resolveCustomer makes the row, marked as a test by its BSUID, the first time. */
export function testCustomerIdentity(tester: Tester): CustomerIdentity {
  return { bsuid: testCustomerBsuid(tester.id), profileName: `Test: ${tester.name || tester.email}` };
}

export async function findTestCustomer(db: Database, businessId: string, userId: string): Promise<{ id: string; profileName: string | null } | null> {
  return db.customer.findFirst({
    where: { businessId, bsuid: testCustomerBsuid(userId), isTest: true, mergedIntoId: null },
    select: { id: true, profileName: true },
  });
}

export async function loadTryIt(db: Database, businessId: string, userId: string): Promise<TryItView> {
  const customer = await findTestCustomer(db, businessId, userId);
  if (!customer) return { customer: null, messages: [], appointments: [], awaitingReply: false };
  const [rows, appointments] = await Promise.all([
    db.message.findMany({
      where: { businessId, customerId: customer.id },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: MESSAGES_SHOWN,
      select: { id: true, direction: true, text: true, type: true, wamid: true, createdAt: true },
    }),
    db.appointment.findMany({
      where: { businessId, customerId: customer.id },
      orderBy: { startsAt: 'asc' },
      select: { id: true, serviceName: true, startsAt: true, status: true },
    }),
  ]);
  const messages = rows.reverse().map((row): TryItMessageView => {
    if (row.direction === 'INBOUND') {
      // A tap reads as the option's title, as it does on the customer's phone.
      const text = (row.type === 'interactive' && tappedOption(row.text)) || row.text;
      return { id: row.id, from: 'tester', requestId: requestIdOf(row.wamid), text, options: [], at: row.createdAt.toISOString() };
    }
    const { body, options } = row.type === 'interactive' ? offeredOptions(row.text) : { body: row.text, options: [] };
    return { id: row.id, from: 'bot', text: body, options, at: row.createdAt.toISOString() };
  });
  return {
    customer: { id: customer.id, name: customer.profileName ?? 'Test customer' },
    messages,
    appointments: appointments.map((a) => ({ id: a.id, service: a.serviceName, startsAt: a.startsAt.toISOString(), status: a.status })),
    awaitingReply: messages.at(-1)?.from === 'tester',
  };
}

/** The test customer's bookings still holding time, with what cancelling each needs. */
export async function bookedTestAppointments(db: Database, customerId: string) {
  return db.appointment.findMany({ where: { customerId, status: 'BOOKED' }, select: { id: true, endsAt: true, calendarEventId: true } });
}

/** Inbound messages' workflows, which may still be waiting for their turn when the chat is cleared. */
export async function testMessageWorkflowIds(db: Database, customerId: string): Promise<string[]> {
  const rows = await db.message.findMany({ where: { customerId, direction: 'INBOUND', workflowId: { not: null } }, select: { workflowId: true } });
  return rows.map((r) => r.workflowId!);
}

/** Deletes a test customer and, with it, their messages, turns and appointments. Never a real customer: the row must be a test row. */
export async function deleteTestCustomer(db: Database, customerId: string): Promise<{ messages: number }> {
  return db.$transaction(async (transaction) => {
    const tx = transaction as unknown as Database;
    const messages = await tx.message.count({ where: { customerId } });
    const { count } = await tx.customer.deleteMany({ where: { id: customerId, isTest: true } });
    return { messages: count > 0 ? messages : 0 };
  });
}
