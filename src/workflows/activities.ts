// The activities as the workflows see them, each with the timeout and retry
// policy chosen for what it talks to (retry-policies.ts says why). Deterministic code only.
//
// A plain turn's steps are local activities: they run inside the conversation's workflow task
// on the worker that has it, with no round trip through the Temporal server to schedule,
// dispatch and complete each one, and they are recorded as one marker each. The calendar tools
// stay regular activities: scheduling one completes the workflow task, which records the
// model's decision before the booking is made, so a worker that dies mid-booking never lets a
// second model call decide something else.
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from './activity-contracts';
import { CALENDAR_STEP, DATABASE_STEP, MODEL_CALL, SEND_REPLY } from './retry-policies';

export const { admitMessage, prepareTurn, recordTurn } = proxyLocalActivities<Activities>(DATABASE_STEP);
// Regular, not local, although they only touch the database: they run inside update handlers and beside
// the conversation's timers, and a local activity there resolved at a different point on replay than when
// it first ran (a worker that took over a conversation after a crash failed with a nondeterminism error).
export const { mirrorConversationState, handBackDelay, recordHeldMessages } = proxyActivities<Activities>(DATABASE_STEP);
export const { runTool, releaseBooking } = proxyActivities<Activities>(CALENDAR_STEP);
// The person's reply, sent from an update handler: regular, for the reason above.
export const { sendReply } = proxyActivities<Activities>(SEND_REPLY);

/**
 * The turn's steps with a summary on each call, which the Web UI shows on the step ("Model call 2",
 * "book_appointment: Haircut 2026-12-07T11:00", "Reply"). Summaries are payloads, so they are encrypted like the rest.
 */
export const withSummary = {
  callModel: (summary: string) => proxyLocalActivities<Activities>({ ...MODEL_CALL, summary }).callModel,
  runTool: (summary: string) => proxyActivities<Activities>({ ...CALENDAR_STEP, summary }).runTool,
  replyAndRecordTurn: (summary: string) => proxyLocalActivities<Activities>({ ...SEND_REPLY, summary }).replyAndRecordTurn,
  /** The same step as a regular activity, for a reply of several messages (turn.ts says why). */
  replyAndRecordTurnDurably: (summary: string) => proxyActivities<Activities>({ ...SEND_REPLY, summary }).replyAndRecordTurn,
};
