// Message retention, started daily by a Temporal Schedule (worker/housekeeping-schedule.ts):
// each business's messages and turns older than its messageRetentionDays are deleted,
// and its model usage of then no longer names the customer. Each run is visible in
// the Web UI with what it removed.
import { proxyActivities } from '@temporalio/workflow';
import type { RetentionActivities } from './activity-contracts';
import { HOUSEKEEPING_STEP } from './retry-policies';

const { retentionPolicies, purgeExpired } = proxyActivities<RetentionActivities>(HOUSEKEEPING_STEP);

const DAY_MS = 24 * 60 * 60 * 1000;
/** Calls per business per run: a backlog larger than this many time-bounded calls is finished by the next days' runs. */
const MAX_CALLS_PER_BUSINESS = 20;

export interface RetentionResult {
  businesses: number;
  messagesDeleted: number;
  turnsDeleted: number;
  modelUsageDetached: number;
}

export async function retention(): Promise<RetentionResult> {
  const result: RetentionResult = { businesses: 0, messagesDeleted: 0, turnsDeleted: 0, modelUsageDetached: 0 };
  // One instant for the whole run (the workflow's clock is deterministic), so every batch agrees on what is expired.
  const now = Date.now();
  for (const { businessId, retentionDays } of await retentionPolicies()) {
    // At least a day, whatever the setting says: a message is never deleted while its turn may still be answering it.
    const before = new Date(now - Math.max(1, retentionDays) * DAY_MS).toISOString();
    for (let call = 0; call < MAX_CALLS_PER_BUSINESS; call++) {
      const purged = await purgeExpired({ businessId, before });
      result.messagesDeleted += purged.messages;
      result.turnsDeleted += purged.turns;
      result.modelUsageDetached += purged.modelUsageDetached;
      if (!purged.more) break;
    }
    result.businesses++;
  }
  return result;
}
