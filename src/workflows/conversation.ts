// One customer's conversation with one business. Message workflows signal it
// (signal-with-start); it answers one turn at a time, so replies never overlap
// or come out of order, and it waits for a quiet moment so that a burst ("hi" /
// "I need a haircut" / "tomorrow after 5?") gets one answer that covers all of it.
// Two customers have two conversation workflows and never wait for each other.
// What became of each message is recorded in the database with the turn that took it.
//
// A person from the team can take the conversation over (updates in control.ts).
// Everything is applied in the order the Temporal server recorded it:
// - a takeover accepted before a turn starts means that turn never runs: the
//   waiting messages are held for the person (their result: held-for-person);
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
  log,
  setCurrentDetails,
  setHandler,
  sleep,
  TemporalFailure,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { describeFailure } from '../failures';
import { handBackDelay, mirrorConversationState, recordHeldMessages, sendReply } from './activities';
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
import { OUTCOME, textAttributeValue, TURN_SUMMARY } from './search-attributes';
import { turnSummary } from './summaries';
import { messageArrived, type ArrivedMessage } from './signals';
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
  /** When the oldest message still waiting for a turn arrived: a burst holds its reply back at most maxWaitMs from it. */
  let firstWaiting = Date.now();
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
    if (pending.length === 0) firstWaiting = Date.now();
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
    // What became of them, for anyone who asks (src/db/message-results.ts); the inbox shows them to the person.
    await recordHeldMessages({ businessId: input.businessId, wamids: batch.map((m) => m.wamid) }).catch((err: unknown) => {
      if (!(err instanceof TemporalFailure) || err instanceof CancelledFailure) throw err;
      log.error('Could not mark the held messages', { error: describeFailure(err) });
    });
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

  async function noteNeedsPerson(reason: string | undefined): Promise<void> {
    // Someone who took over during the turn is already there; an earlier reason stands until a person takes over.
    if (!reason || isPerson() || state.needsPerson) return;
    state.needsPerson = { reason, sinceMs: Date.now() };
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

  const idle = idleTimer(idleMs);
  let turns = 0;
  for (;;) {
    if (workflowInfo().continueAsNewSuggested) break;
    if (isPerson()) {
      await whilePersonHandles();
      // Back with the bot: the idle time counts afresh.
      idle.restart();
      continue;
    }
    if (turns >= turnsPerRun) break;
    await idle.waitForMessage(() => pending.length > 0 || isPerson());
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
    await waitForQuiet(() => lastArrival, firstWaiting, isPerson, input);
    if (isPerson()) continue;
    const batch = pending.splice(0).sort((a, b) => a.sentAtMs - b.sentAtMs);
    remember(batch);
    // The idle time counts from here, a point in the history's own time: right after the turn's local steps,
    // the workflow's clock can read differently live and on replay.
    idle.restart();
    // Marked before the reply goes out, so the inbox shows the flag by the time the reply and the outcome are there.
    const result = await answer(batch, input, noteNeedsPerson);
    turns++;
    noteRecentTurn(result);
    // What the Web UI's list shows and filters by for the conversation's latest turn: "Outcome = 'send-failed'",
    // "Booked Haircut Mon 7 Dec 11:00". One history event, in the turn's last workflow task.
    upsertSearchAttributes([
      { key: OUTCOME, value: result.outcome },
      { key: TURN_SUMMARY, value: textAttributeValue(turnSummary(result)) },
    ]);
    // Normally noted before the reply went out (beforeReply); a second call changes nothing.
    await noteNeedsPerson(result.needsPerson);
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

/**
 * Waits until no message has arrived for the quiet window, but never longer than the maximum wait from the first
 * waiting message; a takeover ends the wait.
 *
 * It may be called right after a turn's local activities, when the workflow's clock can read differently live and
 * on replay (the live clock moved while they ran). So the first wait is a timer whatever the clock says (a timer's
 * length is not part of the history's checks), and the clock decides only in the timer's or a signal's own
 * workflow task, where it reads the same both ways.
 */
async function waitForQuiet(
  lastArrival: () => number,
  firstWaiting: number,
  takenOver: () => boolean,
  { quietWindowMs, maxWaitMs }: ConversationInput,
): Promise<void> {
  if (quietWindowMs <= 0) return;
  const deadline = firstWaiting + maxWaitMs;
  for (let first = true; ; first = false) {
    const seen = lastArrival();
    const remaining = Math.min(seen + quietWindowMs, deadline) - Date.now();
    if (takenOver() || (!first && remaining <= 0)) return;
    await condition(() => lastArrival() !== seen || takenOver(), Math.max(remaining, 1));
  }
}

async function answer(batch: Queued[], input: ConversationInput, beforeReply: (needsPerson: string) => Promise<void>): Promise<TurnResult> {
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
    beforeReply,
  });
}

/**
 * The run's idle time, counted from the end of its last turn (or its start). One timer at a time and never
 * cancelled: a message arriving does not cost the history a cancelled timer and a new one, as a wait with a
 * timeout would on every turn. When the timer fires early (a turn ran since it was set) a new one covers the rest.
 */
function idleTimer(idleMs: number) {
  let since = Date.now();
  let running = false;
  let fired = false;
  return {
    /** Call it where the workflow's clock reads the same live and on replay (not right after local activities). */
    restart(): void {
      since = Date.now();
    },
    /** Resolves when `arrived()` holds, or once the run has been idle for idleMs (arrived() false then). */
    async waitForMessage(arrived: () => boolean): Promise<void> {
      for (;;) {
        if (arrived()) return;
        if (!running) {
          running = true;
          fired = false;
          // Its length reads the clock, which is safe; whether the run is idle is decided only when it fires.
          void sleep(Math.max(since + idleMs - Date.now(), 1)).then(() => {
            running = false;
            fired = true;
          });
        }
        await condition(() => arrived() || fired);
        if (fired && !arrived()) {
          fired = false;
          if (Date.now() - since >= idleMs) return;
        }
      }
    },
  };
}
