// The retention workflow's steps: which businesses keep messages how long, and
// the deletion of what is older, in batches, for a bounded time per call.
import { log } from '@temporalio/activity';
import type { Database } from '../db/client';
import { purgeExpiredBatch, retentionPolicies } from '../db/retention';
import type { RetentionActivities } from '../workflows/activity-contracts';

export const RETENTION_BATCH = 1_000;
/** Well inside the step's timeout (HOUSEKEEPING_STEP): the workflow calls again while `more` is set. */
const TIME_BUDGET_MS = 30_000;

export function createRetentionActivities({ db }: { db: Database }): RetentionActivities {
  return {
    retentionPolicies: () => retentionPolicies(db),

    async purgeExpired({ businessId, before }) {
      const totals = { messages: 0, turns: 0, modelUsageDetached: 0 };
      const deadline = Date.now() + TIME_BUDGET_MS;
      for (;;) {
        const batch = await purgeExpiredBatch(db, businessId, new Date(before), RETENTION_BATCH);
        totals.messages += batch.messages;
        totals.turns += batch.turns;
        totals.modelUsageDetached += batch.modelUsageDetached;
        const more = Math.max(batch.messages, batch.turns, batch.modelUsageDetached) === RETENTION_BATCH;
        if (!more || Date.now() > deadline) {
          if (totals.messages || totals.turns) log.info('Deleted records past their retention', { businessId, ...totals, more });
          return { ...totals, more };
        }
      }
    },
  };
}
