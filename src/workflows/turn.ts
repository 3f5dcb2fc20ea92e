// One conversation turn: the customer's latest messages are answered together.
// The messages are already in the database; the turn reads the history from
// there, runs the agent loop (model and tools as activities) and sends one reply.
// It ends by recording what it did (a Turn row: tools, effects, outcome), which
// the console's inbox shows next to the messages.
//
// Before anything else it checks the limits (limits.ts counts them from the
// database): past the customer's turns per minute or per day, the customer is
// told once and then not answered until the window has passed; past the
// business's daily token budget, the customer gets an honest short answer, a
// person is asked for, and the model is not called.
import { ActivityFailure, CancelledFailure, log, TemporalFailure } from '@temporalio/workflow';
import { ASK_FOR_A_PERSON, isOpenAt, personRequestedResult, requestReason, type BusinessHours } from '../agent/handover';
import { newProgress, runAgentLoop, type AgentProgress } from '../agent/loop';
import type { OfferedOption } from '../agent/options';
import { buildSystemPrompt } from '../agent/prompt';
import type { ChatMessage, ToolCall, ToolDefinition } from '../agent/types';
import { prepareTurn, recordTurn, releaseBooking, withSummary } from './activities';
import type { LoadedConversation, TurnPreparation, TurnRecord } from './activity-contracts';
import { needsPersonReasons } from './control';
import { describeFailure, failureSourceOf, failureTypeOf, FailureType, isModelFailure } from '../failures';
import type { ToolEffect, TurnOutcome, TurnResult } from './types';
import type { TurnRef } from '../observability/turn-events';
import { toolSummary, turnSummary } from './summaries';
import { replyParts } from '../whatsapp/outgoing';
import { turns } from './turn-sinks';

export const FALLBACK_REPLY =
  "Sorry, I couldn't finish that just now. Could you say it again in a moment? If it's urgent, a person from our team will get back to you.";

export const UNREADABLE_REPLY = "Sorry, I can't read that kind of message. Could you write it to me as text?";

/** The one message a customer gets on reaching a turn limit, by the window that stopped them. */
export const LIMIT_NOTICES = {
  minute: "You've sent a lot of messages in a short time, so I'll pause for a moment. I'll be able to answer again in a few minutes.",
  day: "You've sent a lot of messages today, so I'll pause here. I'll be able to answer again tomorrow.",
} as const;

/** The business's model budget for the day is spent: said plainly, and a person is asked for. */
export const BUDGET_SPENT_REPLY = "Sorry, I can't answer automatically right now; a person from our team will reply here.";

/** Turns that end without an answer: the fallback promised the customer a person, so the conversation is marked for one. */
const UNANSWERED: readonly TurnOutcome[] = ['model-failed', 'turn-failed', 'iteration-limit', 'send-failed'];

export interface TurnSpec {
  businessId: string;
  customerId: string;
  phoneNumberId: string;
  /** The customer's latest message in this turn: marked read, and the turn's name. */
  latestWamid: string;
  /** When the customer sent it (WhatsApp's timestamp): whether it came outside opening hours. */
  latestSentAtMs: number;
  /** Nothing in the turn is readable: a fixed polite reply, no model call. */
  unreadableOnly: boolean;
  /** Names this turn for good: replies and bookings made by a retried step are found again. */
  turnKey: string;
  workflowId: string;
  runId: string;
  /** The customer's keyed hash, for traces; absent in conversations started before it was passed. */
  customerKey?: string;
  /** The messages this turn answers: their workflows, and their wamids (personal data, for traces that may show it). */
  messageWorkflowIds: string[];
  wamids: string[];
  /**
   * Called before the reply goes out when the turn leaves the conversation needing a person (the conversation marks
   * it for the inbox), so the flag is there by the time the reply and the turn's outcome are.
   */
  beforeReply?: (needsPerson: string) => Promise<void>;
}

/** What the turn learnt that may need a person: the customer asked for one, or wrote outside hours with the business flagging that. */
interface Attention {
  asked?: string;
  outsideHours?: boolean;
}

/** What the turn's trace adds up as it goes: tokens of the model calls, steps that failed after their retries. */
interface Tally {
  promptTokens: number;
  completionTokens: number;
  failedTools: number;
}

/** One turn, reported to the tracers and metrics when it starts and ends (once per real execution: turn-sinks.ts). */
export async function runTurn(spec: TurnSpec): Promise<TurnResult> {
  const startedAtMs = Date.now();
  const ref = turnRef(spec);
  turns.started({ ...ref, messageWorkflowIds: spec.messageWorkflowIds, wamids: spec.wamids, startedAtMs });
  const tally: Tally = { promptTokens: 0, completionTokens: 0, failedTools: 0 };
  const result = await runTurnSteps(spec, tally);
  turns.ended({
    ...ref,
    outcome: result.outcome,
    startedAtMs,
    endedAtMs: Date.now(),
    modelCalls: result.modelCalls,
    toolCalls: result.toolCalls.length,
    errors: tally.failedTools + (result.error ? 1 : 0),
    ...(result.error ? { error: result.error } : {}),
    promptTokens: tally.promptTokens,
    completionTokens: tally.completionTokens,
    appointments: result.appointments,
    summary: turnSummary({ ...result, unreadableOnly: spec.unreadableOnly }),
  });
  return result;
}

function turnRef(spec: TurnSpec): TurnRef {
  return { businessId: spec.businessId, customerKey: spec.customerKey, turnKey: spec.turnKey, workflowId: spec.workflowId, runId: spec.runId };
}

async function runTurnSteps(spec: TurnSpec, tally: Tally): Promise<TurnResult> {
  const prepared = await prepare(spec);
  const { allowance } = prepared;
  if (allowance.kind === 'customer-limit') {
    // No blue ticks or "typing…": a limited customer hears nothing but the one notice.
    if (allowance.notify) return send(spec, LIMIT_NOTICES[allowance.window], { ...NOTHING_DONE, outcome: 'rate-limited' });
    await record(spec, { ...NOTHING_DONE, outcome: 'rate-limited' });
    return RATE_LIMITED;
  }
  const progress = newProgress();
  const effects: ToolEffect[] = [];
  const attention: Attention = {};
  const result =
    allowance.kind === 'unchecked'
      ? await send(spec, FALLBACK_REPLY, { ...NOTHING_DONE, outcome: 'turn-failed', error: allowance.error }, attention)
      : spec.unreadableOnly
        ? await send(spec, UNREADABLE_REPLY, { ...NOTHING_DONE, outcome: 'replied' }, attention)
        : allowance.kind === 'budget-spent'
          ? await send(spec, BUDGET_SPENT_REPLY, { ...NOTHING_DONE, outcome: 'budget-exceeded' }, attention)
          : 'conversation' in prepared && prepared.conversation
            ? await answer(spec, prepared.conversation, progress, effects, attention, tally)
            : await send(spec, FALLBACK_REPLY, { ...NOTHING_DONE, outcome: 'turn-failed', error: 'The conversation was not loaded' }, attention);
  const needsPerson = needsPersonReason(result.outcome, attention);
  return needsPerson ? { ...result, needsPerson } : result;
}

/** A tool the workflow answers itself, traced like the activities' (no latency to speak of). */
function traceToolInWorkflow(spec: TurnSpec, call: ToolCall, content: string): void {
  let ok = true;
  try {
    ok = (JSON.parse(content) as { ok?: unknown }).ok !== false;
  } catch {
    // A plain-text answer is an answer.
  }
  turns.toolInWorkflow({ ...turnRef(spec), tool: call.name, arguments: call.arguments, ok, startedAtMs: Date.now(), latencyMs: 0, inWorkflow: true });
}

const NOTHING_DONE = { toolCalls: [], appointments: [], modelCalls: 0 };

/** A turn stopped by a customer limit after the notice went out: nothing sent, nothing done. */
const RATE_LIMITED: TurnResult = { outcome: 'rate-limited', sentMessageIds: [], ...NOTHING_DONE };

/**
 * The limits as of this turn's time, the read receipt, and the conversation (prepareTurn). When the
 * limits cannot be checked (the database down through every retry) the turn does not call the model
 * unchecked: it ends like any turn whose step failed, with the apology and a person asked for.
 */
async function prepare(spec: TurnSpec): Promise<TurnPreparation | { allowance: { kind: 'unchecked'; error: string } }> {
  try {
    return await prepareTurn({
      businessId: spec.businessId,
      customerId: spec.customerId,
      phoneNumberId: spec.phoneNumberId,
      latestWamid: spec.latestWamid,
      atMs: Date.now(),
      load: !spec.unreadableOnly,
      turnKey: spec.turnKey,
    });
  } catch (err) {
    // A local activity's failure arrives unwrapped (an ApplicationFailure or a TimeoutFailure).
    if (!(err instanceof TemporalFailure) || err instanceof CancelledFailure) throw err;
    log.error('Could not prepare the turn', { error: describeFailure(err) });
    return { allowance: { kind: 'unchecked', error: describeFailure(err) } };
  }
}

/** The most telling reason first: what the customer asked for, then a turn without an answer, then the hour. */
function needsPersonReason(outcome: TurnOutcome, attention: Attention): string | undefined {
  if (attention.asked) return needsPersonReasons.asked(attention.asked);
  if (outcome === 'budget-exceeded') return needsPersonReasons.budgetSpent;
  if (UNANSWERED.includes(outcome)) return needsPersonReasons.noAnswer(outcome);
  return attention.outsideHours ? needsPersonReasons.outsideHours : undefined;
}

async function answer(
  spec: TurnSpec,
  loaded: LoadedConversation,
  progress: AgentProgress,
  appointments: ToolEffect[],
  attention: Attention,
  tally: Tally,
): Promise<TurnResult> {
  const hours: BusinessHours = loaded.hours;
  attention.outsideHours = loaded.flagOutsideHours && !isOpenAt(new Date(spec.latestSentAtMs), hours);
  /** A local activity's failure arrives without the activity's name: the model's are told apart here. */
  let modelFailed = false;
  const steps = {
    callModel: async (input: { messages: ChatMessage[]; tools: ToolDefinition[] }) => {
      // The loop counts the call before making it.
      const iteration = progress.modelCalls;
      const reply = await withSummary
        .callModel(`Model call ${iteration}`)({ ...input, businessId: spec.businessId, customerId: spec.customerId, turn: turnRef(spec), iteration })
        .catch((err: unknown) => {
          modelFailed = true;
          throw err;
        });
      tally.promptTokens += reply.usage?.promptTokens ?? 0;
      tally.completionTokens += reply.usage?.completionTokens ?? 0;
      return reply;
    },
    runTool: async (call: ToolCall) => {
      if (call.name !== ASK_FOR_A_PERSON) return runToolOrExplain(spec, call, appointments, tally);
      const content = askForAPerson(call, hours, attention);
      traceToolInWorkflow(spec, call, content);
      return content;
    },
    answeredInLoop: (call: ToolCall, content: string) => traceToolInWorkflow(spec, call, content),
  };
  try {
    const messages: ChatMessage[] = [{ role: 'system', content: buildSystemPrompt(loaded.business, new Date()) }, ...loaded.history];
    const end = await runAgentLoop(messages, steps, { maxIterations: loaded.maxIterations, maxToolCallsPerReply: loaded.maxToolCallsPerReply }, progress);
    const { toolCalls, modelCalls, options } = progress;
    if (end.kind === 'iteration-limit') return send(spec, FALLBACK_REPLY, { outcome: 'iteration-limit', toolCalls, appointments, modelCalls }, attention);
    return send(spec, end.text?.trim() || FALLBACK_REPLY, { outcome: 'replied', toolCalls, appointments, modelCalls, options }, attention);
  } catch (err) {
    // An activity's failure, or a local activity's (the model call), which arrives unwrapped.
    if (!(err instanceof TemporalFailure) || err instanceof CancelledFailure) throw err;
    // The budget ran out between two model calls of this turn (other turns spent it): the same honest answer as at the start.
    if (failureTypeOf(err) === FailureType.TokenBudgetSpent) {
      return send(
        spec,
        BUDGET_SPENT_REPLY,
        { outcome: 'budget-exceeded', toolCalls: progress.toolCalls, appointments, modelCalls: progress.modelCalls },
        attention,
      );
    }
    // Classified by what failed, not by where it was caught: only the model's failures are model-failed.
    const outcome = modelFailed || isModelFailure(err) ? 'model-failed' : 'turn-failed';
    return send(
      spec,
      FALLBACK_REPLY,
      { outcome, toolCalls: progress.toolCalls, appointments, modelCalls: progress.modelCalls, error: describeFailure(err) },
      attention,
    );
  }
}

/** The customer wants a person: noted for the conversation (which marks it for the inbox); the model is told what will happen. */
function askForAPerson(call: ToolCall, hours: BusinessHours, attention: Attention): string {
  attention.asked = requestReason(call.arguments);
  return personRequestedResult(new Date(), hours);
}

/** The turn as the inbox shows it (idempotent by its key), and the messages it took. */
function turnRecord(spec: TurnSpec, turn: TurnSoFar, replyText: string | null, needsPerson?: string): TurnRecord {
  return {
    businessId: spec.businessId,
    customerId: spec.customerId,
    turnKey: spec.turnKey,
    workflowId: spec.workflowId,
    runId: spec.runId,
    outcome: turn.outcome,
    toolCalls: turn.toolCalls.map(({ name, arguments: args }) => ({ name, arguments: args })),
    effects: turn.appointments,
    modelCalls: turn.modelCalls,
    error: turn.error ?? null,
    wamids: spec.wamids,
    replyText,
    needsPerson: needsPerson ?? null,
  };
}

/** Records a turn that sent nothing (or failed to). A failure to record never takes back what the turn did. */
async function record(spec: TurnSpec, turn: TurnSoFar, replyText: string | null = null, needsPerson?: string): Promise<void> {
  try {
    await recordTurn(turnRecord(spec, turn, replyText, needsPerson));
  } catch (err) {
    if (!(err instanceof TemporalFailure) || err instanceof CancelledFailure) throw err;
    log.error('Could not record the turn', { turnKey: spec.turnKey, error: describeFailure(err) });
  }
}

interface TurnSoFar {
  outcome: TurnResult['outcome'];
  options?: OfferedOption[];
  toolCalls: ToolCall[];
  appointments: ToolEffect[];
  modelCalls: number;
  error?: string;
}

/** Sends the reply and records the turn, in one step; a reply Meta never took is recorded as send-failed. */
async function send(spec: TurnSpec, text: string, turn: TurnSoFar, attention: Attention = {}): Promise<TurnResult> {
  const needsPerson = needsPersonReason(turn.outcome, attention);
  if (needsPerson) await spec.beforeReply?.(needsPerson);
  const summary = { toolCalls: turn.toolCalls.map(({ name }) => ({ name })), appointments: turn.appointments, modelCalls: turn.modelCalls };
  // A reply of several WhatsApp messages is sent by a regular activity: scheduling it ends the workflow task, which
  // records the model's reply first, so a worker dying between two parts cannot make a re-run write the rest
  // differently. A one-message reply, the usual, stays in the task (sent once by its key, however often it runs).
  const replyStep = replyParts(text, turn.options ?? []).length > 1 ? withSummary.replyAndRecordTurnDurably : withSummary.replyAndRecordTurn;
  try {
    const sent = await replyStep(replySummary(turn.outcome, text))({
      businessId: spec.businessId,
      customerId: spec.customerId,
      phoneNumberId: spec.phoneNumberId,
      text,
      options: turn.options ?? [],
      replyKey: spec.turnKey,
      workflowId: spec.workflowId,
      runId: spec.runId,
      // The step fills in the reply as it was sent.
      record: turnRecord(spec, turn, null, needsPerson),
    });
    return { outcome: turn.outcome, replyText: sent.sentText, sentMessageIds: sent.wamids, ...summary, error: turn.error };
  } catch (err) {
    // An activity's failure, or a local activity's, which arrives unwrapped (an ApplicationFailure or a TimeoutFailure).
    if (!(err instanceof TemporalFailure) || err instanceof CancelledFailure) throw err;
    const failed: TurnSoFar = { ...turn, outcome: 'send-failed', error: describeFailure(err) };
    await record(spec, failed, text, needsPersonReason('send-failed', attention));
    return { outcome: 'send-failed', replyText: text, sentMessageIds: [], ...summary, error: failed.error };
  }
}

/** What the reply is, for the Web UI: the answer, or which fixed message. */
function replySummary(outcome: TurnOutcome, text: string): string {
  if (text === FALLBACK_REPLY) return 'Reply: the apology';
  if (text === UNREADABLE_REPLY) return 'Reply: please write it as text';
  if (text === BUDGET_SPENT_REPLY) return 'Reply: a person will answer';
  if (outcome === 'rate-limited') return 'Reply: the turn-limit notice';
  return 'Reply';
}

/**
 * Runs one tool call. The booking key names this step for good, so a retried
 * call finds what it already booked. When the tool still fails after its
 * retries (the calendar is down), the model is told, so it can tell the
 * customer instead of the turn failing.
 */
async function runToolOrExplain(spec: TurnSpec, call: ToolCall, effects: ToolEffect[], tally: Tally): Promise<string> {
  const bookingKey = `${spec.turnKey}:${call.id}`;
  try {
    const result = await withSummary.runTool(toolSummary(call))({
      businessId: spec.businessId,
      customerId: spec.customerId,
      call,
      bookingKey,
      turn: turnRef(spec),
    });
    if (result.effect) effects.push(result.effect);
    return result.content;
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    tally.failedTools++;
    log.warn('Tool failed after retries', { tool: call.name, source: failureSourceOf(err), error: describeFailure(err) });
    // A half-made booking (place reserved, calendar unreachable) is given back rather than left hanging.
    if (call.name === 'book_appointment') await release(spec.businessId, bookingKey);
    return JSON.stringify({ ok: false, error: 'The booking system is temporarily unavailable, so this could not be done. Suggest trying again later.' });
  }
}

/**
 * Gives back a half-made booking. Its place is freed in the database first; if
 * the calendar stays unreachable through every retry, an event may be left
 * there, which is logged for the owner. The turn goes on either way: the
 * customer is still answered, and the failure is not the model's.
 */
async function release(businessId: string, bookingKey: string): Promise<void> {
  try {
    await releaseBooking({ businessId, bookingKey });
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    log.error('Could not release a half-made booking; its calendar event may remain', {
      bookingKey,
      source: failureSourceOf(err),
      error: describeFailure(err),
    });
  }
}
