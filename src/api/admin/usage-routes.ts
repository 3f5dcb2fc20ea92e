// This month's model use and its cost, per business. Owners and platform
// admins see it: the cost is what the business pays for the assistant, a
// figure of the same kind as its users and audit log, which staff do not see
// either. Staff still see today's tokens against the allowance in Settings.
import type { FastifyPluginAsync, preHandlerHookHandler } from 'fastify';
import { canOnBusiness } from '../../admin/access';
import type { Database } from '../../db/client';
import { monthUsage } from '../../db/usage-report';
import { monthUsageView } from '../../usage/costs';
import type { PriceTable } from '../../usage/prices';
import { businessFor, signedIn } from './guards';

export const usageRoutes: FastifyPluginAsync<{ db: Database; requireUser: preHandlerHookHandler; prices: PriceTable }> = async (
  app,
  { db, requireUser, prices },
) => {
  const preHandler = signedIn(db, requireUser);

  app.get('/businesses/:businessId/usage', { preHandler }, async (request, reply) => {
    const businessId = await businessFor(request, reply, 'manage');
    if (!businessId) return reply;
    const [usage] = await monthUsage(db, { now: new Date(), businessIds: [businessId] });
    return usage ? { usage: monthUsageView(usage, prices) } : reply.code(404).send({ error: 'No such business.' });
  });

  // For the list of businesses: every business this user may see the cost of, none for someone who is only staff.
  app.get('/usage', { preHandler }, async (request) => {
    const access = request.access!;
    const managed = access.platformAdmin ? undefined : [...access.roles.keys()].filter((id) => canOnBusiness(access, 'manage', id));
    const months = await monthUsage(db, { now: new Date(), businessIds: managed });
    return { businesses: months.map((usage) => monthUsageView(usage, prices)) };
  });
};
