// Admitting a message: storing it once, then handing it to its customer's
// conversation workflow, which answers it.
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { Database } from '../db/client';
import { loadReplyTiming } from '../db/businesses';
import { startingNeedsPerson } from '../db/conversation-state';
import { currentCustomer } from '../db/customers';
import type { HandoffActivities, LedgerActivities } from '../workflows/activity-contracts';
import type { conversation } from '../workflows/conversation';
import { conversationWorkflowId } from '../workflows/conversation-id';
import { BUSINESS_ID, CUSTOMER_KEY } from '../workflows/search-attributes';
import { conversationSummary } from '../workflows/summaries';
import { hashIdentifier } from '../observability/privacy';
import { messageArrived, type ArrivedMessage } from '../workflows/signals';

export interface HandoffDependencies {
  db: Database;
  temporal: Client;
  /** Stores the message once (ledger.ts). */
  recordInboundMessage: LedgerActivities['recordInboundMessage'];
  /** Overrides the conversation workflow's idle time and turns per run (tests shorten them). */
  conversationTiming?: { idleMs?: number; turnsPerRun?: number; handBackAfterMs?: number };
}

export function createHandoffActivities({ db, temporal, conversationTiming, recordInboundMessage }: HandoffDependencies): HandoffActivities {
  /** Signal-with-start: the message joins the customer's running conversation, or starts it. */
  async function enqueue(input: { businessId: string; customerId: string; phoneNumberId: string; message: ArrivedMessage }) {
    // A customer merged into another since the message was recorded talks in the survivor's conversation.
    const [timing, customer] = await Promise.all([loadReplyTiming(db, input.businessId), currentCustomer(db, input.customerId)]);
    const { handBackAfterMs: _, ...runTiming } = conversationTiming ?? {};
    const customerKey = hashIdentifier(customer.waId ?? customer.bsuid);
    const handle = await temporal.workflow.signalWithStart<typeof conversation, [ArrivedMessage]>('conversation', {
      workflowId: conversationWorkflowId(customer.id),
      taskQueue: Context.current().info.taskQueue,
      args: [
        {
          businessId: input.businessId,
          customerId: customer.id,
          phoneNumberId: input.phoneNumberId,
          customerKey,
          ...timing,
          ...runTiming,
          // Read only if this starts a run: a running conversation keeps its own state.
          needsPerson: await startingNeedsPerson(db, customer.id),
        },
      ],
      signal: messageArrived,
      signalArgs: [input.message],
      typedSearchAttributes: [{ key: BUSINESS_ID, value: input.businessId }, ...(customerKey ? [{ key: CUSTOMER_KEY, value: customerKey }] : [])],
      // Shown by the Web UI; the customer appears only as their keyed hash.
      staticSummary: conversationSummary(customerKey),
    });
    return { workflowId: handle.workflowId, runId: handle.signaledRunId };
  }

  return {
    async admitMessage(input) {
      // Run again after a crash, both halves are safe: the wamid is stored once (a retry of the same workflow is
      // not a duplicate), and the conversation ignores a message it already has.
      const recorded = await recordInboundMessage(input);
      if (recorded.duplicateOf) return { outcome: 'duplicate', duplicateOf: recorded.duplicateOf };
      if (input.handling === 'record-only') return { outcome: 'recorded' };
      const conversation = await enqueue({
        businessId: input.businessId,
        customerId: recorded.customerId,
        phoneNumberId: input.phoneNumberId,
        message: { wamid: input.wamid, sentAtMs: Number(input.timestamp) * 1000, handling: input.handling, messageWorkflowId: input.workflowId },
      });
      return { outcome: 'enqueued', conversation };
    },
  };
}
