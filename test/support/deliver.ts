// Delivering webhooks to a running stack as Meta does (signed, over HTTP) and
// waiting for what the workflows made of them.
import fs from 'node:fs';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import type { IntakeReport } from '../../src/api/intake';
import { messageWorkflowId } from '../../src/api/message-workflow-id';
import { awaitMessageResult } from '../../src/temporal/message-result';
import type { InboundMessageInput, TurnResult } from '../../src/workflows/types';
import { newWamid, postSigned } from './payloads';
import { DEMO_PHONE_NUMBER_ID, TEST_APP_SECRET, type Stack } from './stack';

/** Posts a signed payload, expects every message in it to start a workflow, and returns each one's result in order. */
export async function deliverAll(stack: Stack, payload: unknown): Promise<TurnResult[]> {
  const response = await postSigned(stack.webhookUrl, payload, TEST_APP_SECRET);
  if (response.status !== 200) throw new Error(`The webhook answered ${response.status}: ${await response.text()}`);
  const report = (await response.json()) as IntakeReport;
  const unstarted = report.messages.filter((m) => m.status !== 'started');
  if (unstarted.length) throw new Error(`Messages not started: ${JSON.stringify(unstarted)}`);
  return Promise.all(report.messages.map((m) => messageResultOf(stack, m.workflowId!)));
}

/** Posts a signed payload with one message and waits for the turn that answers it. */
export async function deliver(stack: Stack, payload: unknown): Promise<TurnResult> {
  const [result, ...more] = await deliverAll(stack, payload);
  if (!result || more.length) throw new Error('deliver() takes a payload with exactly one message; use deliverAll()');
  return result;
}

/** A webhook payload as far as tests edit it. */
export interface WebhookFixture {
  entry: Array<{ changes: Array<{ value: { messages?: Array<{ id: string; [field: string]: unknown }>; [field: string]: unknown } }> }>;
}

/** A fixture from fixtures/, with each message given a fresh wamid (the Temporal server is shared between test files). */
export function fixture(name: string): { payload: WebhookFixture; wamids: string[] } {
  const payload = JSON.parse(fs.readFileSync(path.join(__dirname, '../../fixtures', name), 'utf8')) as WebhookFixture;
  const wamids: string[] = [];
  for (const entry of payload.entry) {
    for (const change of entry.changes) {
      for (const message of change.value.messages ?? []) {
        message.id = newWamid();
        wamids.push(message.id);
      }
    }
  }
  return { payload, wamids };
}

/** A text message as the webhook hands it to its workflow (with a fresh wamid), for tests that start workflows directly. */
export function inboundText(stack: Stack, text: string, overrides: Partial<InboundMessageInput> = {}): InboundMessageInput {
  return {
    businessId: stack.businessId,
    phoneNumberId: DEMO_PHONE_NUMBER_ID,
    wamid: newWamid(),
    type: 'text',
    text,
    handling: 'answer',
    timestamp: String(Math.floor(Date.now() / 1000)),
    customer: { waId: '34611000001' },
    ...overrides,
  };
}

/** Starts a message's workflow as the webhook does (its ID from the wamid). */
export function startMessage(stack: Stack, input: InboundMessageInput): Promise<WorkflowHandle> {
  return stack.temporal.workflow.start('handleInboundMessage', { taskQueue: stack.taskQueue, workflowId: messageWorkflowId(input.wamid), args: [input] });
}

/** Runs a message's workflow as the webhook starts it, and waits for what became of its message. */
export async function runMessage(stack: Stack, input: InboundMessageInput): Promise<TurnResult> {
  return messageResultOf(stack, (await startMessage(stack, input)).workflowId);
}

/**
 * What became of a message, by its workflow's ID: the workflow ends once the message is handed to its
 * conversation; the turn that took it is recorded in the database (the replay CLI asks the same way).
 */
export function messageResultOf(stack: Stack, messageWorkflowId: string, timeoutMs = 120_000): Promise<TurnResult> {
  return awaitMessageResult(stack.temporal, stack.database.db, messageWorkflowId, { timeoutMs });
}
