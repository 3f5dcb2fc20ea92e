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

/** One entry as the console reads it. */
export interface AuditEntryView {
  id: string;
  at: string;
  by: string;
  action: string;
  before: unknown;
  after: unknown;
}

export const AUDIT_PAGE_SIZE = 100;

/**
 * A business's entries (platform-level ones with null), newest first, a page at a time:
 * `before` is the ID of the last entry of the previous page, and `next` is set while older
 * entries remain. Entries made in the same millisecond are ordered by ID, so none is skipped
 * or repeated across pages. Undefined when `before` is not an entry of this log.
 */
export async function listAudit(
  db: Database,
  businessId: string | null,
  { before, limit = AUDIT_PAGE_SIZE }: { before?: string; limit?: number } = {},
): Promise<{ entries: AuditEntryView[]; next: string | null } | undefined> {
  let older: Prisma.AuditEntryWhereInput = {};
  if (before) {
    const cursor = await db.auditEntry.findFirst({ where: { id: before, businessId }, select: { createdAt: true } });
    if (!cursor) return undefined;
    older = { OR: [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { lt: before } }] };
  }
  const rows = await db.auditEntry.findMany({ where: { businessId, ...older }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: limit + 1 });
  const page = rows.slice(0, limit);
  return {
    entries: page.map((r) => ({ id: r.id, at: r.createdAt.toISOString(), by: r.userEmail, action: r.action, before: r.before, after: r.after })),
    next: rows.length > limit ? page[page.length - 1]!.id : null,
  };
}
