// The edges of a conversation workflow's life, on the real Temporal dev server
// with short windows (Temporal's time-skipping test server is a separate
// download that cannot be fetched here): a message arriving as the run ends
// after its idle time, messages arriving while it continues as new, a repeated
// hand-off signal, and a message's result read while and after its turn runs.
// In every case each message is answered exactly once.
import { randomUUID } from 'node:crypto';
import { conversationWorkflowId } from '../../src/workflows/conversation-id';
import type { ConversationInput } from '../../src/workflows/conversation';
import { messageWorkflowId } from '../../src/api/message-workflow-id';
import { messageArrived, type ArrivedMessage } from '../../src/workflows/signals';
import type { MessageIntake, TurnResult } from '../../src/workflows/types';
import { messageResult } from '../../src/db/message-results';
import { deliver, inboundText, messageResultOf, startMessage } from '../support/deliver';
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

  // What a retried admitMessage does: signal-with-start with the same message.
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

test("a message's workflow ends once the message is handed on, before its turn; the database then tells what became of it", async () => {
  const waId = newCustomer();
  const wamid = newWamid();
  // The model takes its time: the message's workflow does not wait for it.
  stack.sandbox.faults.inject({ endpoint: 'openai.chat', delayMs: 2_000 });
  const handle = await startMessage(stack, inboundText(stack, 'hi', { wamid, customer: { waId } }));
  const intake = (await handle.result()) as MessageIntake;
  expect(intake).toEqual({ outcome: 'enqueued', conversation: { workflowId: conversationWorkflowId(await customerId(waId)), runId: expect.any(String) } });
  expect(sentTo(waId)).toHaveLength(0);
  expect(await messageResult(stack.database.db, handle.workflowId)).toBeUndefined();

  const result = await messageResultOf(stack, handle.workflowId);
  expect(result).toMatchObject({ outcome: 'replied', modelCalls: 1, sentMessageIds: [sentTo(waId)[0]!.wamid] });
  expect(result.replyText).toBe(sentTo(waId)[0]!.text);
  expect(await stack.database.db.message.findUniqueOrThrow({ where: { wamid } })).toMatchObject({ turnKey: `turn-${handle.workflowId}`, heldForPerson: false });
  expect(sentTo(waId)).toHaveLength(1);
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
