// Console users, their memberships and their sessions in PostgreSQL.
import type { BusinessRole } from '../generated/prisma/enums';
import type { Database } from './client';

export interface MembershipView {
  businessId: string;
  businessName: string;
  role: BusinessRole;
}

export interface AdminUserView {
  id: string;
  email: string;
  name: string;
  platformAdmin: boolean;
  memberships: MembershipView[];
}

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

export async function findUserForSignIn(db: Database, email: string) {
  return db.adminUser.findUnique({
    where: { email: normaliseEmail(email) },
    select: { id: true, passwordHash: true, failedSignIns: true, lockedUntil: true },
  });
}

export async function loadUserView(db: Database, userId: string): Promise<AdminUserView | undefined> {
  const user = await db.adminUser.findUnique({
    where: { id: userId },
    select: {
      id: true,
      email: true,
      name: true,
      platformAdmin: true,
      memberships: { select: { businessId: true, role: true, business: { select: { name: true } } }, orderBy: { business: { name: 'asc' } } },
    },
  });
  if (!user) return undefined;
  const { memberships, ...rest } = user;
  return { ...rest, memberships: memberships.map((m) => ({ businessId: m.businessId, businessName: m.business.name, role: m.role })) };
}

export async function createAdminUser(
  db: Database,
  user: { email: string; name?: string; passwordHash: string; platformAdmin?: boolean; membership?: { businessId: string; role: BusinessRole } },
): Promise<string> {
  const created = await db.adminUser.create({
    data: {
      email: normaliseEmail(user.email),
      name: user.name ?? '',
      passwordHash: user.passwordHash,
      platformAdmin: user.platformAdmin ?? false,
      ...(user.membership ? { memberships: { create: { businessId: user.membership.businessId, role: user.membership.role } } } : {}),
    },
    select: { id: true },
  });
  return created.id;
}

/** A failed sign-in: counted, and at the limit the account is locked for a while. Returns the lock's end, if locked now. */
export async function recordFailedSignIn(db: Database, userId: string, limit: number, lockMs: number, now: Date): Promise<Date | undefined> {
  const user = await db.adminUser.update({ where: { id: userId }, data: { failedSignIns: { increment: 1 } }, select: { failedSignIns: true } });
  if (user.failedSignIns < limit) return undefined;
  const lockedUntil = new Date(now.getTime() + lockMs);
  await db.adminUser.update({ where: { id: userId }, data: { lockedUntil, failedSignIns: 0 } });
  return lockedUntil;
}

export async function recordSuccessfulSignIn(db: Database, userId: string): Promise<void> {
  await db.adminUser.update({ where: { id: userId }, data: { failedSignIns: 0, lockedUntil: null } });
}

/** A new password ends every session of the user: whoever knew the old one is signed out everywhere. */
export async function changePassword(db: Database, userId: string, passwordHash: string): Promise<void> {
  await db.$transaction([
    db.adminUser.update({ where: { id: userId }, data: { passwordHash, passwordChangedAt: new Date(), failedSignIns: 0, lockedUntil: null } }),
    db.adminSession.deleteMany({ where: { userId } }),
  ]);
}

export async function createSession(db: Database, session: { tokenHash: string; userId: string; expiresAt: Date }): Promise<void> {
  await db.adminSession.create({ data: { id: session.tokenHash, userId: session.userId, expiresAt: session.expiresAt } });
}

/** The session's user, if the session exists and has not expired; touches last_seen_at at most once a minute. */
export async function findSessionUser(db: Database, tokenHash: string, now: Date): Promise<string | undefined> {
  const session = await db.adminSession.findUnique({ where: { id: tokenHash }, select: { userId: true, expiresAt: true, lastSeenAt: true } });
  if (!session) return undefined;
  if (session.expiresAt <= now) {
    await db.adminSession.deleteMany({ where: { id: tokenHash } });
    return undefined;
  }
  if (now.getTime() - session.lastSeenAt.getTime() > 60_000) await db.adminSession.updateMany({ where: { id: tokenHash }, data: { lastSeenAt: now } });
  return session.userId;
}

export async function deleteSession(db: Database, tokenHash: string): Promise<void> {
  await db.adminSession.deleteMany({ where: { id: tokenHash } });
}

/** What the access rules need to know about a user: admin or not, and their role in each business. */
export async function loadAccess(
  db: Database,
  userId: string,
): Promise<{ email: string; platformAdmin: boolean; roles: Map<string, BusinessRole> } | undefined> {
  const user = await db.adminUser.findUnique({
    where: { id: userId },
    select: { email: true, platformAdmin: true, memberships: { select: { businessId: true, role: true } } },
  });
  if (!user) return undefined;
  return { email: user.email, platformAdmin: user.platformAdmin, roles: new Map(user.memberships.map((m) => [m.businessId, m.role])) };
}
