// A business's appointments in the console: owners and staff see a day or a
// week; an owner (or a platform admin) cancels or moves one. A change runs as the
// ownerAppointmentChange workflow (the booking code the bot uses, then the
// customer told on WhatsApp), and the route waits for its outcome.
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { FastifyPluginAsync, FastifyReply, preHandlerHookHandler } from 'fastify';
import { z } from 'zod';
import { spokenLocalTime, type OwnerChange } from '../../booking/owner-notice';
import { localDateOf, parseLocalDate, parseLocalDateTime } from '../../booking/time';
import { listAppointments, type AppointmentChangeAnswer } from '../../db/appointments-view';
import type { Database } from '../../db/client';
import type { ownerAppointmentChange, OwnerAppointmentChangeResult } from '../../workflows/owner-appointment-change';
import { BUSINESS_ID } from '../../workflows/search-attributes';
import { actorOf, businessFor, signedIn } from './guards';
import { invalidBody } from './validation';

/** How long a request waits for the change: a calendar that is slow to answer is retried for longer, and the page says so. */
const OUTCOME_WAIT_MS = 20_000;

const listQuery = z.object({
  from: z
    .string()
    .refine((date) => parseLocalDate(date) !== undefined, 'A date, YYYY-MM-DD.')
    .optional(),
  days: z.enum(['1', '7'], 'One day (1) or a week (7).').default('1'),
});
const appointmentParams = z.object({ appointmentId: z.uuid('An appointment ID.') });
/** Names one change for good: the browser makes it once per click, so a repeated request changes nothing more. */
const requestId = z.uuid('A request ID (a UUID made by the page).');
const cancelBody = z.object({ requestId });
const moveBody = z.object({
  requestId,
  start: z.string().refine((start) => parseLocalDateTime(start) !== undefined, 'A date and time, YYYY-MM-DDTHH:mm.'),
});

/** Refusals about the new time, shown next to it; the others are about the appointment itself. */
const TIME_REFUSALS = new Set(['invalid-time', 'in-past', 'too-soon', 'too-far', 'closed', 'outside-hours', 'full', 'blocked', 'same-time']);

export const appointmentRoutes: FastifyPluginAsync<{
  db: Database;
  requireUser: preHandlerHookHandler;
  temporal: { client: Client; taskQueue: string };
}> = async (app, { db, requireUser, temporal }) => {
  const preHandler = signedIn(db, requireUser);

  app.get('/businesses/:businessId/appointments', { preHandler }, async (request, reply) => {
    const businessId = await businessFor(request, reply, 'view');
    if (!businessId) return reply;
    const query = listQuery.safeParse(request.query);
    if (!query.success) return invalidBody(reply, query.error);
    const business = await db.business.findUnique({ where: { id: businessId }, select: { timeZone: true } });
    if (!business) return reply.code(404).send({ error: 'No such business.' });
    const from = query.data.from ?? localDateOf(new Date(), business.timeZone);
    return (await listAppointments(db, businessId, from, Number(query.data.days))) ?? reply.code(404).send({ error: 'No such business.' });
  });

  /** Starts the change, or finds the one this request ID already started, and answers its outcome. */
  async function change(businessId: string, appointmentId: string, requestIdValue: string, changeWanted: OwnerChange, reply: FastifyReply) {
    const request = reply.request;
    if ((await db.appointment.count({ where: { id: appointmentId, businessId } })) === 0) {
      return reply.code(404).send({ error: 'This business has no such appointment.' });
    }
    const workflowId = `owner-appointment-change-${businessId}-${requestIdValue}`;
    try {
      await temporal.client.workflow.start<typeof ownerAppointmentChange>('ownerAppointmentChange', {
        taskQueue: temporal.taskQueue,
        workflowId,
        args: [{ businessId, appointmentId, change: changeWanted, actor: actorOf(request) }],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: [{ key: BUSINESS_ID, value: businessId }],
      });
    } catch (err) {
      // The same click arriving twice: the first request's change is the only one, and this one answers its outcome.
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    let timer: NodeJS.Timeout | undefined;
    const result = await Promise.race([
      temporal.client.workflow.getHandle<typeof ownerAppointmentChange>(workflowId).result(),
      new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), OUTCOME_WAIT_MS))),
    ]).finally(() => clearTimeout(timer));
    if (!result) {
      const pending: AppointmentChangeAnswer = { pending: true, workflowId, error: 'The change is still being made. Reload the page in a moment to see it.' };
      return reply.code(202).send(pending);
    }
    return answer(reply, workflowId, result);
  }

  app.post('/businesses/:businessId/appointments/:appointmentId/cancel', { preHandler }, async (request, reply) => {
    const businessId = await businessFor(request, reply, 'manage');
    if (!businessId) return reply;
    const params = appointmentParams.safeParse(request.params);
    if (!params.success) return reply.code(404).send({ error: 'This business has no such appointment.' });
    const body = cancelBody.safeParse(request.body);
    if (!body.success) return invalidBody(reply, body.error);
    return change(businessId, params.data.appointmentId, body.data.requestId, { kind: 'cancel' }, reply);
  });

  app.post('/businesses/:businessId/appointments/:appointmentId/move', { preHandler }, async (request, reply) => {
    const businessId = await businessFor(request, reply, 'manage');
    if (!businessId) return reply;
    const params = appointmentParams.safeParse(request.params);
    if (!params.success) return reply.code(404).send({ error: 'This business has no such appointment.' });
    const body = moveBody.safeParse(request.body);
    if (!body.success) return invalidBody(reply, body.error);
    return change(businessId, params.data.appointmentId, body.data.requestId, { kind: 'move', start: body.data.start }, reply);
  });
};

function answer(reply: FastifyReply, workflowId: string, result: OwnerAppointmentChangeResult) {
  if (result.ok) {
    const done: AppointmentChangeAnswer = {
      workflowId,
      start: result.start,
      customerTold: result.notice !== undefined,
      notice: result.notice,
      noticeFailure: result.noticeFailure,
    };
    return reply.send(done);
  }
  const { message, alternatives } = result;
  if (TIME_REFUSALS.has(result.reason)) {
    // Next to the time field: why not, and the free times nearest to the one asked for.
    const nearby = alternatives?.length ? ` Free nearby: ${alternatives.slice(0, 4).map(spokenLocalTime).join('; ')}.` : '';
    return reply.code(400).send({ error: message, fields: { start: message + nearby }, alternatives });
  }
  if (result.reason === 'not-found') return reply.code(404).send({ error: message });
  // Already cancelled or over, or the calendar stayed unreachable through every retry (nothing was changed): a sentence the page shows as it is.
  return reply.code(409).send({ error: message });
}
