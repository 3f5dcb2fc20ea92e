// Businesses in the console: the list (each user sees theirs; a platform admin
// sees all), and creating, deactivating and reactivating one (platform admins).
import type { FastifyPluginAsync, preHandlerHookHandler } from 'fastify';
import { z } from 'zod';
import { visibleBusinessIds } from '../../admin/access';
import { isValidTimeZone } from '../../booking/time';
import { listBusinesses } from '../../db/business-admin';
import { recordAudit } from '../../db/audit';
import type { Database } from '../../db/client';
import { Prisma } from '../../db/client';
import { actorOf, businessFor, platformAdminOnly, signedIn } from './guards';
import { invalidBody, languageTag } from './validation';

const newBusiness = z.object({
  name: z.string().trim().min(1, 'Give the business a name.').max(100, 'At most 100 characters.'),
  phoneNumberId: z
    .string()
    .trim()
    .regex(/^\d{5,20}$/, 'The phone number ID is the digits Meta shows under WhatsApp → API Setup (not the phone number itself).'),
  timeZone: z.string().trim().refine(isValidTimeZone, 'Not a time zone; use a name such as Europe/Madrid.'),
  language: languageTag.default('en'),
});

const businessParams = z.object({ businessId: z.uuid() });

export const businessRoutes: FastifyPluginAsync<{ db: Database; requireUser: preHandlerHookHandler }> = async (app, { db, requireUser }) => {
  const preHandler = signedIn(db, requireUser);

  app.get('/businesses', { preHandler }, async (request) => ({ businesses: await listBusinesses(db, visibleBusinessIds(request.access!)) }));

  app.get('/businesses/:businessId', { preHandler }, async (request, reply) => {
    const businessId = await businessFor(request, reply, 'view');
    if (!businessId) return reply;
    const [business] = await listBusinesses(db, [businessId]);
    return business ? { business } : reply.code(404).send({ error: 'No such business.' });
  });

  app.post('/businesses', { preHandler }, async (request, reply) => {
    if (!platformAdminOnly(request, reply)) return reply;
    const body = newBusiness.safeParse(request.body);
    if (!body.success) return invalidBody(reply, body.error);
    try {
      const created = await db.business.create({ data: body.data, select: { id: true } });
      await recordAudit(db, { businessId: created.id, actor: actorOf(request), action: 'business.create', before: null, after: body.data });
      const [business] = await listBusinesses(db, [created.id]);
      return reply.code(201).send({ business });
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') {
        const message = 'Another business already uses this phone number ID.';
        return reply.code(409).send({ error: message, fields: { phoneNumberId: message } });
      }
      throw err;
    }
  });

  for (const [action, active] of [
    ['deactivate', false],
    ['activate', true],
  ] as const) {
    // A deactivated business's messages are no longer answered (the webhook's routing cache follows within seconds).
    app.post(`/businesses/:businessId/${action}`, { preHandler }, async (request, reply) => {
      if (!platformAdminOnly(request, reply)) return reply;
      const params = businessParams.safeParse(request.params);
      if (!params.success) return reply.code(404).send({ error: 'No such business.' });
      const { count } = await db.business.updateMany({ where: { id: params.data.businessId }, data: { active } });
      if (count === 0) return reply.code(404).send({ error: 'No such business.' });
      await recordAudit(db, {
        businessId: params.data.businessId,
        actor: actorOf(request),
        action: `business.${action}`,
        before: { active: !active },
        after: { active },
      });
      const [business] = await listBusinesses(db, [params.data.businessId]);
      return { business };
    });
  }
};
