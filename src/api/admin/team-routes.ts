// The people of a business: owners (and platform admins) invite, change roles
// and remove; an invited person opens the link, chooses a password and is in.
import type { FastifyPluginAsync, preHandlerHookHandler } from 'fastify';
import { z } from 'zod';
import { hashPassword, passwordProblem } from '../../admin/passwords';
import { normaliseEmail } from '../../db/admin-users';
import { recordAudit } from '../../db/audit';
import type { Database } from '../../db/client';
import { listMembers, ownersAfter, setMembership } from '../../db/team';
import { actorOf, businessFor, signedIn } from './guards';
import { hashToken, newToken, startSession, TOKEN_PATTERN } from './sessions';
import { invalidBody } from './validation';

/** An invitation link works for a week. */
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60_000;

const role = z.enum(['OWNER', 'STAFF'], 'OWNER or STAFF.');
const inviteBody = z.object({ email: z.email('An email address.').transform(normaliseEmail), role });
const acceptBody = z.object({ name: z.string().trim().max(100).default(''), password: z.string() });
const memberParams = z.object({ businessId: z.uuid(), userId: z.uuid() });
const tokenParams = z.object({ token: z.string().regex(TOKEN_PATTERN) });

export const teamRoutes: FastifyPluginAsync<{ db: Database; requireUser: preHandlerHookHandler; secureCookies: boolean }> = async (
  app,
  { db, requireUser, secureCookies },
) => {
  const preHandler = signedIn(db, requireUser);

  app.get('/businesses/:businessId/users', { preHandler }, async (request, reply) => {
    const businessId = await businessFor(request, reply, 'manage');
    if (!businessId) return reply;
    const invitations = await db.invitation.findMany({
      where: { businessId, acceptedAt: null, expiresAt: { gt: new Date() } },
      select: { id: true, email: true, role: true, expiresAt: true },
      orderBy: { createdAt: 'desc' },
    });
    return { members: await listMembers(db, businessId), invitations: invitations.map((i) => ({ ...i, expiresAt: i.expiresAt.toISOString() })) };
  });

  app.post('/businesses/:businessId/invitations', { preHandler }, async (request, reply) => {
    const businessId = await businessFor(request, reply, 'manage');
    if (!businessId) return reply;
    const body = inviteBody.safeParse(request.body);
    if (!body.success) return invalidBody(reply, body.error);
    const existing = await db.adminUser.findUnique({ where: { email: body.data.email }, select: { id: true } });
    if (existing) {
      // Someone who already has an account joins at once; there is nothing to pass on.
      await db.membership.upsert({
        where: { userId_businessId: { userId: existing.id, businessId } },
        create: { userId: existing.id, businessId, role: body.data.role },
        update: {},
      });
      await recordAudit(db, { businessId, actor: actorOf(request), action: 'user.add', before: null, after: body.data });
      return reply.code(201).send({ added: true });
    }
    const { token, tokenHash } = newToken();
    const expiresAt = new Date(Date.now() + INVITATION_TTL_MS);
    await db.invitation.create({
      data: { tokenHash, email: body.data.email, businessId, role: body.data.role, invitedById: request.access!.userId, expiresAt },
    });
    await recordAudit(db, { businessId, actor: actorOf(request), action: 'user.invite', before: null, after: body.data });
    // The link is for the inviter to pass on; the console's page at this address accepts it.
    return reply.code(201).send({ added: false, link: `/admin/invite/${token}`, token, expiresAt: expiresAt.toISOString() });
  });

  app.put('/businesses/:businessId/users/:userId', { preHandler }, async (request, reply) => {
    const businessId = await businessFor(request, reply, 'manage');
    if (!businessId) return reply;
    const params = memberParams.safeParse(request.params);
    const body = z.object({ role }).safeParse(request.body);
    if (!params.success) return reply.code(404).send({ error: 'No such member.' });
    if (!body.success) return invalidBody(reply, body.error);
    const { userId } = params.data;
    const member = await db.membership.findUnique({ where: { userId_businessId: { userId, businessId } }, select: { role: true } });
    if (!member) return reply.code(404).send({ error: 'No such member.' });
    if ((await ownersAfter(db, businessId, userId, body.data.role)) === 0) return reply.code(409).send({ error: 'A business needs at least one owner.' });
    await setMembership(db, businessId, userId, body.data.role);
    await recordAudit(db, {
      businessId,
      actor: actorOf(request),
      action: 'user.role',
      before: { userId, role: member.role },
      after: { userId, role: body.data.role },
      whole: true,
    });
    return { members: await listMembers(db, businessId) };
  });

  app.delete('/businesses/:businessId/users/:userId', { preHandler }, async (request, reply) => {
    const businessId = await businessFor(request, reply, 'manage');
    if (!businessId) return reply;
    const params = memberParams.safeParse(request.params);
    if (!params.success) return reply.code(404).send({ error: 'No such member.' });
    const { userId } = params.data;
    const member = await db.membership.findUnique({ where: { userId_businessId: { userId, businessId } }, select: { role: true } });
    if (!member) return reply.code(404).send({ error: 'No such member.' });
    if ((await ownersAfter(db, businessId, userId, undefined)) === 0) return reply.code(409).send({ error: 'A business needs at least one owner.' });
    await setMembership(db, businessId, userId, undefined);
    await recordAudit(db, { businessId, actor: actorOf(request), action: 'user.remove', before: { userId, role: member.role }, after: null, whole: true });
    return { members: await listMembers(db, businessId) };
  });

  /** An invitation's state, for the page the link opens: whom it is for, or why it no longer works. */
  async function openInvitation(token: string) {
    const invitation = await db.invitation.findUnique({ where: { tokenHash: hashToken(token) }, include: { business: { select: { name: true } } } });
    if (!invitation) return { status: 404, error: 'This invitation link is not valid.' } as const;
    if (invitation.acceptedAt) return { status: 410, error: 'This invitation has already been used. Sign in instead.' } as const;
    if (invitation.expiresAt <= new Date()) return { status: 410, error: 'This invitation has expired. Ask for a new one.' } as const;
    return { status: 200, invitation } as const;
  }

  app.get('/invitations/:token', async (request, reply) => {
    const params = tokenParams.safeParse(request.params);
    if (!params.success) return reply.code(404).send({ error: 'This invitation link is not valid.' });
    const opened = await openInvitation(params.data.token);
    if (opened.status !== 200) return reply.code(opened.status).send({ error: opened.error });
    const { email, role: invitedAs, expiresAt, business } = opened.invitation;
    return { invitation: { email, role: invitedAs, businessName: business.name, expiresAt: expiresAt.toISOString() } };
  });

  app.post('/invitations/:token/accept', async (request, reply) => {
    const params = tokenParams.safeParse(request.params);
    if (!params.success) return reply.code(404).send({ error: 'This invitation link is not valid.' });
    const body = acceptBody.safeParse(request.body);
    if (!body.success) return invalidBody(reply, body.error);
    const problem = passwordProblem(body.data.password);
    if (problem) return reply.code(400).send({ error: problem, fields: { password: problem } });
    const opened = await openInvitation(params.data.token);
    if (opened.status !== 200) return reply.code(opened.status).send({ error: opened.error });
    const { invitation } = opened;
    const passwordHash = await hashPassword(body.data.password);
    const userId = await db.$transaction(async (tx) => {
      // Marked used first, and only if still unused: two clicks cannot make two accounts.
      const claimed = await tx.invitation.updateMany({ where: { id: invitation.id, acceptedAt: null }, data: { acceptedAt: new Date() } });
      if (claimed.count === 0) return undefined;
      const user = await tx.adminUser.upsert({
        where: { email: invitation.email },
        create: { email: invitation.email, name: body.data.name, passwordHash },
        update: {},
        select: { id: true },
      });
      await tx.membership.upsert({
        where: { userId_businessId: { userId: user.id, businessId: invitation.businessId } },
        create: { userId: user.id, businessId: invitation.businessId, role: invitation.role },
        update: {},
      });
      return user.id;
    });
    if (!userId) return reply.code(410).send({ error: 'This invitation has already been used. Sign in instead.' });
    await startSession(db, reply, userId, secureCookies);
    return reply.code(201).send({ signedIn: true });
  });
};
