// The conversations inbox (owner, staff and platform admins of the business):
// the list, one conversation's timeline, and marking it read. Taking over,
// handing back and replying are in conversation-control-routes.ts.
//
// The pages poll these routes every few seconds while they are visible rather
// than holding a server-sent event stream open: polling passes every proxy,
// holds no connection per open tab, and needs no fan-out from the worker (which
// writes the messages) to the API process that would serve the stream.
import type { FastifyPluginAsync, preHandlerHookHandler } from 'fastify';
import { z } from 'zod';
import type { Database } from '../../db/client';
import { isInboxCursor, listConversations, loadConversation, markRead } from '../../db/inbox';
import { businessFor, signedIn } from './guards';
import { invalidBody } from './validation';

/** Where the console links each turn's workflow run. */
export interface TemporalUiOptions {
  url: string;
  namespace: string;
}

const listQuery = z.object({
  search: z.string().max(200, 'At most 200 characters.').optional(),
  before: z.string().refine(isInboxCursor, 'The `next` of the page before.').optional(),
  /** Test customers of the "Try it" chat are left out unless asked for. */
  tests: z.enum(['include', 'exclude']).default('exclude'),
});

const conversationParams = z.object({ customerId: z.uuid('A customer ID.') });
const readBody = z.object({ upTo: z.iso.datetime({ offset: true, message: 'A date and time.' }).optional() }).default({});

const NO_CONVERSATION = { error: 'No such conversation.' };

export const conversationRoutes: FastifyPluginAsync<{ db: Database; requireUser: preHandlerHookHandler; temporalUi: TemporalUiOptions }> = async (
  app,
  { db, requireUser, temporalUi },
) => {
  const preHandler = signedIn(db, requireUser);
  const temporalUrl = (workflowId: string, runId: string) =>
    `${temporalUi.url.replace(/\/$/, '')}/namespaces/${encodeURIComponent(temporalUi.namespace)}/workflows/${encodeURIComponent(workflowId)}/${encodeURIComponent(runId)}/history`;

  app.get('/businesses/:businessId/conversations', { preHandler }, async (request, reply) => {
    const businessId = await businessFor(request, reply, 'view');
    if (!businessId) return reply;
    const query = listQuery.safeParse(request.query);
    if (!query.success) return invalidBody(reply, query.error);
    return listConversations(db, businessId, { search: query.data.search, before: query.data.before, includeTests: query.data.tests === 'include' });
  });

  app.get('/businesses/:businessId/conversations/:customerId', { preHandler }, async (request, reply) => {
    const businessId = await businessFor(request, reply, 'view');
    if (!businessId) return reply;
    const params = conversationParams.safeParse(request.params);
    if (!params.success) return reply.code(404).send(NO_CONVERSATION);
    const conversation = await loadConversation(db, businessId, params.data.customerId, temporalUrl);
    return conversation ? { conversation } : reply.code(404).send(NO_CONVERSATION);
  });

  app.post('/businesses/:businessId/conversations/:customerId/read', { preHandler }, async (request, reply) => {
    const businessId = await businessFor(request, reply, 'view');
    if (!businessId) return reply;
    const params = conversationParams.safeParse(request.params);
    if (!params.success) return reply.code(404).send(NO_CONVERSATION);
    const body = readBody.safeParse(request.body ?? {});
    if (!body.success) return invalidBody(reply, body.error);
    const upTo = body.data.upTo ? new Date(body.data.upTo) : undefined;
    return (await markRead(db, businessId, params.data.customerId, upTo)) ? reply.code(204).send() : reply.code(404).send(NO_CONVERSATION);
  });
};
