// One customer message, from recorded to answered. Deterministic code only: every
// side effect (database, model, WhatsApp) is an activity that Temporal retries.
import { ActivityFailure, ApplicationFailure, log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { buildSystemPrompt } from '../agent/prompt';
import { TOOL_DEFINITIONS } from '../agent/tools';
import type { ChatMessage, ToolCall } from '../agent/types';
import type { ToolEffect } from '../activities/booking-tools';
import type { InboundMessageInput, TurnResult } from './types';

type Activities = ReturnType<typeof createActivities>;

// Database steps are short and safe to repeat; retry them for as long as an
// outage plausibly lasts rather than drop a customer's message.
const { recordInboundMessage, loadConversation } = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 30 },
});

// Model calls are slow and cost money: a generous timeout, a handful of tries.
// The openai client's own retries are off, so these are the only ones.
const { callModel } = proxyActivities<Activities>({
  startToCloseTimeout: '90 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 5 },
});

const { runTool, releaseBooking } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '20 seconds', maximumAttempts: 8 },
});

// Sending is retried patiently on throttling; permanent refusals are non-retryable failures.
const { sendReply } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
});

// Blue ticks and "typing…" are a courtesy: a couple of quick tries, never a reason to delay the reply.
const { markReadWithTyping } = proxyActivities<Activities>({
  startToCloseTimeout: '5 seconds',
  retry: { initialInterval: '500 milliseconds', maximumAttempts: 2 },
});

export const FALLBACK_REPLY =
  "Sorry, I couldn't finish that just now. Could you say it again in a moment? If it's urgent, a person from our team will get back to you.";

export const UNREADABLE_REPLY = "Sorry, I can't read that kind of message. Could you write it to me as text?";

export async function handleInboundMessage(input: InboundMessageInput): Promise<TurnResult> {
  const { workflowId, runId } = workflowInfo();
  const recorded = await recordInboundMessage({ ...input, workflowId, runId });
  if (recorded.duplicateOf) {
    log.info('Message already handled', { duplicateOf: recorded.duplicateOf });
    return { outcome: 'duplicate', duplicateOf: recorded.duplicateOf, sentMessageIds: [], toolCalls: [], appointments: [], modelCalls: 0 };
  }

  if (input.handling === 'record-only') {
    return { outcome: 'recorded', sentMessageIds: [], toolCalls: [], appointments: [], modelCalls: 0 };
  }
  await acknowledge(input.phoneNumberId, input.wamid);
  if (input.handling === 'unreadable') {
    const sent = await sendReply({ businessId: input.businessId, customerId: recorded.customerId, phoneNumberId: input.phoneNumberId, text: UNREADABLE_REPLY, replyKey: workflowId, workflowId, runId });
    return { outcome: 'replied', replyText: sent.sentText, sentMessageIds: sent.wamids, toolCalls: [], appointments: [], modelCalls: 0 };
  }

  const { business, history, maxIterations } = await loadConversation({ businessId: input.businessId, customerId: recorded.customerId });
  const messages: ChatMessage[] = [{ role: 'system', content: buildSystemPrompt(business, new Date()) }, ...history];
  const toolCalls: ToolCall[] = [];
  const appointments: ToolEffect[] = [];

  let replyText: string | undefined;
  let outcome: TurnResult['outcome'] = 'replied';
  let error: string | undefined;
  let modelCalls = 0;

  try {
    while (modelCalls < maxIterations && replyText === undefined) {
      modelCalls++;
      const reply = await callModel({ messages, tools: TOOL_DEFINITIONS });
      messages.push({ role: 'assistant', content: reply.content, toolCalls: reply.toolCalls.length ? reply.toolCalls : undefined });
      if (reply.toolCalls.length === 0) {
        replyText = reply.content?.trim() || FALLBACK_REPLY;
        break;
      }
      for (const call of reply.toolCalls) {
        toolCalls.push(call);
        const content = await runToolOrExplain(input.businessId, recorded.customerId, call, `${workflowId}:${call.id}`, appointments);
        messages.push({ role: 'tool', toolCallId: call.id, content });
      }
    }
    if (replyText === undefined) {
      outcome = 'iteration-limit';
      replyText = FALLBACK_REPLY;
    }
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    outcome = 'model-failed';
    error = describeFailure(err);
    replyText = FALLBACK_REPLY;
  }

  try {
    const sent = await sendReply({
      businessId: input.businessId,
      customerId: recorded.customerId,
      phoneNumberId: input.phoneNumberId,
      text: replyText,
      replyKey: workflowId,
      workflowId,
      runId,
    });
    return { outcome, replyText: sent.sentText, sentMessageIds: sent.wamids, toolCalls: toolCalls.map(({ name }) => ({ name })), appointments, modelCalls, error };
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    return {
      outcome: 'send-failed',
      replyText,
      sentMessageIds: [],
      toolCalls: toolCalls.map(({ name }) => ({ name })),
      appointments,
      modelCalls,
      error: describeFailure(err),
    };
  }
}

/** Marks the message read with the typing indicator; a failure here never blocks the reply. */
async function acknowledge(phoneNumberId: string, wamid: string): Promise<void> {
  try {
    await markReadWithTyping({ phoneNumberId, wamid });
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    log.warn('Could not mark the message as read', { error: describeFailure(err) });
  }
}

/**
 * Runs one tool call. The booking key names this step for good, so a retried
 * call finds what it already booked. When the tool still fails after its
 * retries (the calendar is down), the model is told, so it can tell the
 * customer instead of the turn failing.
 */
async function runToolOrExplain(businessId: string, customerId: string, call: ToolCall, bookingKey: string, effects: ToolEffect[]): Promise<string> {
  try {
    const result = await runTool({ businessId, customerId, call, bookingKey });
    if (result.effect) effects.push(result.effect);
    return result.content;
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    log.warn('Tool failed after retries', { tool: call.name, error: describeFailure(err) });
    // A half-made booking (place reserved, calendar unreachable) is given back rather than left hanging.
    if (call.name === 'book_appointment') await releaseBooking({ businessId, bookingKey });
    return JSON.stringify({ ok: false, error: 'The booking system is temporarily unavailable, so this could not be done. Suggest trying again later.' });
  }
}

function describeFailure(err: ActivityFailure): string {
  const cause = err.cause;
  if (cause instanceof ApplicationFailure) return `${cause.type ?? 'Error'}: ${cause.message}`;
  return cause?.message ?? err.message;
}
