// Every console user across businesses, for the platform's operators: who
// they are, where they belong, whether they are locked out or signed in, and
// the platform-level changes (admin rights, ending sessions), each audited.
import type { BusinessRole } from '../generated/prisma/enums';
import { recordAudit, type Actor } from './audit';
import type { Database } from './client';

export interface PlatformUserView {
  id: string;
  email: string;
  name: string;
  platformAdmin: boolean;
  /** Set only while the account is locked after too many wrong passwords. */
  lockedUntil: string | null;
  createdAt: string;
  /** Live sessions and the last request any of them made (sign-in is not stored apart from them). */
  sessions: { open: number; lastSeenAt: string | null };
  memberships: Array<{ businessId: string; businessName: string; role: BusinessRole; since: string }>;
}

export async function listPlatformUsers(db: Database, now = new Date()): Promise<PlatformUserView[]> {
  const [users, sessions] = await Promise.all([
    db.adminUser.findMany({
      select: {
        id: true,
        email: true,
        name: true,
        platformAdmin: true,
        lockedUntil: true,
        createdAt: true,
        memberships: {
          select: { businessId: true, role: true, createdAt: true, business: { select: { name: true } } },
          orderBy: { business: { name: 'asc' } },
        },
      },
      orderBy: { email: 'asc' },
    }),
    db.adminSession.groupBy({ by: ['userId'], where: { expiresAt: { gt: now } }, _count: { _all: true }, _max: { lastSeenAt: true } }),
  ]);
  const sessionsOf = new Map(sessions.map((s) => [s.userId, s]));
  return users.map((u) => {
    const live = sessionsOf.get(u.id);
    return {
      id: u.id,
      email: u.email,
      name: u.name,
      platformAdmin: u.platformAdmin,
      lockedUntil: u.lockedUntil && u.lockedUntil > now ? u.lockedUntil.toISOString() : null,
      createdAt: u.createdAt.toISOString(),
      sessions: { open: live?._count._all ?? 0, lastSeenAt: live?._max.lastSeenAt?.toISOString() ?? null },
      memberships: u.memberships.map((m) => ({ businessId: m.businessId, businessName: m.business.name, role: m.role, since: m.createdAt.toISOString() })),
    };
  });
}

export type PlatformAdminChange = 'changed' | 'unchanged' | 'no-such-user' | 'last-admin';

/**
 * Grants or withdraws platform admin rights. The platform always keeps an admin: the check
 * and the change run under one lock, so two admins withdrawing each other cannot both
 * succeed. The person's sessions end, so their console reloads what they may do.
 */
export async function setPlatformAdmin(db: Database, userId: string, platformAdmin: boolean, actor: Actor): Promise<PlatformAdminChange> {
  return db.$transaction(async (transaction) => {
    const tx = transaction as unknown as Database;
    await tx.$queryRaw`SELECT 1 FROM pg_advisory_xact_lock(hashtextextended('platform-admins', 0))`;
    const user = await tx.adminUser.findUnique({ where: { id: userId }, select: { email: true, platformAdmin: true } });
    if (!user) return 'no-such-user';
    if (user.platformAdmin === platformAdmin) return 'unchanged';
    if (!platformAdmin && (await tx.adminUser.count({ where: { platformAdmin: true, NOT: { id: userId } } })) === 0) return 'last-admin';
    await tx.adminUser.update({ where: { id: userId }, data: { platformAdmin } });
    await tx.adminSession.deleteMany({ where: { userId } });
    const who = { userId, email: user.email };
    // Platform-level: no business owns this entry (audit_entry.business_id is nullable for this).
    await recordAudit(tx, {
      businessId: null,
      actor,
      action: 'user.platform-admin',
      before: { ...who, platformAdmin: !platformAdmin },
      after: { ...who, platformAdmin },
      whole: true,
    });
    return 'changed';
  });
}

/** Signs the user out everywhere; returns how many sessions ended, or undefined for no such user. */
export async function endSessions(db: Database, userId: string, actor: Actor): Promise<number | undefined> {
  return db.$transaction(async (transaction) => {
    const tx = transaction as unknown as Database;
    const user = await tx.adminUser.findUnique({ where: { id: userId }, select: { email: true } });
    if (!user) return undefined;
    const { count } = await tx.adminSession.deleteMany({ where: { userId } });
    await recordAudit(tx, { businessId: null, actor, action: 'user.sessions-end', before: null, after: { userId, email: user.email, sessionsEnded: count } });
    return count;
  });
}
