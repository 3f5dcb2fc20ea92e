// The console's audit log: who changed what in a business, with the values
// before and after. Secrets are never passed here.
import { Prisma, type Database } from './client';

export interface Actor {
  userId: string;
  email: string;
}

/**
 * One audit entry. By default only the fields that changed are kept on both
 * sides; `whole` keeps them all, for entries whose unchanged fields say what
 * was changed (the member whose role changed).
 */
export async function recordAudit(
  db: Database,
  entry: { businessId: string | null; actor: Actor; action: string; before?: object | null; after?: object | null; whole?: boolean },
): Promise<void> {
  const [before, after] = entry.whole ? [entry.before ?? null, entry.after ?? null] : changedFields(entry.before ?? null, entry.after ?? null);
  await db.auditEntry.create({
    data: {
      businessId: entry.businessId,
      userId: entry.actor.userId,
      userEmail: entry.actor.email,
      action: entry.action,
      before: before ?? Prisma.JsonNull,
      after: after ?? Prisma.JsonNull,
    },
  });
}

function changedFields(before: object | null, after: object | null): [object | null, object | null] {
  if (!before || !after) return [before, after];
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const x = (before as Record<string, unknown>)[key];
    const y = (after as Record<string, unknown>)[key];
    if (JSON.stringify(x) !== JSON.stringify(y)) {
      b[key] = x;
      a[key] = y;
    }
  }
  return [b, a];
}

export async function listAudit(db: Database, businessId: string, limit = 100) {
  const rows = await db.auditEntry.findMany({ where: { businessId }, orderBy: { createdAt: 'desc' }, take: limit });
  return rows.map((r) => ({ id: r.id, at: r.createdAt.toISOString(), by: r.userEmail, action: r.action, before: r.before, after: r.after }));
}
