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
  /** A run with no new message for this long ends; the next message starts a new run. 10 minutes by default. */
  idleMs?: number;
  /** Turns per run before it continues as new, which keeps the history short. 25 by default. */
  turnsPerRun?: number;
  /** Messages carried over from a previous run (continue-as-new). */
  pending?: ArrivedMessage[];
  /** The message workflows answered most recently, carried over so a late repeat of their signal is still recognised. */
  answered?: string[];
}

const IDLE_MS = 10 * 60_000;
const TURNS_PER_RUN = 25;
/** Enough to recognise a repeated signal (a retried hand-off arrives within seconds), small enough for the run's input. */
const ANSWERED_KEPT = 100;

export async function conversation(input: ConversationInput): Promise<void> {
  const idleMs = input.idleMs ?? IDLE_MS;
  const turnsPerRun = input.turnsPerRun ?? TURNS_PER_RUN;
  const pending: ArrivedMessage[] = [...(input.pending ?? [])];
  const answered: string[] = [...(input.answered ?? [])];
  let lastArrival = Date.now();
  setHandler(messageArrived, (message) => {
    // The hand-off is an activity and may signal again after a timeout; a message is answered once.
    const seen = (m: ArrivedMessage) => m.messageWorkflowId === message.messageWorkflowId;
    if (pending.some(seen) || answered.includes(message.messageWorkflowId)) return;
    pending.push(message);
    lastArrival = Date.now();
  });

  for (let turns = 0; turns < turnsPerRun; turns++) {
    await condition(() => pending.length > 0, idleMs);
    // Only an empty queue ends the run: a message delivered in the same workflow task as the
    // idle timer (or after a completion the server refused because a signal was waiting) is answered.
    if (pending.length === 0) return;
    await waitForQuiet(() => lastArrival, input);
    const batch = pending.splice(0).sort((a, b) => a.sentAtMs - b.sentAtMs);
    answered.push(...batch.map((m) => m.messageWorkflowId));
    answered.splice(0, Math.max(0, answered.length - ANSWERED_KEPT));
    await answer(batch, input);
  }
  // Whatever arrived during the last turn travels into the next run, which answers it first.
  await continueAsNew<typeof conversation>({ ...input, pending, answered });
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
  // A message workflow that stopped waiting (turn-pending) is closed: its signal fails, which is expected.
  await Promise.all(
    batch.map((m) =>
      getExternalWorkflowHandle(m.messageWorkflowId)
        .signal(turnFinished, { leadWorkflowId: latest.messageWorkflowId, result })
        .catch((err: Error) => log.warn('A message workflow could not be told its turn finished', { workflowId: m.messageWorkflowId, error: err.message })),
    ),
  );
}
