// Bursts and order: a customer's messages are answered one turn at a time, in
// the order they were written, and a burst gets one answer; two customers
// never wait for each other.
import type { IntakeReport } from '../../src/api/intake';
import type { TurnResult } from '../../src/workflows/types';
import { newWamid, postSigned, textMessagePayload } from '../support/payloads';
import { DEMO_PHONE_NUMBER_ID, useStack, TEST_APP_SECRET } from '../support/stack';
import { messageResultOf } from '../support/deliver';

const stack = useStack();

beforeAll(async () => {
  await stack.database.db.business.update({ where: { id: stack.businessId }, data: { replyQuietWindowMs: 800, replyMaxWaitMs: 5000 } });
});

beforeEach(() => stack.sandbox.reset());

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Posts one text message as its own webhook and returns its workflow ID. */
async function say(from: string, text: string, sentAt: number): Promise<string> {
  const response = await postSigned(
    stack.webhookUrl,
    textMessagePayload({ phoneNumberId: DEMO_PHONE_NUMBER_ID, from, text, wamid: newWamid(), timestamp: sentAt }),
    TEST_APP_SECRET,
  );
  const [started] = ((await response.json()) as IntakeReport).messages;
  return started!.workflowId!;
}

const result = (workflowId: string): Promise<TurnResult> => messageResultOf(stack, workflowId);
const userTurns = (request: { messages: Array<{ role: string; content?: unknown }> }) =>
  request.messages.filter((m) => m.role === 'user').map((m) => m.content);

test("a three-message burst is answered once, with all of it in the model's context", async () => {
  const now = Math.floor(Date.now() / 1000);
  const ids: string[] = [];
  for (const [i, text] of ['hi', 'I need a haircut', 'tomorrow after 5?'].entries()) {
    ids.push(await say('34688000001', text, now + i));
    await pause(150);
  }
  const results = await Promise.all(ids.map(result));

  expect(stack.sandbox.openai.requests).toHaveLength(1);
  expect(userTurns(stack.sandbox.openai.requests[0]!)).toEqual(['hi', 'I need a haircut', 'tomorrow after 5?']);
  expect(stack.sandbox.graph.sent).toHaveLength(1);
  expect(results[2]).toMatchObject({ outcome: 'replied', sentMessageIds: [stack.sandbox.graph.sent[0]!.wamid] });
  for (const earlier of results.slice(0, 2)) expect(earlier).toMatchObject({ outcome: 'answered-with-later-message', answeredBy: ids[2] });
  // The latest message is the one marked read.
  expect(stack.sandbox.graph.readReceipts).toHaveLength(1);
});

test("two customers' bursts are answered in parallel, each once", async () => {
  const now = Math.floor(Date.now() / 1000);
  const ids = await Promise.all(
    ['34688000011', '34688000012'].map(async (from) => {
      const first = await say(from, `hello from ${from}`, now);
      await pause(100);
      const second = await say(from, `and a question from ${from}`, now + 1);
      return [first, second];
    }),
  );
  await Promise.all(ids.flat().map(result));

  expect(stack.sandbox.openai.requests).toHaveLength(2);
  for (const from of ['34688000011', '34688000012']) {
    expect(stack.sandbox.graph.sent.filter((m) => m.to === from)).toHaveLength(1);
    const request = stack.sandbox.openai.requests.find((r) => JSON.stringify(r.messages).includes(`hello from ${from}`))!;
    expect(userTurns(request)).toEqual([`hello from ${from}`, `and a question from ${from}`]);
  }
});

test('messages delivered out of order are read in the order the customer wrote them', async () => {
  const now = Math.floor(Date.now() / 1000);
  const second = await say('34688000021', 'second, written later', now + 5);
  await pause(100);
  const first = await say('34688000021', 'first, written earlier', now);
  await Promise.all([result(first), result(second)]);

  expect(stack.sandbox.openai.requests).toHaveLength(1);
  expect(userTurns(stack.sandbox.openai.requests[0]!)).toEqual(['first, written earlier', 'second, written later']);
  expect(await result(second)).toMatchObject({ outcome: 'replied' });
  expect(await result(first)).toMatchObject({ outcome: 'answered-with-later-message', answeredBy: second });
});

test('a message that arrives while a turn is running gets its own turn after it, never an overlapping one', async () => {
  const now = Math.floor(Date.now() / 1000);
  // The model takes its time on the first turn (a tool call, then the answer).
  stack.sandbox.openai.enqueue(
    { toolCalls: [{ name: 'list_my_appointments', arguments: {} }] },
    { content: 'You have none.' },
    { content: 'Sure, Friday works.' },
  );
  const first = await say('34688000031', 'do I have appointments?', now);
  // Wait until the first turn has really started (its first model call), whatever the machine's speed.
  while (stack.sandbox.openai.requests.length === 0) await pause(20);
  const second = await say('34688000031', 'and can I come Friday?', now + 2);
  const [a, b] = await Promise.all([result(first), result(second)]);

  expect(a).toMatchObject({ outcome: 'replied', replyText: 'You have none.' });
  expect(b).toMatchObject({ outcome: 'replied', replyText: 'Sure, Friday works.' });
  expect(stack.sandbox.graph.sent.map((m) => m.text)).toEqual(['You have none.', 'Sure, Friday works.']);
  // The second turn's model call saw the first turn's reply.
  expect(JSON.stringify(stack.sandbox.openai.requests[2]!.messages)).toContain('You have none.');
});
