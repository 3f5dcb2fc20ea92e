// A person taking a conversation over from the bot, handing it back, and
// replying from the console (owner, staff and platform admins of the
// business). Each is a Temporal update on the customer's conversation
// workflow: its validator answers at once whether it took effect (a refusal is
// a 409 with the validator's sentence), and the workflow applies it in order
// with the customer's messages. Update-with-start opens the conversation when
// no run is open (a customer who wrote hours ago), so a takeover always has a
// workflow to land in.
import { WithStartWorkflowOperation, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { z } from 'zod';
import { loadReplyTiming } from '../../db/businesses';
import type { Database } from '../../db/client';
import { startingNeedsPerson } from '../../db/conversation-state';
import type { ConversationControl } from '../../db/inbox';
import type { conversation } from '../../workflows/conversation';
import { conversationWorkflowId } from '../../workflows/conversation-id';
import { handBack, PERSON_REPLY_MAX_LENGTH, refusals, sendAsPerson, takeOver, type ControlState } from '../../workflows/control';
import { BUSINESS_ID } from '../../workflows/search-attributes';
import { businessFor, signedIn } from './guards';
import { invalidBody } from './validation';

export interface ConversationControlOptions {
  db: Database;
  requireUser: preHandlerHookHandler;
  temporal: { client: Client; taskQueue: string };
}

const params = z.object({ customerId: z.uuid() });
const replyBody = z.object({
  text: z.string({ error: 'Write a reply first.' }).trim().min(1, refusals.emptyText).max(PERSON_REPLY_MAX_LENGTH, refusals.tooLong),
  requestId: z.uuid('A request ID (a UUID) chosen once per reply.'),
});

const NO_CONVERSATION = { error: 'No such conversation.' };

export const conversationControlRoutes: FastifyPluginAsync<ConversationControlOptions> = async (app, { db, requireUser, temporal }) => {
  const preHandler = signedIn(db, requireUser);

  /** The business's customer named in the URL (the one it was merged into, if so), its conversation's start, and who is asking. */
  async function target(request: FastifyRequest, reply: FastifyReply) {
    const businessId = await businessFor(request, reply, 'view');
    if (!businessId) return undefined;
    const parsed = params.safeParse(request.params);
    let customer = parsed.success ? await db.customer.findFirst({ where: { id: parsed.data.customerId, businessId } }) : null;
    if (customer?.mergedIntoId) customer = await db.customer.findFirst({ where: { id: customer.mergedIntoId, businessId } });
    // A customer of another business is answered like one that does not exist.
    if (!customer) {
      await reply.code(404).send(NO_CONVERSATION);
      return undefined;
    }
    const [business, timing, needsPerson, user] = await Promise.all([
      db.business.findUniqueOrThrow({ where: { id: businessId }, select: { phoneNumberId: true } }),
      loadReplyTiming(db, businessId),
      startingNeedsPerson(db, customer.id),
      db.adminUser.findUniqueOrThrow({ where: { id: request.access!.userId }, select: { id: true, name: true, email: true } }),
    ]);
    const customerId = customer.id;
    const start = () =>
      new WithStartWorkflowOperation<typeof conversation>('conversation', {
        workflowId: conversationWorkflowId(customerId),
        taskQueue: temporal.taskQueue,
        // Only used when no run is open; a running conversation keeps its state.
        workflowIdConflictPolicy: 'USE_EXISTING',
        args: [{ businessId, customerId, phoneNumberId: business.phoneNumberId, ...timing, needsPerson }],
        typedSearchAttributes: [{ key: BUSINESS_ID, value: businessId }],
      });
    return { customerId, user: { userId: user.id, name: user.name || user.email }, start };
  }

  app.post('/businesses/:businessId/conversations/:customerId/take-over', { preHandler }, async (request, reply) => {
    const found = await target(request, reply);
    if (!found) return reply;
    return settle(reply, async () => {
      const state = await temporal.client.workflow.executeUpdateWithStart(takeOver, { args: [found.user], startWorkflowOperation: found.start() });
      return { conversation: controlView(found.customerId, state) };
    });
  });

  app.post('/businesses/:businessId/conversations/:customerId/hand-back', { preHandler }, async (request, reply) => {
    const found = await target(request, reply);
    if (!found) return reply;
    return settle(reply, async () => {
      const state = await temporal.client.workflow.executeUpdateWithStart(handBack, {
        args: [{ userId: found.user.userId }],
        startWorkflowOperation: found.start(),
      });
      return { conversation: controlView(found.customerId, state) };
    });
  });

  app.post('/businesses/:businessId/conversations/:customerId/replies', { preHandler }, async (request, reply) => {
    const found = await target(request, reply);
    if (!found) return reply;
    const body = replyBody.safeParse(request.body);
    if (!body.success) return invalidBody(reply, body.error);
    const { text, requestId } = body.data;
    return settle(reply, async () => {
      const sent = await temporal.client.workflow.executeUpdateWithStart(sendAsPerson, {
        args: [{ ...found.user, text, requestId }],
        // The same ID as the reply's key: a double submit within the run gets the first one's answer.
        updateId: `person-${requestId}`,
        startWorkflowOperation: found.start(),
      });
      const first = await db.message.findUniqueOrThrow({ where: { id: sent.messageIds[0]! }, select: { id: true, status: true, sentAt: true } });
      return reply.code(201).send({
        message: { id: first.id, text: sent.text, status: first.status.toLowerCase(), sentAt: (first.sentAt ?? new Date(sent.sentAtMs)).toISOString() },
      });
    });
  });
};

/** Runs an update: a validator's refusal is a 409 with its sentence; a reply WhatsApp would not take is a 502 with Meta's reason. */
async function settle(reply: FastifyReply, run: () => Promise<unknown>): Promise<unknown> {
  try {
    return await run();
  } catch (err) {
    const cause = err instanceof WorkflowUpdateFailedError ? err.cause : undefined;
    if (cause instanceof ApplicationFailure && cause.type === 'UpdateRefused') return reply.code(409).send({ error: cause.message });
    if (cause instanceof ApplicationFailure && cause.type === 'PersonReplyNotSent') return reply.code(502).send({ error: cause.message });
    throw err;
  }
}

function controlView(customerId: string, { control, needsPerson }: ControlState): ConversationControl {
  return {
    customerId,
    control:
      control.by === 'person' ? { by: 'person', userId: control.userId, name: control.name, since: new Date(control.sinceMs).toISOString() } : { by: 'bot' },
    needsPerson: needsPerson && { reason: needsPerson.reason, since: new Date(needsPerson.sinceMs).toISOString() },
  };
}
