// The people of a business: owners (and platform admins) invite, change roles
// and remove; an invited person opens the link, chooses a password and is in.
import type { FastifyPluginAsync, FastifyReply, preHandlerHookHandler } from 'fastify';
import { z } from 'zod';
import { hashPassword, passwordProblem } from '../../admin/passwords';
import { deleteSession, normaliseEmail } from '../../db/admin-users';
import { recordAudit } from '../../db/audit';
import type { Database } from '../../db/client';
import { changeMembership, listMembers, listOpenInvitations, type MembershipChange } from '../../db/team';
import { actorOf, businessFor, signedIn } from './guards';
import { hashToken, newToken, sessionTokenOf, startSession, TOKEN_PATTERN } from './sessions';
import { invalidBody } from './validation';

/** An invitation link works for a week. */
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60_000;

const role = z.enum(['OWNER', 'STAFF'], 'OWNER or STAFF.');
const inviteBody = z.object({ email: z.email('An email address.').transform(normaliseEmail), role });
const acceptBody = z.object({ name: z.string().trim().max(100).default(''), password: z.string() });
const memberParams = z.object({ businessId: z.uuid(), userId: z.uuid() });
const invitationParams = z.object({ businessId: z.uuid(), invitationId: z.uuid() });
const tokenParams = z.object({ token: z.string().regex(TOKEN_PATTERN) });

export const teamRoutes: FastifyPluginAsync<{ db: Database; requireUser: preHandlerHookHandler; secureCookies: boolean }> = async (
  app,
  { db, requireUser, secureCookies },
) => {
  const preHandler = signedIn(db, requireUser);
  const team = async (businessId: string) => ({ members: await listMembers(db, businessId), invitations: await listOpenInvitations(db, businessId) });

  app.get('/businesses/:businessId/users', { preHandler }, async (request, reply) => {
    const businessId = await businessFor(request, reply, 'manage');
    if (!businessId) return reply;
    return team(businessId);
  });

  app.post('/businesses/:businessId/invitations', { preHandler }, async (request, reply) => {
    const businessId = await businessFor(request, reply, 'manage');
    if (!businessId) return reply;
    const body = inviteBody.safeParse(request.body);
    if (!body.success) return invalidBody(reply, body.error);
    const existing = await db.adminUser.findUnique({ where: { email: body.data.email }, select: { id: true } });
    if (existing) {
      // Someone who already has an account joins at once; there is nothing to pass on.
      const joined = await changeMembership(db, { businessId, userId: existing.id, role: body.data.role, mode: 'join', actor: actorOf(request) });
      if (joined === 'already-member') {
        const message = 'This person is already a member; change their role in the list instead.';
        return reply.code(409).send({ error: message, fields: { email: message } });
      }
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

  /** The answer to a role change or a removal: the team as it is now, or why nothing changed. */
  async function membershipAnswer(reply: FastifyReply, businessId: string, outcome: MembershipChange) {
    if (outcome === 'not-member') return reply.code(404).send({ error: 'No such member.' });
    if (outcome === 'last-owner') return reply.code(409).send({ error: 'A business needs at least one owner.' });
    return team(businessId);
  }

  app.put('/businesses/:businessId/users/:userId', { preHandler }, async (request, reply) => {
    const businessId = await businessFor(request, reply, 'manage');
    if (!businessId) return reply;
    const params = memberParams.safeParse(request.params);
    const body = z.object({ role }).safeParse(request.body);
    if (!params.success) return reply.code(404).send({ error: 'No such member.' });
    if (!body.success) return invalidBody(reply, body.error);
    const outcome = await changeMembership(db, { businessId, userId: params.data.userId, role: body.data.role, mode: 'change', actor: actorOf(request) });
    return membershipAnswer(reply, businessId, outcome);
  });

  app.delete('/businesses/:businessId/users/:userId', { preHandler }, async (request, reply) => {
    const businessId = await businessFor(request, reply, 'manage');
    if (!businessId) return reply;
    const params = memberParams.safeParse(request.params);
    if (!params.success) return reply.code(404).send({ error: 'No such member.' });
    const outcome = await changeMembership(db, { businessId, userId: params.data.userId, role: undefined, mode: 'change', actor: actorOf(request) });
    return membershipAnswer(reply, businessId, outcome);
  });

  // The link itself cannot be shown again (only its hash is kept): withdrawing is how an owner takes back one sent to the wrong person.
  app.delete('/businesses/:businessId/invitations/:invitationId', { preHandler }, async (request, reply) => {
    const businessId = await businessFor(request, reply, 'manage');
    if (!businessId) return reply;
    const params = invitationParams.safeParse(request.params);
    const invitation =
      params.success &&
      (await db.invitation.findFirst({ where: { id: params.data.invitationId, businessId, acceptedAt: null }, select: { id: true, email: true, role: true } }));
    if (!invitation) return reply.code(404).send({ error: 'No such invitation.' });
    const { count } = await db.invitation.deleteMany({ where: { id: invitation.id, acceptedAt: null } });
    if (count === 0) return reply.code(404).send({ error: 'No such invitation.' });
    await recordAudit(db, {
      businessId,
      actor: actorOf(request),
      action: 'invitation.revoke',
      before: { email: invitation.email, role: invitation.role },
      after: null,
    });
    return team(businessId);
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
    const accepted = await db.$transaction(async (transaction) => {
      const tx = transaction as unknown as Database;
      // Marked used first, and only if still unused: two clicks cannot make two accounts.
      const claimed = await tx.invitation.updateMany({ where: { id: invitation.id, acceptedAt: null }, data: { acceptedAt: new Date() } });
      if (claimed.count === 0) return undefined;
      const existing = await tx.adminUser.findUnique({ where: { email: invitation.email }, select: { id: true } });
      const userId =
        existing?.id ?? (await tx.adminUser.create({ data: { email: invitation.email, name: body.data.name, passwordHash }, select: { id: true } })).id;
      await tx.membership.upsert({
        where: { userId_businessId: { userId, businessId: invitation.businessId } },
        create: { userId, businessId: invitation.businessId, role: invitation.role },
        update: {},
      });
      await recordAudit(tx, {
        businessId: invitation.businessId,
        actor: { userId, email: invitation.email },
        action: 'invitation.accept',
        before: null,
        after: { email: invitation.email, role: invitation.role },
      });
      return { userId, newAccount: !existing };
    });
    if (!accepted) return reply.code(410).send({ error: 'This invitation has already been used. Sign in instead.' });
    // An account made since the invitation keeps its own password: holding the link must not sign anyone in as its owner.
    if (!accepted.newAccount) return reply.code(201).send({ signedIn: false, businessId: invitation.businessId });
    // As at sign-in: whoever this browser was signed in as is signed out, and the new account gets a new session.
    const previous = sessionTokenOf(request);
    if (previous) await deleteSession(db, hashToken(previous));
    await startSession(db, reply, accepted.userId, secureCookies);
    return reply.code(201).send({ signedIn: true, businessId: invitation.businessId });
  });
};
