// The activities as the workflows see them, each with the timeout and retry
// policy chosen for what it talks to (retry-policies.ts says why). Deterministic code only.
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from './activity-contracts';
import { CALENDAR_STEP, DATABASE_STEP, MODEL_CALL, READ_RECEIPT, SEND_REPLY } from './retry-policies';

export const { recordInboundMessage, loadConversation, enqueueInConversation, recordTurn, checkTurnLimits } = proxyLocalActivities<Activities>(DATABASE_STEP);
// Regular, not local, although they only touch the database: they run inside update handlers and beside
// the conversation's timers, and a local activity there resolved at a different point on replay than when
// it first ran (a worker that took over a conversation after a crash failed with a nondeterminism error).
export const { mirrorConversationState, handBackDelay } = proxyActivities<Activities>(DATABASE_STEP);
export const { callModel } = proxyActivities<Activities>(MODEL_CALL);
export const { runTool, releaseBooking } = proxyActivities<Activities>(CALENDAR_STEP);
export const { sendReply } = proxyActivities<Activities>(SEND_REPLY);
export const { markReadWithTyping } = proxyLocalActivities<Activities>(READ_RECEIPT);

/**
 * The same steps with a summary on each call, which the Web UI shows on the activity ("Model call 2",
 * "book_appointment: Haircut 2026-12-07T11:00", "Reply"). Summaries are payloads, so they are encrypted like the rest.
 */
export const withSummary = {
  callModel: (summary: string) => proxyActivities<Activities>({ ...MODEL_CALL, summary }).callModel,
  runTool: (summary: string) => proxyActivities<Activities>({ ...CALENDAR_STEP, summary }).runTool,
  sendReply: (summary: string) => proxyActivities<Activities>({ ...SEND_REPLY, summary }).sendReply,
};
