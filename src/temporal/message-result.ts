// What became of a message, asked from outside the workflows (the replay CLI, the
// tests): its workflow's result says whether it was handed on; the turn that took
// it is then found in the database (src/db/message-results.ts).
import type { Client } from '@temporalio/client';
import type { Database } from '../db/client';
import { messageResult, NOTHING_DONE } from '../db/message-results';
import type { MessageIntake, TurnResult } from '../workflows/types';

export interface MessageResultOptions {
  /** How long to wait for the turn once the message is handed on; 60 s by default. */
  timeoutMs?: number;
  /** How often to look; 100 ms by default. */
  pollMs?: number;
}

/** Waits for the message's workflow, then for the turn that took its message, and returns what became of it. */
export async function awaitMessageResult(
  client: Client,
  db: Database,
  messageWorkflowId: string,
  { timeoutMs = 60_000, pollMs = 100 }: MessageResultOptions = {},
): Promise<TurnResult> {
  const intake = (await client.workflow.getHandle(messageWorkflowId).result()) as MessageIntake;
  if (intake.outcome === 'duplicate') return { outcome: 'duplicate', duplicateOf: intake.duplicateOf, ...NOTHING_DONE };
  if (intake.outcome === 'recorded') return { outcome: 'recorded', ...NOTHING_DONE };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await messageResult(db, messageWorkflowId);
    if (result) return result;
    if (Date.now() >= deadline) {
      throw new Error(`The turn that answers ${messageWorkflowId} had not finished within ${timeoutMs} ms (conversation ${intake.conversation.workflowId})`);
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
