// One customer message, keyed by its WhatsApp ID: a redelivered webhook finds
// this workflow already exists. It records the message, hands it to the
// customer's conversation workflow, and ends when the turn that answered it
// has finished, with that turn's result (or a pointer to the message that led it).
import { condition, log, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { enqueueInConversation, recordInboundMessage } from './activities';
import { OUTCOME, TURN_SUMMARY } from './search-attributes';
import { turnSummary } from './summaries';
import { turnFinished, type TurnFinished } from './signals';
import type { InboundMessageInput, TurnResult } from './types';

export { FALLBACK_REPLY, UNREADABLE_REPLY } from './turn';

/** A turn normally finishes within seconds; past this the message workflow stops waiting (the turn goes on). */
const TURN_WAIT_MS = 60 * 60_000;

const NOTHING_DONE = { sentMessageIds: [], toolCalls: [], appointments: [], modelCalls: 0 };

export async function handleInboundMessage(input: InboundMessageInput): Promise<TurnResult> {
  const result = await handle(input);
  // What the Web UI's list shows and filters by: "Outcome = 'send-failed'", "Booked Haircut Mon 7 Dec 11:00".
  upsertSearchAttributes([
    { key: OUTCOME, value: result.outcome },
    { key: TURN_SUMMARY, value: turnSummary({ ...result, unreadableOnly: input.handling === 'unreadable' && result.modelCalls === 0 }) },
  ]);
  return result;
}

async function handle(input: InboundMessageInput): Promise<TurnResult> {
  const { workflowId, runId } = workflowInfo();
  let finished: TurnFinished | undefined;
  setHandler(turnFinished, (signal) => {
    finished ??= signal;
  });

  const recorded = await recordInboundMessage({ ...input, workflowId, runId });
  if (recorded.duplicateOf) {
    log.info('Message already handled', { duplicateOf: recorded.duplicateOf });
    return { outcome: 'duplicate', duplicateOf: recorded.duplicateOf, ...NOTHING_DONE };
  }
  if (input.handling === 'record-only') return { outcome: 'recorded', ...NOTHING_DONE };

  await enqueueInConversation({
    businessId: input.businessId,
    customerId: recorded.customerId,
    phoneNumberId: input.phoneNumberId,
    message: { wamid: input.wamid, sentAtMs: Number(input.timestamp) * 1000, handling: input.handling, messageWorkflowId: workflowId },
  });
  if (!(await condition(() => finished !== undefined, input.turnWaitMs ?? TURN_WAIT_MS))) {
    return { outcome: 'turn-pending', ...NOTHING_DONE };
  }
  const { leadWorkflowId, result } = finished!;
  if (leadWorkflowId === workflowId) return result;
  // Not answered at all: every message of the turn says so, not only the one that led it.
  if (result.outcome === 'rate-limited') return { outcome: 'rate-limited', answeredBy: leadWorkflowId, ...NOTHING_DONE };
  return { outcome: 'answered-with-later-message', answeredBy: leadWorkflowId, ...NOTHING_DONE, replyText: result.replyText };
}
