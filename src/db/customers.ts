// Who a message is from. A customer is one row per business, found by their
// WhatsApp ID (the phone number) or their business-scoped user ID (BSUID),
// whichever a message carries; Meta's username rollout means the same person
// can write first with one and later with both, or the other way round.
import { isTestCustomerBsuid } from '../whatsapp/console-test';
import type { Database } from './client';

export interface CustomerIdentity {
  waId?: string;
  bsuid?: string;
  profileName?: string;
}

interface CustomerRow {
  id: string;
  waId: string | null;
  bsuid: string | null;
  profileName: string | null;
  createdAt: Date;
}

/**
 * The customer a message is from, created on first contact. A message that
 * carries an ID the customer's row lacks fills it in; one that carries both
 * IDs of two rows (first seen by each ID alone) merges them into the older row.
 * An ID already set is never overwritten.
 * Serialised per identifier, so concurrent messages of a new customer agree on one row.
 */
export async function resolveCustomer(db: Database, businessId: string, identity: CustomerIdentity): Promise<string> {
  const { waId, bsuid } = identity;
  if (!waId && !bsuid) throw new Error('A WhatsApp message without a sender (neither wa_id nor user id) cannot be attributed to a customer');
  const profile = identity.profileName ? { profileName: identity.profileName } : {};

  // The usual case, without a transaction or a lock: one row already holds every ID the
  // message carries. Such a row can never be absorbed (no other row can match either ID).
  const known = await findByIds(db, businessId, identity);
  if (known.length === 1 && holdsAll(known[0]!, identity)) {
    if (identity.profileName && known[0]!.profileName !== identity.profileName) await db.customer.update({ where: { id: known[0]!.id }, data: profile });
    return known[0]!.id;
  }

  return db.$transaction(async (transaction) => {
    const tx = transaction as unknown as Database;
    // Sorted, so two transactions locking the same pair cannot deadlock.
    const lockKeys = [waId && `wa:${waId}`, bsuid && `bsuid:${bsuid}`].filter((k): k is string => !!k).sort();
    for (const key of lockKeys) await tx.$queryRaw`SELECT 1 FROM pg_advisory_xact_lock(hashtextextended(${`customer:${businessId}:${key}`}, 0))`;

    const matches = await findByIds(tx, businessId, identity);
    const [older, newer] = matches as [CustomerRow | undefined, CustomerRow | undefined];
    // A row whose BSUID differs from the message's is another person (the number moved to
    // a new account): the BSUID, which stays with the account, decides who this is.
    const sameAccount = (row: CustomerRow | undefined) => (row && (!bsuid || !row.bsuid || row.bsuid === bsuid) ? row : undefined);
    const byBsuid = matches.find((row) => bsuid && row.bsuid === bsuid);
    if (!older || (!newer && !sameAccount(older))) {
      // A new person; their number stays with the row that holds it, if any.
      const created = await tx.customer.create({
        // The console's test customers are known by their synthetic BSUID, so a test row is a test row
        // however it comes to be made (the chat's route, or its message workflow after "Clear test data").
        data: { businessId, waId: older?.waId === waId ? undefined : waId, bsuid, isTest: isTestCustomerBsuid(bsuid), ...profile },
        select: { id: true },
      });
      return created.id;
    }
    // Two rows, one by each ID: one person first seen by each ID alone, unless their IDs disagree.
    if (newer && !sameIdentity(older, newer)) return (byBsuid ?? older).id;
    const survivor = older;
    if (newer) await absorb(tx, newer.id, survivor.id);
    const ids = { waId: survivor.waId ?? newer?.waId ?? waId, bsuid: survivor.bsuid ?? newer?.bsuid ?? bsuid };
    await tx.customer.update({ where: { id: survivor.id }, data: { ...profile, ...ids } });
    return survivor.id;
  });
}

/** The live rows holding either of the message's IDs, oldest first: at most two, since each ID is unique per business. */
async function findByIds(db: Database, businessId: string, { waId, bsuid }: CustomerIdentity): Promise<CustomerRow[]> {
  return db.customer.findMany({
    where: { businessId, OR: [...(waId ? [{ waId }] : []), ...(bsuid ? [{ bsuid }] : [])] },
    select: { id: true, waId: true, bsuid: true, profileName: true, createdAt: true },
    orderBy: { createdAt: 'asc' },
  });
}

function holdsAll(row: CustomerRow, { waId, bsuid }: CustomerIdentity): boolean {
  return (!waId || row.waId === waId) && (!bsuid || row.bsuid === bsuid);
}

/** Two rows can be one person when no ID of one contradicts the other's. */
function sameIdentity(a: CustomerRow, b: CustomerRow): boolean {
  const agree = (x: string | null, y: string | null) => x === null || y === null || x === y;
  return agree(a.waId, b.waId) && agree(a.bsuid, b.bsuid);
}

/** Moves one customer's history and appointments to the row that is the same person, and points the old row there. */
async function absorb(tx: Database, absorbedId: string, survivorId: string): Promise<void> {
  await tx.message.updateMany({ where: { customerId: absorbedId }, data: { customerId: survivorId } });
  await tx.appointment.updateMany({ where: { customerId: absorbedId }, data: { customerId: survivorId } });
  // Turns and usage too: the turn limits count the customer's turns, and an export must find all of them.
  await tx.turn.updateMany({ where: { customerId: absorbedId }, data: { customerId: survivorId } });
  await tx.modelUsage.updateMany({ where: { customerId: absorbedId }, data: { customerId: survivorId } });
  // Its IDs are released first: they are unique per business and about to be the survivor's.
  await tx.customer.update({ where: { id: absorbedId }, data: { waId: null, bsuid: null, mergedIntoId: survivorId } });
  await tx.customer.updateMany({ where: { mergedIntoId: absorbedId }, data: { mergedIntoId: survivorId } });
}

/**
 * The customer row a customer ID stands for now: itself, or the row it was
 * merged into. A conversation started before a merge keeps its ID; its steps
 * read and write the merged row through this.
 */
export async function currentCustomer(db: Database, customerId: string): Promise<{ id: string; waId: string | null; bsuid: string | null; isTest: boolean }> {
  const select = { id: true, waId: true, bsuid: true, isTest: true } as const;
  const row = await db.customer.findUniqueOrThrow({ where: { id: customerId }, select: { ...select, mergedIntoId: true } });
  if (!row.mergedIntoId) return { id: row.id, waId: row.waId, bsuid: row.bsuid, isTest: row.isTest };
  // absorb() re-points earlier merges at the new survivor, so one hop reaches a live row.
  const survivor = await db.customer.findUniqueOrThrow({ where: { id: row.mergedIntoId }, select });
  return survivor;
}

/**
 * Moves onto a customer whatever was still written under the rows merged into
 * it: a step that resolved the old row just before the merge committed (a
 * message being recorded, a turn of the old row's conversation) writes there.
 * Each turn calls this before it reads, so nothing written that way goes unseen.
 */
export async function rehomeMerged(db: Database, customerId: string): Promise<void> {
  const absorbed = { customerId: { in: (await db.customer.findMany({ where: { mergedIntoId: customerId }, select: { id: true } })).map((c) => c.id) } };
  if (absorbed.customerId.in.length === 0) return;
  await db.message.updateMany({ where: absorbed, data: { customerId } });
  await db.appointment.updateMany({ where: absorbed, data: { customerId } });
  await db.turn.updateMany({ where: absorbed, data: { customerId } });
  await db.modelUsage.updateMany({ where: absorbed, data: { customerId } });
}
