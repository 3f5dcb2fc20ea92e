// A customer's right to be forgotten: their messages, turns and rows deleted,
// their appointments kept for the business without their name (in the database
// and in the calendar), their workflow executions deleted from Temporal.
//
// The order makes it safe to repeat and to race a message arriving meanwhile:
// 1. their conversation is terminated, so no turn of theirs runs (or books) now;
// 2. the calendar events and 3. the Temporal executions are cleaned while the
//    rows that name them still exist: if either fails, nothing is lost and the
//    same command, run again, finds the customer and carries on;
// 4. one transaction deletes the rows (see eraseCustomerRows: a message being
//    recorded for them waits, then fails and is retried as from a new customer);
// 5. whatever a message arriving during 1–4 added (a restarted conversation, its
//    message workflow, a booking) is named by the rows the transaction deleted,
//    and is cleaned the same way.
// Afterwards the customer is unknown: erasing again finds nobody (zero counts),
// and if they write again they are a new customer.
import { loadBusiness } from '../booking/business';
import { calendarFor, type BusinessCalendar } from '../calendar/google-calendar';
import { customerAppointments, eraseCustomerRows, workflowIdsOfMessages, type ErasedRows } from '../db/customer-records';
import { conversationWorkflowId } from '../workflows/conversation-id';
import { findCustomer, type PrivacyDependencies } from './customer-data';
import { deleteWorkflows, findCustomerWorkflows, stopConversations } from './customer-workflows';

/** The database's counts, and what was done outside it. */
export type ErasureReport = Omit<ErasedRows, 'workflowIds' | 'appointments'> & {
  calendarEventsRewritten: number;
  workflowExecutionsDeleted: number;
};

const NOTHING: ErasureReport = {
  customers: 0,
  messages: 0,
  turns: 0,
  modelUsageDetached: 0,
  appointmentsAnonymised: 0,
  auditEntriesScrubbed: 0,
  calendarEventsRewritten: 0,
  workflowExecutionsDeleted: 0,
};

/** The customer's calendar events carry their name, and this process cannot open the business's calendar: nothing is erased. */
export class CalendarNeededError extends Error {
  override name = 'CalendarNeededError';
  constructor(events: number) {
    super(
      `Nothing was erased: ${events} of the customer's appointments have calendar events that carry their name, and this process has no Google credentials for the business's calendar. Run it with the worker's GOOGLE_* settings.`,
    );
  }
}

/** What an erased customer's event says instead of their name (the summary and description held it). */
export function erasedEventText(serviceName: string): { summary: string; description: string } {
  return { summary: `${serviceName} – customer erased`, description: 'Booked on WhatsApp by a customer whose details were erased at their request.' };
}

async function rewriteEvents(
  calendar: BusinessCalendar | undefined,
  appointments: Array<{ eventId: string | null; serviceName: string }>,
  rewritten: Set<string>,
) {
  if (!calendar) return;
  for (const { eventId, serviceName } of appointments) {
    if (!eventId || rewritten.has(eventId)) continue;
    if ((await calendar.rewriteEventText(eventId, erasedEventText(serviceName))) === 'rewritten') rewritten.add(eventId);
  }
}

export async function eraseCustomer(
  { db, temporal, calendarAccess }: PrivacyDependencies,
  request: { phoneNumberId: string; identifier: string; userEmail: string },
): Promise<ErasureReport> {
  const { business, customerIds } = await findCustomer(db, request.phoneNumberId, request.identifier);
  if (!customerIds) return NOTHING;

  // Checked before anything changes: once the rows are gone, nothing would say which events still carry their name.
  const calendar = calendarFor((await loadBusiness(db, business.id)).booking, calendarAccess);
  const withEvents = (await customerAppointments(db, customerIds)).filter((a) => a.eventId).length;
  if (!calendar && withEvents > 0) throw new CalendarNeededError(withEvents);

  await stopConversations(temporal, customerIds);

  const appointments = await customerAppointments(db, customerIds);
  const rewritten = new Set<string>();
  await rewriteEvents(calendar, appointments, rewritten);

  const messageWorkflowIds = await workflowIdsOfMessages(db, customerIds);
  const workflows = await findCustomerWorkflows(temporal, {
    businessId: business.id,
    customerIds,
    messageWorkflowIds,
    appointmentIds: appointments.map((a) => a.id),
  });
  const deletedRuns = new Set<string>();
  const byId = (ids: string[]) => ids.map((workflowId) => ({ workflowId }));
  await deleteWorkflows(temporal, [...workflows, ...byId(messageWorkflowIds), ...byId(customerIds.map(conversationWorkflowId))], deletedRuns);

  const erased = await eraseCustomerRows(db, {
    businessId: business.id,
    customerIds,
    audit: { userEmail: request.userEmail, counts: { calendarEventsRewritten: rewritten.size, workflowExecutionsDeleted: deletedRuns.size } },
  });

  await rewriteEvents(calendar, erased.appointments, rewritten);
  await deleteWorkflows(temporal, byId([...erased.workflowIds, ...customerIds.map(conversationWorkflowId)]), deletedRuns);

  const { workflowIds: _w, appointments: _a, ...rows } = erased;
  return { ...rows, calendarEventsRewritten: rewritten.size, workflowExecutionsDeleted: deletedRuns.size };
}
