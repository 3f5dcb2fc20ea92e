// The people of one business in the console: members, their roles, and invitations.
import type { BusinessRole } from '../generated/prisma/enums';
import { recordAudit, type Actor } from './audit';
import type { Database } from './client';

export interface MemberView {
  userId: string;
  email: string;
  name: string;
  role: BusinessRole;
  since: string;
}

export interface InvitationView {
  id: string;
  email: string;
  role: BusinessRole;
  expiresAt: string;
}

export async function listMembers(db: Database, businessId: string): Promise<MemberView[]> {
  const rows = await db.membership.findMany({
    where: { businessId },
    select: { role: true, createdAt: true, user: { select: { id: true, email: true, name: true } } },
    orderBy: { user: { email: 'asc' } },
  });
  return rows.map((m) => ({ userId: m.user.id, email: m.user.email, name: m.user.name, role: m.role, since: m.createdAt.toISOString() }));
}

/** Invitations that can still be accepted, newest first. */
export async function listOpenInvitations(db: Database, businessId: string, now = new Date()): Promise<InvitationView[]> {
  const rows = await db.invitation.findMany({
    where: { businessId, acceptedAt: null, expiresAt: { gt: now } },
    select: { id: true, email: true, role: true, expiresAt: true },
    orderBy: { createdAt: 'desc' },
  });
  return rows.map((i) => ({ ...i, expiresAt: i.expiresAt.toISOString() }));
}

export type MembershipChange = 'changed' | 'unchanged' | 'not-member' | 'already-member' | 'last-owner';

/** change: only an existing member's role or membership; join: only someone not yet a member; set: either. */
export type MembershipMode = 'change' | 'join' | 'set';

/**
 * Sets a member's role, or removes them with `role` undefined; someone not yet a member joins
 * with that role when `mode` allows it. A business always keeps an owner: the check and the change
 * run under one lock per business, so two owners removing each other cannot both succeed.
 * A changed or removed membership ends the person's sessions, so their next request starts
 * from the new rights and their console reloads who they are. Recorded in the business's
 * audit log in the same transaction.
 */
export async function changeMembership(
  db: Database,
  change: { businessId: string; userId: string; role: BusinessRole | undefined; mode: MembershipMode; actor: Actor },
): Promise<MembershipChange> {
  const { businessId, userId, role, actor } = change;
  return db.$transaction(async (transaction) => {
    const tx = transaction as unknown as Database;
    await tx.$queryRaw`SELECT 1 FROM pg_advisory_xact_lock(hashtextextended(${`owners:${businessId}`}, 0))`;
    const member = await tx.membership.findUnique({
      where: { userId_businessId: { userId, businessId } },
      select: { role: true, user: { select: { email: true } } },
    });
    if (member && change.mode === 'join') return 'already-member';
    if (!member) {
      if (!role || change.mode === 'change') return 'not-member';
      const user = await tx.adminUser.findUniqueOrThrow({ where: { id: userId }, select: { email: true } });
      await tx.membership.create({ data: { userId, businessId, role } });
      await recordAudit(tx, { businessId, actor, action: 'user.add', before: null, after: { userId, email: user.email, role }, whole: true });
      return 'changed';
    }
    if (member.role === role) return 'unchanged';
    if (member.role === 'OWNER' && (await tx.membership.count({ where: { businessId, role: 'OWNER', NOT: { userId } } })) === 0) return 'last-owner';
    if (role) await tx.membership.update({ where: { userId_businessId: { userId, businessId } }, data: { role } });
    else await tx.membership.delete({ where: { userId_businessId: { userId, businessId } } });
    await tx.adminSession.deleteMany({ where: { userId } });
    const who = { userId, email: member.user.email };
    await recordAudit(tx, {
      businessId,
      actor,
      action: role ? 'user.role' : 'user.remove',
      before: { ...who, role: member.role },
      after: role ? { ...who, role } : null,
      whole: true,
    });
    return 'changed';
  });
}
