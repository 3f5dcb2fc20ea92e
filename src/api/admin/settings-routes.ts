// A business's booking settings (owner and platform admin may change them;
// staff may read them), with today's model-token usage against its budget, and its audit log.
import type { FastifyPluginAsync, preHandlerHookHandler } from 'fastify';
import { bookingSettingsSchema } from '../../booking/settings';
import { z } from 'zod';
import { listAudit } from '../../db/audit';
import { loadSettings, saveSettings, ServiceNameTaken } from '../../db/business-settings';
import type { Database } from '../../db/client';
import { tokenUsageToday } from '../../db/usage';
import { actorOf, businessFor, signedIn } from './guards';
import { invalidBody } from './validation';

/** `before`: the last entry's ID of the page already shown (the answer's `next`). */
const auditQuery = z.object({ before: z.uuid('An entry ID.').optional() });

export const settingsRoutes: FastifyPluginAsync<{ db: Database; requireUser: preHandlerHookHandler }> = async (app, { db, requireUser }) => {
  const preHandler = signedIn(db, requireUser);

  app.get('/businesses/:businessId/settings', { preHandler }, async (request, reply) => {
    const businessId = await businessFor(request, reply, 'view');
    if (!businessId) return reply;
    const [settings, tokenUsage] = await Promise.all([loadSettings(db, businessId), tokenUsageToday(db, businessId)]);
    return settings ? { settings, tokenUsage } : reply.code(404).send({ error: 'No such business.' });
  });

  app.put('/businesses/:businessId/settings', { preHandler }, async (request, reply) => {
    const businessId = await businessFor(request, reply, 'manage');
    if (!businessId) return reply;
    const body = bookingSettingsSchema.safeParse(request.body);
    if (!body.success) return invalidBody(reply, body.error);
    if (!(await loadSettings(db, businessId))) return reply.code(404).send({ error: 'No such business.' });
    try {
      return { settings: await saveSettings(db, businessId, body.data, actorOf(request)) };
    } catch (err) {
      if (err instanceof ServiceNameTaken) return reply.code(409).send({ error: 'Two services would have the same name; rename one.' });
      throw err;
    }
  });

  app.get('/businesses/:businessId/audit', { preHandler }, async (request, reply) => {
    // What changed and who changed it is for the people who can change it.
    const businessId = await businessFor(request, reply, 'manage');
    if (!businessId) return reply;
    const query = auditQuery.safeParse(request.query);
    if (!query.success) return invalidBody(reply, query.error);
    const page = await listAudit(db, businessId, query.data);
    return page ?? reply.code(400).send({ error: 'No such entry to page from.', fields: { before: 'No such entry to page from.' } });
  });
};
