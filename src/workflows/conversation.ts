// One customer's conversation with one business. Message workflows signal it
// (signal-with-start); it answers one turn at a time, so replies never overlap
// or come out of order, and it waits for a quiet moment so that a burst ("hi" /
// "I need a haircut" / "tomorrow after 5?") gets one answer that covers all of it.
// Two customers have two conversation workflows and never wait for each other.
import { condition, continueAsNew, getExternalWorkflowHandle, log, setHandler, workflowInfo } from '@temporalio/workflow';
import { runTurn } from './turn';
import { messageArrived, turnFinished, type ArrivedMessage } from './signals';

export interface ConversationInput {
  businessId: string;
  customerId: string;
  phoneNumberId: string;
  /** How long the customer must be quiet before the turn starts, and the longest a burst may hold it back. */
  quietWindowMs: number;
  maxWaitMs: number;
  /** Messages carried over from a previous run (continue-as-new). */
  pending?: ArrivedMessage[];
}

/** A conversation with no new message for this long ends; the next message starts a new run. */
const IDLE_MS = 10 * 60_000;
/** Keeps the event history short: a long conversation continues as a new run. */
const TURNS_PER_RUN = 25;

export async function conversation(input: ConversationInput): Promise<void> {
  const pending: ArrivedMessage[] = [...(input.pending ?? [])];
  let lastArrival = Date.now();
  setHandler(messageArrived, (message) => {
    if (pending.some((m) => m.wamid === message.wamid)) return; // a retried signal
    pending.push(message);
    lastArrival = Date.now();
  });

  for (let turns = 0; turns < TURNS_PER_RUN; turns++) {
    if (!(await condition(() => pending.length > 0, IDLE_MS))) return;
    await waitForQuiet(() => lastArrival, input);
    const batch = pending.splice(0).sort((a, b) => a.sentAtMs - b.sentAtMs);
    await answer(batch, input);
  }
  await continueAsNew<typeof conversation>({ ...input, pending });
}

/** Waits until no message has arrived for the quiet window, but never longer than the maximum wait. */
async function waitForQuiet(lastArrival: () => number, { quietWindowMs, maxWaitMs }: ConversationInput): Promise<void> {
  const deadline = Date.now() + maxWaitMs;
  for (;;) {
    const seen = lastArrival();
    const remaining = Math.min(seen + quietWindowMs, deadline) - Date.now();
    if (remaining <= 0) return;
    await condition(() => lastArrival() !== seen, remaining);
  }
}

async function answer(batch: ArrivedMessage[], input: ConversationInput): Promise<void> {
  const latest = batch[batch.length - 1]!;
  const { workflowId, runId } = workflowInfo();
  const result = await runTurn({
    businessId: input.businessId,
    customerId: input.customerId,
    phoneNumberId: input.phoneNumberId,
    latestWamid: latest.wamid,
    unreadableOnly: batch.every((m) => m.handling === 'unreadable'),
    // From the message's workflow ID rather than its wamid, which embeds the phone number.
    turnKey: `turn-${latest.messageWorkflowId}`,
    workflowId,
    runId,
  });
  await Promise.all(
    batch.map((m) =>
      getExternalWorkflowHandle(m.messageWorkflowId)
        .signal(turnFinished, { leadWorkflowId: latest.messageWorkflowId, result })
        .catch((err: Error) => log.warn('A message workflow could not be told its turn finished', { workflowId: m.messageWorkflowId, error: err.message })),
    ),
  );
}
