// One customer's conversation with one business. Message workflows signal it
// (signal-with-start); it answers one turn at a time, so replies never overlap
// or come out of order, and it waits for a quiet moment so that a burst ("hi" /
// "I need a haircut" / "tomorrow after 5?") gets one answer that covers all of it.
// Two customers have two conversation workflows and never wait for each other.
//
// A person from the team can take the conversation over (updates in control.ts).
// Everything is applied in the order the Temporal server recorded it:
// - a takeover accepted before a turn starts means that turn never runs: the
//   waiting messages are held for the person (their message workflows end as
//   held-for-person);
// - a takeover accepted while a turn runs lets that turn finish (its reply goes
//   out) and holds everything after it;
// - on hand-back (by a person, or automatically after the person has done
//   nothing for the business's hand-back time) the bot answers, in one turn,
//   what the customer wrote after the person's last reply; if the person
//   replied last, it waits for the next message.
// While a person has the conversation the run never ends for being idle.
import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  CancelledFailure,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  setCurrentDetails,
  setHandler,
  TemporalFailure,
  workflowInfo,
} from '@temporalio/workflow';
import { describeFailure } from '../failures';
import { handBackDelay, mirrorConversationState, sendReply } from './activities';
import {
  controlState,
  handBack,
  handBackRefusal,
  replyRefusal,
  sendAsPerson,
  takeOver,
  takeOverRefusal,
  type Control,
  type ControlState,
  type NeedsPerson,
} from './control';
import { runTurn } from './turn';
import { turnSummary } from './summaries';
import { messageArrived, turnFinished, type ArrivedMessage } from './signals';
import type { TurnResult } from './types';

export interface ConversationInput {
  businessId: string;
  customerId: string;
  phoneNumberId: string;
  /** The customer's keyed hash (as in the logs and the CustomerKey search attribute), for traces; set by the hand-off. */
  customerKey?: string;
  /** How long the customer must be quiet before the turn starts, and the longest a burst may hold it back. */
  quietWindowMs: number;
  maxWaitMs: number;
  /** A run with no new message for this long ends; the next message starts a new run. 10 minutes by default. */
  idleMs?: number;
  /** Turns per run before it continues as new, which keeps the history short. 25 by default. */
  turnsPerRun?: number;
  /** Messages carried over from a previous run (continue-as-new); `heldForPerson` ones were already told so. */
  pending?: Array<ArrivedMessage & { heldForPerson?: boolean }>;
  /** The message workflows answered most recently, carried over so a late repeat of their signal is still recognised. */
  answered?: string[];
  /** Who handles the conversation, carried over continue-as-new; the bot when absent. */
  control?: Control;
  /** Carried over continue-as-new, or read from the customer's row when a new run starts. */
  needsPerson?: NeedsPerson | null;
  /** Messages held for the person after their last reply, carried over: the bot answers them if handed back. */
  held?: ArrivedMessage[];
}

const IDLE_MS = 10 * 60_000;
const TURNS_PER_RUN = 25;
/** Enough to recognise a repeated signal (a retried hand-off arrives within seconds), small enough for the run's input. */
const ANSWERED_KEPT = 100;
const RECENT_TURNS_SHOWN = 5;

/** A message waiting in this run, numbered in the order its signal was applied. */
type Queued = ArrivedMessage & { seq: number; heldForPerson?: boolean };

/** What a held message's workflow ends with: recorded, shown to the person, not answered by the bot. */
const HELD: TurnResult = { outcome: 'held-for-person', sentMessageIds: [], toolCalls: [], appointments: [], modelCalls: 0 };

/** An update refused by its validator: the console shows the message as it is. */
const refuse = (message: string | undefined) => {
  if (message) throw ApplicationFailure.create({ message, type: 'UpdateRefused', nonRetryable: true });
};

export async function conversation(input: ConversationInput): Promise<void> {
  const idleMs = input.idleMs ?? IDLE_MS;
  const turnsPerRun = input.turnsPerRun ?? TURNS_PER_RUN;
  let seq = 0;
  const queued = (m: ArrivedMessage, heldForPerson?: boolean): Queued => ({ ...m, seq: seq++, ...(heldForPerson ? { heldForPerson } : {}) });
  const pending: Queued[] = (input.pending ?? []).map((m) => queued(m, m.heldForPerson));
  let held: Queued[] = (input.held ?? []).map((m) => queued(m, true));
  const answered: string[] = [...(input.answered ?? [])];
  const state: ControlState = { control: input.control ?? { by: 'bot' }, needsPerson: input.needsPerson ?? null };
  /** Messages numbered up to this came before the person's last reply: the person answered them. */
  let repliedUpTo = -1;
  /** Bumped on every change of `state`, so the waits below notice one. */
  let version = 0;
  let lastArrival = Date.now();
  const isPerson = () => state.control.by === 'person';
  const snapshot = (): ControlState => ({ control: { ...state.control }, needsPerson: state.needsPerson && { ...state.needsPerson } });

  // Mirror writes run one after another and each writes the state as it is when it runs, so the row ends
  // with the latest state however the writes of two quick updates would otherwise finish.
  let mirroring = Promise.resolve();
  const mirror = (): Promise<void> => {
    mirroring = mirroring.then(async () => {
      try {
        await mirrorConversationState({ customerId: input.customerId, state: snapshot() });
      } catch (err) {
        if (!(err instanceof TemporalFailure) || err instanceof CancelledFailure) throw err;
        log.error('Could not mirror the conversation state for the inbox', { error: describeFailure(err) });
      }
    });
    return mirroring;
  };

  /** Back to the bot; what the customer wrote after the person's last reply waits for the bot's next turn. */
  const toBot = () => {
    state.control = { by: 'bot' };
    pending.unshift(...held.filter((m) => m.seq > repliedUpTo));
    held = [];
    version++;
  };

  setHandler(messageArrived, (message) => {
    // The hand-off is an activity and may signal again after a timeout; a message is answered once.
    const seen = (m: ArrivedMessage) => m.messageWorkflowId === message.messageWorkflowId;
    if (pending.some(seen) || held.some(seen) || answered.includes(message.messageWorkflowId)) return;
    pending.push(queued(message));
    lastArrival = Date.now();
  });

  setHandler(controlState, snapshot);

  setHandler(
    takeOver,
    async ({ userId, name }) => {
      const now = Date.now();
      // The same person taking over again keeps their start and counts as activity.
      const sinceMs = state.control.by === 'person' ? state.control.sinceMs : now;
      state.control = { by: 'person', userId, name, sinceMs, lastActivityMs: now };
      state.needsPerson = null;
      version++;
      await mirror();
      return snapshot();
    },
    { validator: (request) => refuse(takeOverRefusal(state.control, request)) },
  );

  setHandler(
    handBack,
    async (_request) => {
      toBot();
      await mirror();
      return snapshot();
    },
    { validator: (_request) => refuse(handBackRefusal(state.control)) },
  );

  setHandler(
    sendAsPerson,
    async ({ userId, text, requestId }) => {
      // Applied when accepted: whatever the customer wrote before this reply counts as answered by the person.
      if (state.control.by === 'person') state.control = { ...state.control, lastActivityMs: Date.now() };
      repliedUpTo = seq - 1;
      held = [];
      version++;
      const { workflowId, runId } = workflowInfo();
      try {
        // The bot's own send step: retried, recorded, exactly once per part by its key, formatted and split the same way.
        const sent = await sendReply({
          businessId: input.businessId,
          customerId: input.customerId,
          phoneNumberId: input.phoneNumberId,
          text,
          replyKey: `person-${requestId}`,
          workflowId,
          runId,
          sentByUserId: userId,
        });
        return { messageIds: sent.messageIds, text: sent.sentText, sentAtMs: Date.now() };
      } catch (err) {
        if (!(err instanceof ActivityFailure)) throw err;
        // Fails this update only (the message row keeps Meta's reason); the conversation goes on.
        throw ApplicationFailure.create({
          message: `WhatsApp did not take the reply: ${describeFailure(err)}`,
          type: 'PersonReplyNotSent',
          nonRetryable: true,
        });
      }
    },
    { validator: (request) => refuse(replyRefusal(state.control, request)) },
  );

  /** Ends the waiting messages' workflows as held-for-person; those after the person's last reply are kept for a hand-back. */
  async function holdWaiting(): Promise<void> {
    const batch = pending.splice(0);
    if (batch.length === 0) return;
    held.push(...batch.filter((m) => m.seq > repliedUpTo).map((m) => ({ ...m, heldForPerson: true })));
    remember(batch);
    await tellMessageWorkflows(batch, (m) => ({ leadWorkflowId: m.messageWorkflowId, result: HELD }));
  }

  function remember(batch: Queued[]): void {
    answered.push(...batch.filter((m) => !answered.includes(m.messageWorkflowId)).map((m) => m.messageWorkflowId));
    answered.splice(0, Math.max(0, answered.length - ANSWERED_KEPT));
  }

  /** Waits while a person has the conversation: until something changes, or hands back once the person has been inactive long enough. */
  async function whilePersonHandles(): Promise<void> {
    await holdWaiting();
    const control = state.control;
    if (control.by !== 'person') return;
    const delay = await handBackDelay({ businessId: input.businessId });
    if (state.control !== control || pending.length > 0) return;
    const seen = version;
    const dueInMs = control.lastActivityMs + delay - Date.now();
    if (dueInMs > 0 && (await condition(() => version !== seen || pending.length > 0, dueInMs))) return;
    log.info('Handing the conversation back to the bot: the person has been inactive', { inactiveMs: Date.now() - control.lastActivityMs });
    toBot();
    await mirror();
  }

  async function noteNeedsPerson(result: TurnResult): Promise<void> {
    // Someone who took over during the turn is already there; an earlier reason stands until a person takes over.
    if (!result.needsPerson || isPerson() || state.needsPerson) return;
    state.needsPerson = { reason: result.needsPerson, sinceMs: Date.now() };
    version++;
    await mirror();
  }

  /** The last turns of this run in a few words, which the Web UI shows as the workflow's current details (no history event). */
  const recentTurns: string[] = [];
  const noteRecentTurn = (result: TurnResult) => {
    recentTurns.push(`${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC: ${turnSummary(result)}`);
    recentTurns.splice(0, Math.max(0, recentTurns.length - RECENT_TURNS_SHOWN));
    setCurrentDetails(['**Latest turns**', ...recentTurns.map((line) => `- ${line}`)].join('\n'));
  };

  let turns = 0;
  for (;;) {
    if (workflowInfo().continueAsNewSuggested) break;
    if (isPerson()) {
      await whilePersonHandles();
      continue;
    }
    if (turns >= turnsPerRun) break;
    await condition(() => pending.length > 0 || isPerson(), idleMs);
    if (isPerson()) continue;
    if (pending.length === 0) {
      // Only an empty queue ends the run: a message delivered in the same workflow task as the
      // idle timer (or after a completion the server refused because a signal was waiting) is answered.
      // An update still running (a person's reply being sent) finishes first, and may change the state.
      await condition(allHandlersFinished);
      if (pending.length > 0 || isPerson()) continue;
      await mirroring;
      return;
    }
    await waitForQuiet(() => lastArrival, isPerson, input);
    if (isPerson()) continue;
    const batch = pending.splice(0).sort((a, b) => a.sentAtMs - b.sentAtMs);
    remember(batch);
    const result = await answer(batch, input);
    turns++;
    noteRecentTurn(result);
    // Marked before the messages' workflows end, so the inbox shows the flag by the time they have.
    await noteNeedsPerson(result);
    // Held messages' workflows already ended (held-for-person).
    const latest = batch[batch.length - 1]!.messageWorkflowId;
    await tellMessageWorkflows(
      batch.filter((m) => !m.heldForPerson),
      () => ({ leadWorkflowId: latest, result }),
    );
  }
  // Whatever arrived during the last turn travels into the next run, which answers it first.
  await condition(allHandlersFinished);
  await mirroring;
  await continueAsNew<typeof conversation>({
    ...input,
    pending,
    answered,
    control: state.control,
    needsPerson: state.needsPerson,
    held: held.filter((m) => m.seq > repliedUpTo),
  });
}

/** Waits until no message has arrived for the quiet window, but never longer than the maximum wait; a takeover ends the wait. */
async function waitForQuiet(lastArrival: () => number, takenOver: () => boolean, { quietWindowMs, maxWaitMs }: ConversationInput): Promise<void> {
  const deadline = Date.now() + maxWaitMs;
  for (;;) {
    const seen = lastArrival();
    const remaining = Math.min(seen + quietWindowMs, deadline) - Date.now();
    if (remaining <= 0 || takenOver()) return;
    await condition(() => lastArrival() !== seen || takenOver(), remaining);
  }
}

async function answer(batch: Queued[], input: ConversationInput): Promise<TurnResult> {
  const latest = batch[batch.length - 1]!;
  const { workflowId, runId } = workflowInfo();
  return runTurn({
    businessId: input.businessId,
    customerId: input.customerId,
    phoneNumberId: input.phoneNumberId,
    latestWamid: latest.wamid,
    latestSentAtMs: latest.sentAtMs,
    unreadableOnly: batch.every((m) => m.handling === 'unreadable'),
    // From the message's workflow ID rather than its wamid, which embeds the phone number.
    turnKey: `turn-${latest.messageWorkflowId}`,
    workflowId,
    runId,
    customerKey: input.customerKey,
    messageWorkflowIds: batch.map((m) => m.messageWorkflowId),
    wamids: batch.map((m) => m.wamid),
  });
}

async function tellMessageWorkflows(batch: ArrivedMessage[], signal: (m: ArrivedMessage) => { leadWorkflowId: string; result: TurnResult }): Promise<void> {
  // A message workflow that stopped waiting (turn-pending) is closed: its signal fails, which is expected.
  await Promise.all(
    batch.map((m) =>
      getExternalWorkflowHandle(m.messageWorkflowId)
        .signal(turnFinished, signal(m))
        .catch((err: Error) => log.warn('A message workflow could not be told its turn finished', { workflowId: m.messageWorkflowId, error: err.message })),
    ),
  );
}
