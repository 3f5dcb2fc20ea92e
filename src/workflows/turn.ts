// One conversation turn: the customer's latest messages are answered together.
// The messages are already in the database; the turn reads the history from
// there, runs the agent loop (model and tools as activities) and sends one reply.
import { ActivityFailure, CancelledFailure, log, TemporalFailure } from '@temporalio/workflow';
import { newProgress, runAgentLoop } from '../agent/loop';
import type { OfferedOption } from '../agent/options';
import { buildSystemPrompt } from '../agent/prompt';
import type { ChatMessage, ToolCall } from '../agent/types';
import { callModel, loadConversation, markReadWithTyping, releaseBooking, runTool, sendReply } from './activities';
import { describeFailure, failureSourceOf, isModelFailure } from '../failures';
import type { ToolEffect, TurnResult } from './types';

export const FALLBACK_REPLY =
  "Sorry, I couldn't finish that just now. Could you say it again in a moment? If it's urgent, a person from our team will get back to you.";

export const UNREADABLE_REPLY = "Sorry, I can't read that kind of message. Could you write it to me as text?";

export interface TurnSpec {
  businessId: string;
  customerId: string;
  phoneNumberId: string;
  /** The customer's latest message in this turn: marked read, and the turn's name. */
  latestWamid: string;
  /** Nothing in the turn is readable: a fixed polite reply, no model call. */
  unreadableOnly: boolean;
  /** Names this turn for good: replies and bookings made by a retried step are found again. */
  turnKey: string;
  workflowId: string;
  runId: string;
}

export async function runTurn(spec: TurnSpec): Promise<TurnResult> {
  await acknowledge(spec.phoneNumberId, spec.latestWamid);
  if (spec.unreadableOnly) return send(spec, UNREADABLE_REPLY, { outcome: 'replied', toolCalls: [], appointments: [], modelCalls: 0 });

  const appointments: ToolEffect[] = [];
  const progress = newProgress();
  const steps = { callModel, runTool: (call: ToolCall) => runToolOrExplain(spec, call, appointments) };

  try {
    const { business, history, maxIterations } = await loadConversation({ businessId: spec.businessId, customerId: spec.customerId });
    const messages: ChatMessage[] = [{ role: 'system', content: buildSystemPrompt(business, new Date()) }, ...history];
    const end = await runAgentLoop(messages, steps, maxIterations, progress);
    const { toolCalls, modelCalls, options } = progress;
    if (end.kind === 'iteration-limit') return send(spec, FALLBACK_REPLY, { outcome: 'iteration-limit', toolCalls, appointments, modelCalls });
    return send(spec, end.text?.trim() || FALLBACK_REPLY, { outcome: 'replied', toolCalls, appointments, modelCalls, options });
  } catch (err) {
    // An activity's failure, or a local activity's (loading the conversation), which arrives unwrapped.
    if (!(err instanceof TemporalFailure) || err instanceof CancelledFailure) throw err;
    // Classified by what failed, not by where it was caught: only the model's failures are model-failed.
    const outcome = isModelFailure(err) ? 'model-failed' : 'turn-failed';
    return send(spec, FALLBACK_REPLY, { outcome, toolCalls: progress.toolCalls, appointments, modelCalls: progress.modelCalls, error: describeFailure(err) });
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

async function send(spec: TurnSpec, text: string, turn: TurnSoFar): Promise<TurnResult> {
  const summary = { toolCalls: turn.toolCalls.map(({ name }) => ({ name })), appointments: turn.appointments, modelCalls: turn.modelCalls };
  try {
    const sent = await sendReply({
      businessId: spec.businessId,
      customerId: spec.customerId,
      phoneNumberId: spec.phoneNumberId,
      text,
      options: turn.options ?? [],
      replyKey: spec.turnKey,
      workflowId: spec.workflowId,
      runId: spec.runId,
    });
    return { outcome: turn.outcome, replyText: sent.sentText, sentMessageIds: sent.wamids, ...summary, error: turn.error };
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    return { outcome: 'send-failed', replyText: text, sentMessageIds: [], ...summary, error: describeFailure(err) };
  }
}

/** Marks the message read with the typing indicator; a failure here never blocks the reply. */
async function acknowledge(phoneNumberId: string, wamid: string): Promise<void> {
  try {
    await markReadWithTyping({ phoneNumberId, wamid });
  } catch (err) {
    // A local activity's failure arrives as its cause (an ApplicationFailure or a
    // TimeoutFailure), not wrapped in an ActivityFailure as a regular activity's is.
    if (!(err instanceof TemporalFailure) || err instanceof CancelledFailure) throw err;
    log.warn('Could not mark the message as read', { error: describeFailure(err) });
  }
}

/**
 * Runs one tool call. The booking key names this step for good, so a retried
 * call finds what it already booked. When the tool still fails after its
 * retries (the calendar is down), the model is told, so it can tell the
 * customer instead of the turn failing.
 */
async function runToolOrExplain(spec: TurnSpec, call: ToolCall, effects: ToolEffect[]): Promise<string> {
  const bookingKey = `${spec.turnKey}:${call.id}`;
  try {
    const result = await runTool({ businessId: spec.businessId, customerId: spec.customerId, call, bookingKey });
    if (result.effect) effects.push(result.effect);
    return result.content;
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
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
