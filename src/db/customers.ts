// Who a message is from. A customer is one row per business, found by their
// WhatsApp ID (the phone number) or their business-scoped user ID (BSUID),
// whichever a message carries; Meta's username rollout means the same person
// can write first with one and later with both, or the other way round.
import { isTestCustomerBsuid } from '../whatsapp/console-test';
import type { Database } from './client';
import { inTransaction, queryOne, queryRows, type Queryable } from './sql';

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
  const profileName = identity.profileName ?? null;

  // The usual case, without a transaction or a lock: one row already holds every ID the
  // message carries. Such a row can never be absorbed (no other row can match either ID).
  const known = await findByIds(db, businessId, identity);
  if (known.length === 1 && holdsAll(known[0]!, identity)) {
    if (profileName && known[0]!.profileName !== profileName)
      await queryRows(db, 'UPDATE customer SET profile_name = $2, updated_at = $3 WHERE id = $1', [known[0]!.id, profileName, new Date()]);
    return known[0]!.id;
  }

  return inTransaction(db, async (tx) => {
    // Sorted, so two transactions locking the same pair cannot deadlock.
    const lockKeys = [waId && `wa:${waId}`, bsuid && `bsuid:${bsuid}`].filter((k): k is string => !!k).sort();
    for (const key of lockKeys) await tx.query('SELECT 1 FROM pg_advisory_xact_lock(hashtextextended($1, 0))', [`customer:${businessId}:${key}`]);

    const matches = await findByIds(tx, businessId, identity);
    const [older, newer] = matches as [CustomerRow | undefined, CustomerRow | undefined];
    // A row whose BSUID differs from the message's is another person (the number moved to
    // a new account): the BSUID, which stays with the account, decides who this is.
    const sameAccount = (row: CustomerRow | undefined) => (row && (!bsuid || !row.bsuid || row.bsuid === bsuid) ? row : undefined);
    const byBsuid = matches.find((row) => bsuid && row.bsuid === bsuid);
    const now = new Date();
    if (!older || (!newer && !sameAccount(older))) {
      // A new person; their number stays with the row that holds it, if any. The console's test customers
      // are known by their synthetic BSUID, so a test row is a test row however it comes to be made (the
      // chat's route, or its message workflow after "Clear test data").
      const created = await queryOne<{ id: string }>(
        tx,
        'the new customer',
        `INSERT INTO customer (id, business_id, wa_id, bsuid, is_test, profile_name, created_at, updated_at)
         VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, $6) RETURNING id`,
        [businessId, older?.waId === waId ? null : (waId ?? null), bsuid ?? null, isTestCustomerBsuid(bsuid), profileName, now],
      );
      return created.id;
    }
    // Two rows, one by each ID: one person first seen by each ID alone, unless their IDs disagree.
    if (newer && !sameIdentity(older, newer)) return (byBsuid ?? older).id;
    const survivor = older;
    if (newer) await absorb(tx, newer.id, survivor.id);
    await tx.query('UPDATE customer SET profile_name = COALESCE($2, profile_name), wa_id = $3, bsuid = $4, updated_at = $5 WHERE id = $1', [
      survivor.id,
      profileName,
      survivor.waId ?? newer?.waId ?? waId ?? null,
      survivor.bsuid ?? newer?.bsuid ?? bsuid ?? null,
      now,
    ]);
    return survivor.id;
  });
}

/** The live rows holding either of the message's IDs, oldest first: at most two, since each ID is unique per business. */
async function findByIds(on: Database | Queryable, businessId: string, { waId, bsuid }: CustomerIdentity): Promise<CustomerRow[]> {
  // An ID the message lacks is NULL here, which matches no row.
  return queryRows<CustomerRow>(
    on,
    `SELECT id, wa_id AS "waId", bsuid, profile_name AS "profileName", created_at AS "createdAt"
     FROM customer WHERE business_id = $1 AND (wa_id = $2 OR bsuid = $3) ORDER BY created_at ASC`,
    [businessId, waId ?? null, bsuid ?? null],
  );
}

function holdsAll(row: CustomerRow, { waId, bsuid }: CustomerIdentity): boolean {
  return (!waId || row.waId === waId) && (!bsuid || row.bsuid === bsuid);
}

/** Two rows can be one person when no ID of one contradicts the other's. */
function sameIdentity(a: CustomerRow, b: CustomerRow): boolean {
  const agree = (x: string | null, y: string | null) => x === null || y === null || x === y;
  return agree(a.waId, b.waId) && agree(a.bsuid, b.bsuid);
}

/**
 * Moves everything written under some customer rows ($1) to the row they are the same person as ($2).
 * Turns and usage too: the turn limits count the customer's turns, and an export must find all of them.
 */
async function moveToSurvivor(on: Database | Queryable, fromIds: string[], survivorId: string): Promise<void> {
  const values = [fromIds, survivorId];
  await queryRows(on, 'UPDATE message SET customer_id = $2 WHERE customer_id = ANY($1::uuid[])', values);
  await queryRows(on, 'UPDATE appointment SET customer_id = $2, updated_at = $3 WHERE customer_id = ANY($1::uuid[])', [...values, new Date()]);
  await queryRows(on, 'UPDATE turn SET customer_id = $2 WHERE customer_id = ANY($1::uuid[])', values);
  await queryRows(on, 'UPDATE model_usage SET customer_id = $2 WHERE customer_id = ANY($1::uuid[])', values);
}

/** Moves one customer's history and appointments to the row that is the same person, and points the old row there. */
async function absorb(tx: Queryable, absorbedId: string, survivorId: string): Promise<void> {
  await moveToSurvivor(tx, [absorbedId], survivorId);
  // Its IDs are released first: they are unique per business and about to be the survivor's.
  await tx.query('UPDATE customer SET wa_id = NULL, bsuid = NULL, merged_into_id = $2, updated_at = $3 WHERE id = $1', [absorbedId, survivorId, new Date()]);
  await tx.query('UPDATE customer SET merged_into_id = $2, updated_at = $3 WHERE merged_into_id = $1', [absorbedId, survivorId, new Date()]);
}

/**
 * The customer row a customer ID stands for now: itself, or the row it was
 * merged into. A conversation started before a merge keeps its ID; its steps
 * read and write the merged row through this.
 */
export async function currentCustomer(db: Database, customerId: string): Promise<{ id: string; waId: string | null; bsuid: string | null; isTest: boolean }> {
  // absorb() re-points earlier merges at the new survivor, so one hop reaches a live row.
  return queryOne(
    db,
    `customer ${customerId}`,
    `SELECT live.id, live.wa_id AS "waId", live.bsuid, live.is_test AS "isTest"
     FROM customer AS asked JOIN customer AS live ON live.id = COALESCE(asked.merged_into_id, asked.id)
     WHERE asked.id = $1`,
    [customerId],
  );
}

/**
 * Moves onto a customer whatever was still written under the rows merged into
 * it: a step that resolved the old row just before the merge committed (a
 * message being recorded, a turn of the old row's conversation) writes there.
 * Each turn calls this before it reads, so nothing written that way goes unseen.
 */
export async function rehomeMerged(db: Database, customerId: string): Promise<void> {
  const absorbed = await queryRows<{ id: string }>(db, 'SELECT id FROM customer WHERE merged_into_id = $1', [customerId]);
  if (absorbed.length > 0)
    await moveToSurvivor(
      db,
      absorbed.map((row) => row.id),
      customerId,
    );
}
