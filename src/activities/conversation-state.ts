// The conversation workflow's state mirrored for the inbox, the takeover's
// hand-back delay, and each turn's record: short, idempotent database steps.
import type { Database } from '../db/client';
import { handBackAfterMs, mirrorState, recordHeldMessages, recordTurn } from '../db/conversation-state';
import type { ConversationStateActivities } from '../workflows/activity-contracts';

export interface ConversationStateDependencies {
  db: Database;
  /** Tests shorten the automatic hand-back below the setting's one-minute grain. */
  conversationTiming?: { handBackAfterMs?: number };
}

export function createConversationStateActivities({ db, conversationTiming }: ConversationStateDependencies): ConversationStateActivities {
  return {
    async mirrorConversationState(input) {
      await mirrorState(db, input.customerId, input.state);
    },
    async handBackDelay(input) {
      return conversationTiming?.handBackAfterMs ?? (await handBackAfterMs(db, input.businessId));
    },
    async recordTurn(input) {
      await recordTurn(db, input);
    },

    async recordHeldMessages({ businessId, wamids }) {
      await recordHeldMessages(db, businessId, wamids);
    },
  };
}
