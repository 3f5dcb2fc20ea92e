// Console sessions: a random token in an HttpOnly cookie, its SHA-256 in
// PostgreSQL. A new token is made at every sign-in (a token set before it is
// never adopted), and deleting the row ends the session at once.
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createSession } from '../../db/admin-users';
import type { Database } from '../../db/client';

export const SESSION_COOKIE = 'wa_admin_session';
/** A session lasts a week from sign-in, or until sign-out, a password change or a role change. */
export const SESSION_TTL_MS = 7 * 24 * 60 * 60_000;

/** A secret for a cookie or a link: 32 random bytes, and the SHA-256 that is all the database keeps. */
export function newToken(): { token: string; tokenHash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, tokenHash: hashToken(token) };
}

/** What newToken makes: anything else is not looked up. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function sessionTokenOf(request: FastifyRequest): string | undefined {
  const token = request.cookies[SESSION_COOKIE];
  // The cookie is ours only if it has the shape we give it; anything else is ignored, not looked up.
  return token && TOKEN_PATTERN.test(token) ? token : undefined;
}

export function cookieOptions(secure: boolean) {
  return { path: '/admin', httpOnly: true, sameSite: 'lax' as const, secure };
}

export function setSessionCookie(reply: FastifyReply, token: string, expiresAt: Date, secure: boolean): void {
  reply.setCookie(SESSION_COOKIE, token, { ...cookieOptions(secure), expires: expiresAt });
}

/** Signs this browser in as the user: a new session row and its cookie. */
export async function startSession(db: Database, reply: FastifyReply, userId: string, secure: boolean): Promise<void> {
  const { token, tokenHash } = newToken();
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
  await createSession(db, { tokenHash, userId, expiresAt });
  setSessionCookie(reply, token, expiresAt, secure);
}

export function clearSessionCookie(reply: FastifyReply, secure: boolean): void {
  reply.clearCookie(SESSION_COOKIE, cookieOptions(secure));
}
