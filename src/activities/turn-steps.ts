// The steps a turn takes in a row, joined so that each is one local activity and
// one marker in the conversation's history (a plain turn is then three: prepare,
// model, reply). Built from the other factories' activities, which stay available
// on their own (the person's reply in the console sends with sendReply alone).
import { log } from '@temporalio/activity';
import type { Activities, TurnStepActivities } from '../workflows/activity-contracts';
import { withinMs } from '../within';

/** How long the turn waits for Meta to take the read receipt before going on without it. */
export const READ_RECEIPT_WAIT_MS = 3_000;

type Parts = Pick<Activities, 'checkTurnLimits' | 'markReadWithTyping' | 'loadConversation' | 'sendReply' | 'recordTurn'>;

export function createTurnStepActivities(parts: Parts): TurnStepActivities {
  return {
    async prepareTurn({ businessId, customerId, phoneNumberId, latestWamid, atMs, load, turnKey }) {
      const allowance = await parts.checkTurnLimits({ businessId, customerId, atMs });
      // A limited customer hears nothing but the one notice: no blue ticks, no "typing…".
      if (allowance.kind === 'customer-limit') return { allowance };
      // A courtesy, so bounded: never a reason to hold up the reply, nor to fail this step and repeat it.
      await withinMs(parts.markReadWithTyping({ phoneNumberId, wamid: latestWamid }), READ_RECEIPT_WAIT_MS).catch((err: Error) => {
        log.warn('Could not mark the message as read', { error: err.message });
      });
      if (allowance.kind !== 'allowed') return { allowance };
      return { allowance, ...(load ? { conversation: await parts.loadConversation({ businessId, customerId, turnKey }) } : {}) };
    },

    async replyAndRecordTurn({ record, ...reply }) {
      const sent = await parts.sendReply(reply);
      // Idempotent by the turn key, like the send by its reply key: a retry after a crash here sends nothing again.
      await parts.recordTurn({ ...record, replyText: sent.sentText });
      return sent;
    },
  };
}
