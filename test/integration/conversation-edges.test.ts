// The edges of a conversation workflow's life, on the real Temporal dev server
// with short windows (Temporal's time-skipping test server is a separate
// download that cannot be fetched here): a message arriving as the run ends
// after its idle time, messages arriving while it continues as new, a repeated
// hand-off signal, and a message workflow that stops waiting for its turn.
// In every case each message is answered exactly once.
import { randomUUID } from 'node:crypto';
import { conversationWorkflowId } from '../../src/workflows/conversation-id';
import type { ConversationInput } from '../../src/workflows/conversation';
import { messageWorkflowId } from '../../src/api/message-workflow-id';
import { messageArrived, type ArrivedMessage } from '../../src/workflows/signals';
import type { TurnResult } from '../../src/workflows/types';
import { deliver, inboundText, runMessage } from '../support/deliver';
import { newWamid, textMessagePayload } from '../support/payloads';
import { DEMO_PHONE_NUMBER_ID, useStack } from '../support/stack';
import { until } from '../support/waiting';

const IDLE_MS = 500;
const stack = useStack({ conversationTiming: { idleMs: IDLE_MS, turnsPerRun: 2 } });

const newCustomer = () =>
  `3467${Math.floor(Math.random() * 1e7)
    .toString()
    .padStart(7, '0')}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const sentTo = (waId: string) => stack.sandbox.graph.sent.filter((m) => m.to === waId);

function say(waId: string, text: string): Promise<TurnResult> {
  return deliver(stack, textMessagePayload({ phoneNumberId: DEMO_PHONE_NUMBER_ID, from: waId, text }));
}

async function customerId(waId: string): Promise<string> {
  return (await stack.database.db.customer.findFirstOrThrow({ where: { waId }, select: { id: true } })).id;
}

/** Every message was answered once: each led a turn that sent one reply, or rode on a later message's turn. */
function expectEachAnsweredOnce(results: TurnResult[], waId: string, workflowIds: string[]): void {
  const leads = new Set(workflowIds.filter((_, i) => results[i]!.outcome === 'replied'));
  for (const result of results) {
    expect(['replied', 'answered-with-later-message']).toContain(result.outcome);
    if (result.outcome === 'answered-with-later-message') expect(leads).toContain(result.answeredBy);
  }
  // One reply per turn, none repeated: a message answered twice would add a send.
  expect(sentTo(waId)).toHaveLength(leads.size);
}

test('a message arriving just as the run ends after its idle time is answered once, whenever it lands', async () => {
  // Sixteen customers, each writing a second time at a different moment around the end of the idle time.
  const delays = Array.from({ length: 16 }, (_, i) => IDLE_MS - 200 + i * 25);
  await Promise.all(
    delays.map(async (delay) => {
      const waId = newCustomer();
      expect((await say(waId, 'hi')).outcome).toBe('replied');
      await sleep(delay);
      expect((await say(waId, 'hello again')).outcome).toBe('replied');
      expect(sentTo(waId)).toHaveLength(2);
    }),
  );
});

test('messages arriving while the conversation continues as new are all answered, once, in one order', async () => {
  const waId = newCustomer();
  const wamids = Array.from({ length: 8 }, () => newWamid());
  const pending: Array<Promise<TurnResult>> = [];
  for (const [i, wamid] of wamids.entries()) {
    pending.push(
      deliver(
        stack,
        textMessagePayload({ phoneNumberId: DEMO_PHONE_NUMBER_ID, from: waId, text: `message ${i}`, wamid, timestamp: Math.floor(Date.now() / 1000) + i }),
      ),
    );
    await sleep(150 + (i % 3) * 120);
  }
  const results = await Promise.all(pending);
  expectEachAnsweredOnce(results, waId, wamids.map(messageWorkflowId));

  // Two turns per run: the conversation went through at least one continue-as-new.
  const history = await stack.temporal.workflow.getHandle(conversationWorkflowId(await customerId(waId))).fetchHistory();
  expect(history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId).toBeTruthy();
});

test('a hand-off signal repeated after its message was answered is not answered again', async () => {
  const waId = newCustomer();
  const wamid = newWamid();
  const result = await deliver(stack, textMessagePayload({ phoneNumberId: DEMO_PHONE_NUMBER_ID, from: waId, text: 'hi', wamid }));
  expect(result.outcome).toBe('replied');

  // What a retried enqueueInConversation does: signal-with-start with the same message.
  const id = await customerId(waId);
  const business = await stack.database.db.business.findUniqueOrThrow({ where: { id: stack.businessId } });
  const input: ConversationInput = {
    businessId: stack.businessId,
    customerId: id,
    phoneNumberId: DEMO_PHONE_NUMBER_ID,
    quietWindowMs: business.replyQuietWindowMs,
    maxWaitMs: business.replyMaxWaitMs,
    idleMs: IDLE_MS,
    turnsPerRun: 2,
  };
  const modelCallsBefore = stack.sandbox.openai.requests.length;
  const repeated: ArrivedMessage = { wamid, sentAtMs: Date.now(), handling: 'answer', messageWorkflowId: messageWorkflowId(wamid) };
  await stack.temporal.workflow.signalWithStart('conversation', {
    workflowId: conversationWorkflowId(id),
    taskQueue: stack.taskQueue,
    args: [input],
    signal: messageArrived,
    signalArgs: [repeated],
  });
  await sleep(business.replyMaxWaitMs + 1000);
  expect(sentTo(waId)).toHaveLength(1);
  expect(stack.sandbox.openai.requests).toHaveLength(modelCallsBefore);
});

test('a message workflow that stops waiting ends as turn-pending, and its message is still answered once', async () => {
  const waId = newCustomer();
  const wamid = newWamid();
  // The model takes longer than the message workflow is willing to wait.
  stack.sandbox.faults.inject({ endpoint: 'openai.chat', delayMs: 2_000 });
  const result = await runMessage(stack, inboundText(stack, 'hi', { wamid, customer: { waId }, turnWaitMs: 300 }));
  expect(result.outcome).toBe('turn-pending');
  expect(sentTo(waId)).toHaveLength(0);

  await until('the late reply', () => sentTo(waId).length > 0, 15_000);
  // The conversation was not broken by telling a closed workflow: it ends normally after its idle time.
  const conversation = stack.temporal.workflow.getHandle(conversationWorkflowId(await customerId(waId)));
  await until('the conversation to end', async () => (await conversation.describe()).status.name !== 'RUNNING', 15_000);
  expect((await conversation.describe()).status.name).toBe('COMPLETED');
  expect(sentTo(waId)).toHaveLength(1);
  expect(await stack.database.db.message.count({ where: { wamid } })).toBe(1);
});

test('a new message to a conversation that ended starts a new run that answers it', async () => {
  const waId = newCustomer();
  expect((await say(waId, 'hi')).outcome).toBe('replied');
  const id = await customerId(waId);
  await until(
    'the idle run to end',
    async () => (await stack.temporal.workflow.getHandle(conversationWorkflowId(id)).describe()).status.name === 'COMPLETED',
    10_000,
  );
  expect((await say(waId, `still there? ${randomUUID()}`)).outcome).toBe('replied');
  expect(sentTo(waId)).toHaveLength(2);
});
