// The conversation ledger in PostgreSQL: inbound messages stored once, the
// history a turn reads, and the housekeeping of parked delivery statuses.
import { log } from '@temporalio/activity';
import { DEFAULT_HISTORY_BUDGET, fitHistory, type HistoryBudget } from '../agent/history';
import { DEFAULT_MAX_TOOL_CALLS_PER_REPLY } from '../agent/loop';
import { loadBusiness } from '../booking/business';
import type { Database } from '../db/client';
import { flagsOutsideHours } from '../db/businesses';
import { currentCustomer, rehomeMerged, resolveCustomer } from '../db/customers';
import { expireParkedStatuses, loadHistory, recordInbound } from '../db/messages';
import type { LedgerActivities } from '../workflows/activity-contracts';

/** How many earlier messages a turn shows the model, at most: fewer when they are over its token budget. */
export const HISTORY_LIMIT = 10;

export interface LedgerDependencies {
  db: Database;
  maxIterations: number;
  maxToolCallsPerReply?: number;
  historyBudget?: HistoryBudget;
}

export function createLedgerActivities({
  db,
  maxIterations,
  maxToolCallsPerReply = DEFAULT_MAX_TOOL_CALLS_PER_REPLY,
  historyBudget = DEFAULT_HISTORY_BUDGET,
}: LedgerDependencies): LedgerActivities {
  return {
    async recordInboundMessage(input) {
      const customerId = await resolveCustomer(db, input.businessId, input.customer);
      const { duplicateOf } = await recordInbound(db, {
        businessId: input.businessId,
        customerId,
        wamid: input.wamid,
        type: input.type,
        text: input.text,
        sentByCustomerAt: new Date(Number(input.timestamp) * 1000),
        workflowId: input.workflowId,
        runId: input.runId,
      });
      return { customerId, duplicateOf };
    },

    async loadConversation(input) {
      // A conversation started before its customer's IDs were merged reads the merged history.
      const customer = await currentCustomer(db, input.customerId);
      await rehomeMerged(db, customer.id);
      const [business, history, flagged] = await Promise.all([
        loadBusiness(db, input.businessId),
        loadHistory(db, input.businessId, customer.id, HISTORY_LIMIT, { exceptReplyKey: input.turnKey }),
        flagsOutsideHours(db, input.businessId),
      ]);
      const { timeZone, openingHours, exceptions } = business.booking.policy;
      return {
        business: business.profile,
        history: fitHistory(history, historyBudget),
        maxIterations,
        maxToolCallsPerReply,
        hours: { timeZone, openingHours, exceptions },
        flagOutsideHours: flagged,
      };
    },

    async expireParkedStatuses() {
      const expired = await expireParkedStatuses(db, new Date());
      if (expired > 0) log.info('Expired parked delivery statuses', { expired });
      return expired;
    },
  };
}
