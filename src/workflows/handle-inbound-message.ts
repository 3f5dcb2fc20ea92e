// One customer message, keyed by its WhatsApp ID: a redelivered webhook finds
// this workflow already exists. It stores the message and hands it to the
// customer's conversation workflow in one local activity, and ends: one
// workflow task, six history events. The conversation answers the message and
// tells what became of it (its `messageResult` query, src/temporal/message-result.ts).
import { workflowInfo } from '@temporalio/workflow';
import { admitMessage } from './activities';
import type { InboundMessageInput, MessageIntake } from './types';

export { FALLBACK_REPLY, UNREADABLE_REPLY } from './turn';

export async function handleInboundMessage(input: InboundMessageInput): Promise<MessageIntake> {
  const { workflowId, runId } = workflowInfo();
  return admitMessage({ ...input, workflowId, runId });
}
