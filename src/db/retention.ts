// Message retention: what a business keeps and for how long (Business.messageRetentionDays),
// and the bounded deletions the retention workflow runs each day.
import type { Database } from './client';

export async function retentionPolicies(db: Database): Promise<Array<{ businessId: string; retentionDays: number }>> {
  const rows = await db.business.findMany({ select: { id: true, messageRetentionDays: true }, orderBy: { createdAt: 'asc' } });
  return rows.map((r) => ({ businessId: r.id, retentionDays: r.messageRetentionDays }));
}

/**
 * One batch of a business's expired records: up to `limit` messages and as many
 * turns created before `before` are deleted, oldest first, and as many model
 * usage rows lose their customer (the business's cost stays, no longer tied to
 * a person). Each is one short statement, so a large backlog never holds locks long.
 */
export async function purgeExpiredBatch(db: Database, businessId: string, before: Date, limit: number) {
  const [messages, turns, modelUsageDetached] = await Promise.all([
    db.$executeRaw`DELETE FROM message WHERE id IN (
      SELECT id FROM message WHERE business_id = ${businessId}::uuid AND created_at < ${before} ORDER BY created_at LIMIT ${limit})`,
    db.$executeRaw`DELETE FROM turn WHERE id IN (
      SELECT id FROM turn WHERE business_id = ${businessId}::uuid AND created_at < ${before} ORDER BY created_at LIMIT ${limit})`,
    db.$executeRaw`UPDATE model_usage SET customer_id = NULL WHERE id IN (
      SELECT id FROM model_usage WHERE business_id = ${businessId}::uuid AND created_at < ${before} AND customer_id IS NOT NULL LIMIT ${limit})`,
  ]);
  return { messages, turns, modelUsageDetached };
}
