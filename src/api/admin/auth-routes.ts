// Signing in and out of the console, who is signed in, and changing one's password.
import type { FastifyPluginAsync, preHandlerHookHandler } from 'fastify';
import { z } from 'zod';
import { decoyHash, hashPassword, passwordMatches, passwordProblem } from '../../admin/passwords';
import { changePassword, deleteSession, findUserForSignIn, loadUserView, recordFailedSignIn, recordSuccessfulSignIn } from '../../db/admin-users';
import type { Database } from '../../db/client';
import { clearSessionCookie, hashToken, sessionTokenOf, startSession } from './sessions';
import { invalidBody } from './validation';

/** Consecutive wrong passwords before an account is locked, and for how long. */
export const SIGN_IN_FAILURE_LIMIT = 5;
export const LOCKOUT_MS = 15 * 60_000;

const signInBody = z.object({ email: z.string().trim().min(1, 'Enter your email.').max(320), password: z.string().min(1, 'Enter your password.').max(1000) });
const passwordBody = z.object({ currentPassword: z.string().min(1, 'Enter your current password.').max(1000), newPassword: z.string() });

const WRONG = 'The email or the password is wrong.';

export const authRoutes: FastifyPluginAsync<{
  db: Database;
  secureCookies: boolean;
  signInRateLimitPerMinute: number;
  requireUser: preHandlerHookHandler;
}> = async (app, { db, secureCookies, signInRateLimitPerMinute, requireUser }) => {
  app.post(
    '/sign-in',
    {
      config: {
        rateLimit: {
          max: signInRateLimitPerMinute,
          timeWindow: '1 minute',
          errorResponseBuilder: (_request, context) => ({
            statusCode: 429,
            error: `Too many sign-in attempts from this address. Wait ${Math.ceil(context.ttl / 1000)} seconds and try again.`,
          }),
        },
      },
    },
    async (request, reply) => {
      const body = signInBody.safeParse(request.body);
      if (!body.success) return invalidBody(reply, body.error);
      const now = new Date();
      const user = await findUserForSignIn(db, body.data.email);
      if (!user) {
        // As long as a real check, so the answer does not tell whether the email has an account.
        await passwordMatches(await decoyHash(), body.data.password);
        return reply.code(401).send({ error: WRONG });
      }
      if (user.lockedUntil && user.lockedUntil > now) return reply.code(423).send(lockedAnswer(user.lockedUntil));
      if (!(await passwordMatches(user.passwordHash, body.data.password))) {
        const lockedUntil = await recordFailedSignIn(db, user.id, SIGN_IN_FAILURE_LIMIT, LOCKOUT_MS, now);
        return lockedUntil ? reply.code(423).send(lockedAnswer(lockedUntil)) : reply.code(401).send({ error: WRONG });
      }
      await recordSuccessfulSignIn(db, user.id);
      // Never adopt a session the browser brought with it: a new one, and the old one ended.
      const previous = sessionTokenOf(request);
      if (previous) await deleteSession(db, hashToken(previous));
      await startSession(db, reply, user.id, secureCookies);
      return { user: await loadUserView(db, user.id) };
    },
  );

  app.post('/sign-out', async (request, reply) => {
    const token = sessionTokenOf(request);
    if (token) await deleteSession(db, hashToken(token));
    clearSessionCookie(reply, secureCookies);
    return reply.code(204).send();
  });

  app.get('/me', { preHandler: requireUser }, async (request, reply) => {
    const user = await loadUserView(db, request.adminUserId!);
    if (!user) return reply.code(401).send({ error: 'Not signed in.' });
    return { user };
  });

  app.post('/password', { preHandler: requireUser }, async (request, reply) => {
    const body = passwordBody.safeParse(request.body);
    if (!body.success) return invalidBody(reply, body.error);
    const problem = passwordProblem(body.data.newPassword);
    if (problem) return reply.code(400).send({ error: problem, fields: { newPassword: problem } });
    const user = await db.adminUser.findUniqueOrThrow({ where: { id: request.adminUserId! }, select: { passwordHash: true } });
    if (!(await passwordMatches(user.passwordHash, body.data.currentPassword))) {
      return reply.code(400).send({ error: 'The current password is wrong.', fields: { currentPassword: 'The current password is wrong.' } });
    }
    // Every session ends, this one included; this browser gets a fresh one and stays signed in.
    await changePassword(db, request.adminUserId!, await hashPassword(body.data.newPassword));
    await startSession(db, reply, request.adminUserId!, secureCookies);
    return reply.code(204).send();
  });
};

function lockedAnswer(lockedUntil: Date) {
  return {
    error: `Too many wrong passwords: this account is locked until ${lockedUntil.toISOString().slice(11, 16)} UTC. Try again then, or ask an administrator to reset your password.`,
    lockedUntil: lockedUntil.toISOString(),
  };
}
