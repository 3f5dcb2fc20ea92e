// The people of one business in the console: members, their roles, and invitations.
import type { BusinessRole } from '../generated/prisma/enums';
import type { Database } from './client';

export async function listMembers(db: Database, businessId: string) {
  const rows = await db.membership.findMany({
    where: { businessId },
    select: { role: true, createdAt: true, user: { select: { id: true, email: true, name: true } } },
    orderBy: { user: { email: 'asc' } },
  });
  return rows.map((m) => ({ userId: m.user.id, email: m.user.email, name: m.user.name, role: m.role, since: m.createdAt.toISOString() }));
}

/** Owners left if this member's role changed to `role` (or they were removed, with undefined). */
export async function ownersAfter(db: Database, businessId: string, userId: string, role: BusinessRole | undefined): Promise<number> {
  const others = await db.membership.count({ where: { businessId, role: 'OWNER', NOT: { userId } } });
  return others + (role === 'OWNER' ? 1 : 0);
}

/** A changed or removed membership ends the user's sessions, so the new rights apply to the next request they make. */
export async function setMembership(db: Database, businessId: string, userId: string, role: BusinessRole | undefined): Promise<void> {
  await db.$transaction([
    role
      ? db.membership.update({ where: { userId_businessId: { userId, businessId } }, data: { role } })
      : db.membership.delete({ where: { userId_businessId: { userId, businessId } } }),
    db.adminSession.deleteMany({ where: { userId } }),
  ]);
}
