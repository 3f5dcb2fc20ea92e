// Every console user across businesses, for platform admins only: memberships
// added, changed and removed (by the same code as a business's own Users page),
// platform admin rights, ending someone's sessions, and the platform-level
// entries of the audit log.
import type { FastifyPluginAsync, FastifyReply, preHandlerHookHandler } from 'fastify';
import { z } from 'zod';
import { listAudit } from '../../db/audit';
import type { Database } from '../../db/client';
import { endSessions, listPlatformUsers, setPlatformAdmin } from '../../db/platform-users';
import { changeMembership, type MembershipChange } from '../../db/team';
import { actorOf, platformAdminOnly, signedIn } from './guards';
import { invalidBody } from './validation';

const userParams = z.object({ userId: z.uuid() });
const membershipParams = z.object({ userId: z.uuid(), businessId: z.uuid() });
const roleBody = z.object({ role: z.enum(['OWNER', 'STAFF'], 'OWNER or STAFF.') });
const adminBody = z.object({ platformAdmin: z.boolean('true or false.') });
const auditQuery = z.object({ before: z.uuid('An entry ID.').optional() });

export const userRoutes: FastifyPluginAsync<{ db: Database; requireUser: preHandlerHookHandler }> = async (app, { db, requireUser }) => {
  const adminOnly: preHandlerHookHandler = async (request, reply) => {
    if (!platformAdminOnly(request, reply)) return reply;
  };
  const preHandler = [...signedIn(db, requireUser), adminOnly];
  const everyone = async () => ({ users: await listPlatformUsers(db) });

  app.get('/users', { preHandler }, everyone);

  app.put('/users/:userId/platform-admin', { preHandler }, async (request, reply) => {
    const params = userParams.safeParse(request.params);
    if (!params.success) return reply.code(404).send({ error: 'No such user.' });
    const body = adminBody.safeParse(request.body);
    if (!body.success) return invalidBody(reply, body.error);
    if (params.data.userId === request.access!.userId && !body.data.platformAdmin) {
      return reply.code(409).send({ error: 'You cannot withdraw your own platform admin rights; another platform admin can.' });
    }
    const outcome = await setPlatformAdmin(db, params.data.userId, body.data.platformAdmin, actorOf(request));
    if (outcome === 'no-such-user') return reply.code(404).send({ error: 'No such user.' });
    if (outcome === 'last-admin') return reply.code(409).send({ error: 'The platform needs at least one platform admin.' });
    return everyone();
  });

  app.delete('/users/:userId/sessions', { preHandler }, async (request, reply) => {
    const params = userParams.safeParse(request.params);
    const ended = params.success ? await endSessions(db, params.data.userId, actorOf(request)) : undefined;
    if (ended === undefined) return reply.code(404).send({ error: 'No such user.' });
    return { ended, ...(await everyone()) };
  });

  async function membershipAnswer(reply: FastifyReply, outcome: MembershipChange) {
    if (outcome === 'not-member') return reply.code(404).send({ error: 'This user is not a member of this business.' });
    if (outcome === 'last-owner') return reply.code(409).send({ error: 'A business needs at least one owner.' });
    return everyone();
  }

  // Adds the user to the business with this role, or changes the role they have there.
  app.put('/users/:userId/memberships/:businessId', { preHandler }, async (request, reply) => {
    const params = membershipParams.safeParse(request.params);
    if (!params.success) return reply.code(404).send({ error: 'No such user or business.' });
    const body = roleBody.safeParse(request.body);
    if (!body.success) return invalidBody(reply, body.error);
    const { userId, businessId } = params.data;
    const [user, business] = await Promise.all([
      db.adminUser.findUnique({ where: { id: userId }, select: { id: true } }),
      db.business.findUnique({ where: { id: businessId }, select: { id: true } }),
    ]);
    if (!user) return reply.code(404).send({ error: 'No such user.' });
    if (!business) return reply.code(404).send({ error: 'No such business.', fields: { businessId: 'No such business.' } });
    return membershipAnswer(reply, await changeMembership(db, { businessId, userId, role: body.data.role, mode: 'set', actor: actorOf(request) }));
  });

  app.delete('/users/:userId/memberships/:businessId', { preHandler }, async (request, reply) => {
    const params = membershipParams.safeParse(request.params);
    if (!params.success) return reply.code(404).send({ error: 'This user is not a member of this business.' });
    const { userId, businessId } = params.data;
    return membershipAnswer(reply, await changeMembership(db, { businessId, userId, role: undefined, mode: 'change', actor: actorOf(request) }));
  });

  // Changes that belong to no business (admin rights, sessions ended); each business's own are under /businesses/:id/audit.
  app.get('/audit', { preHandler }, async (request, reply) => {
    const query = auditQuery.safeParse(request.query);
    if (!query.success) return invalidBody(reply, query.error);
    const page = await listAudit(db, null, query.data);
    return page ?? reply.code(400).send({ error: 'No such entry to page from.', fields: { before: 'No such entry to page from.' } });
  });
};
