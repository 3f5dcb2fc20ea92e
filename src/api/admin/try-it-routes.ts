// "Try it": an owner writes to their own bot from the console as a test
// customer. Each message starts the same message workflow a webhook starts, on
// the same task queue, so the same conversation workflow, prompt, tools and
// booking rules answer; the reply is recorded and shown here, never sent
// (activities/sending.ts decides that from the customer's row).
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { FastifyPluginAsync, FastifyReply, preHandlerHookHandler } from 'fastify';
import { z } from 'zod';
import { cancelAppointment } from '../../booking/appointments';
import { loadBusiness } from '../../booking/business';
import { calendarFor, type CalendarAccess } from '../../calendar/google-calendar';
import type { Database } from '../../db/client';
import { bookedTestAppointments, deleteTestCustomer, findTestCustomer, loadTryIt, testCustomerIdentity, testMessageWorkflowIds } from '../../db/test-customers';
import { testMessageWamid } from '../../whatsapp/console-test';
import { messageContent } from '../../whatsapp/message-content';
import type { handleInboundMessage } from '../../workflows';
import { conversationWorkflowId } from '../../workflows/conversation-id';
import { BUSINESS_ID } from '../../workflows/search-attributes';
import type { InboundMessageInput } from '../../workflows/types';
import { messageWorkflowId } from '../message-workflow-id';
import { businessFor, signedIn } from './guards';
import { invalidBody } from './validation';

export interface TryItRouteOptions {
  db: Database;
  requireUser: preHandlerHookHandler;
  temporal: { client: Client; taskQueue: string };
  /** The calendar as the worker opens it: clearing test data deletes the test bookings' events. */
  calendarAccess: CalendarAccess;
}

const messageBody = z.object({
  text: z.string().trim().min(1, 'Write a message.').max(4096, 'At most 4,096 characters, as on WhatsApp.'),
  /** A UUID from the browser, the same for a repeated submit: it names the message, so it is sent once. */
  requestId: z.uuid('Not a request ID.'),
  /** A tap on one of the bot's buttons: it reaches the bot as WhatsApp delivers a tap. */
  choice: z.object({ id: z.string().min(1).max(200), title: z.string().min(1).max(200) }).optional(),
});

const CALENDAR_UNREACHABLE = 'The calendar could not be reached, so the test bookings are still there. Try again in a moment.';

export const tryItRoutes: FastifyPluginAsync<TryItRouteOptions> = async (app, { db, requireUser, temporal, calendarAccess }) => {
  const preHandler = signedIn(db, requireUser);

  app.get('/businesses/:businessId/try-it', { preHandler }, async (request, reply) => {
    const businessId = await businessFor(request, reply, 'manage');
    if (!businessId) return reply;
    return { tryIt: await loadTryIt(db, businessId, request.access!.userId) };
  });

  app.post('/businesses/:businessId/try-it/messages', { preHandler }, async (request, reply) => {
    const businessId = await businessFor(request, reply, 'manage');
    if (!businessId) return reply;
    const body = messageBody.safeParse(request.body);
    if (!body.success) return invalidBody(reply, body.error);
    const { text, requestId, choice } = body.data;

    const [user, business] = await Promise.all([
      db.adminUser.findUniqueOrThrow({ where: { id: request.access!.userId }, select: { id: true, email: true, name: true } }),
      db.business.findUniqueOrThrow({ where: { id: businessId }, select: { phoneNumberId: true } }),
    ]);
    const wamid = testMessageWamid(requestId);
    const timestamp = String(Math.floor(Date.now() / 1000));
    // Read as WhatsApp's own message would be, so a tap reaches the model exactly as a customer's does.
    const content = messageContent(
      choice
        ? { id: wamid, timestamp, type: 'interactive', interactive: { type: 'button_reply', button_reply: choice } }
        : { id: wamid, timestamp, type: 'text', text: { body: text } },
    );
    const input: InboundMessageInput = {
      businessId,
      phoneNumberId: business.phoneNumberId,
      wamid,
      type: content.type,
      text: content.text,
      handling: content.handling,
      timestamp,
      // The test customer is made by the workflow's first step, as any new customer is.
      customer: testCustomerIdentity(user),
    };
    const workflowId = messageWorkflowId(wamid);
    try {
      await temporal.client.workflow.start<typeof handleInboundMessage>('handleInboundMessage', {
        taskQueue: temporal.taskQueue,
        workflowId,
        args: [input],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: [{ key: BUSINESS_ID, value: businessId }],
      });
    } catch (err) {
      // The same request again (a double click, a retry after a lost answer): it is already on its way.
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    return reply.code(202).send({ message: { requestId, workflowId } });
  });

  app.delete('/businesses/:businessId/try-it', { preHandler }, async (request, reply) => {
    const businessId = await businessFor(request, reply, 'manage');
    if (!businessId) return reply;
    const customer = await findTestCustomer(db, businessId, request.access!.userId);
    if (!customer) return { cleared: { appointments: 0, messages: 0 } };

    // A turn still running would go on writing to what is being deleted: its workflows end first.
    await stopWorkflows(temporal.client, [conversationWorkflowId(customer.id), ...(await testMessageWorkflowIds(db, customer.id))]);
    const cancelled = await cancelTestBookings(db, calendarAccess, businessId, customer.id, reply);
    if (cancelled === undefined) return reply;
    const { messages } = await deleteTestCustomer(db, customer.id);
    return { cleared: { appointments: cancelled, messages } };
  });
};

async function stopWorkflows(client: Client, workflowIds: string[]): Promise<void> {
  await Promise.all(
    workflowIds.map(async (workflowId) => {
      try {
        await client.workflow.getHandle(workflowId).terminate('Test data cleared in the console');
      } catch (err) {
        // Already finished (or never started): nothing left to stop.
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
    }),
  );
}

/**
 * Cancels the test customer's bookings through the booking code, so their calendar events go too. A booking
 * already over is not the bot's to cancel, but its test event is still removed. Answers 502 (and undefined)
 * when the calendar cannot be reached: nothing is deleted, and clearing again picks up where this stopped.
 */
async function cancelTestBookings(db: Database, access: CalendarAccess, businessId: string, customerId: string, reply: FastifyReply) {
  const booked = await bookedTestAppointments(db, customerId);
  if (booked.length === 0) return 0;
  const { booking: business } = await loadBusiness(db, businessId);
  const calendar = calendarFor(business, access);
  if (!calendar && booked.some((a) => a.calendarEventId)) {
    await reply.code(502).send({ error: CALENDAR_UNREACHABLE });
    return undefined;
  }
  const ctx = { db, business, calendar, customerId, now: new Date() };
  try {
    for (const appointment of booked) {
      if (appointment.endsAt > ctx.now) await cancelAppointment(ctx, { appointmentId: appointment.id });
      else {
        if (calendar && appointment.calendarEventId) await calendar.deleteEvent(appointment.calendarEventId);
        await db.appointment.update({ where: { id: appointment.id }, data: { status: 'CANCELLED' } });
      }
    }
  } catch (err) {
    reply.log.warn({ err }, 'Could not remove test bookings from the calendar');
    await reply.code(502).send({ error: CALENDAR_UNREACHABLE });
    return undefined;
  }
  return booked.length;
}
