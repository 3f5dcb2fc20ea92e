// The console's "Try it" chat on the real stack: an owner's message runs the
// same message and conversation workflows a webhook starts, with the business's
// saved prompt; the reply is shown in the console and never reaches WhatsApp;
// a test booking says so in the calendar and "Clear test data" removes it.
import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createSendingActivities } from '../../src/activities/sending';
import { messageWorkflowId } from '../../src/api/message-workflow-id';
import type { TryItView } from '../../src/db/test-customers';
import { SANDBOX_CALENDAR_ID } from '../../src/db/demo-business';
import { testCustomerBsuid, testMessageWamid } from '../../src/whatsapp/console-test';
import { createGraphClient } from '../../src/whatsapp/graph-client';
import type { WhatsAppSender } from '../../src/whatsapp/graph-client';
import type { TurnResult } from '../../src/workflows/types';
import { signedInUser, type ConsoleClient } from '../support/console-client';
import { DEMO_PHONE_NUMBER_ID, TEST_ACCESS_TOKEN, TEST_SECRETS, useStack } from '../support/stack';
import { until, upcomingWeekday } from '../support/waiting';
import { messageResultOf } from '../support/deliver';

const stack = useStack();
const db = () => stack.database.db;
const OTHER_PHONE_NUMBER_ID = '100000000000891';
let owner: ConsoleClient;
let ownerId: string;
let staff: ConsoleClient;
let otherOwner: ConsoleClient;
let otherBusinessId: string;

const tryIt = (businessId = stack.businessId) => `/admin/api/businesses/${businessId}/try-it`;

beforeAll(async () => {
  otherBusinessId = (await db().business.create({ data: { name: 'Other Salon', phoneNumberId: OTHER_PHONE_NUMBER_ID }, select: { id: true } })).id;
  owner = await signedInUser(stack, 'owner@example.com', 'owner', DEMO_PHONE_NUMBER_ID);
  ownerId = (await db().adminUser.findUniqueOrThrow({ where: { email: 'owner@example.com' } })).id;
  await db().adminUser.update({ where: { id: ownerId }, data: { name: 'Olga' } });
  staff = await signedInUser(stack, 'staff@example.com', 'staff', DEMO_PHONE_NUMBER_ID);
  otherOwner = await signedInUser(stack, 'other@example.com', 'owner', OTHER_PHONE_NUMBER_ID);
});

beforeEach(() => stack.sandbox.reset());

afterEach(async () => {
  expect((await owner.request('DELETE', tryIt())).status).toBe(200);
});

async function say(text: string, extra: Record<string, unknown> = {}, requestId = randomUUID()) {
  const response = await owner.request('POST', `${tryIt()}/messages`, { text, requestId, ...extra });
  expect(response.status).toBe(202);
  return requestId;
}

/** The chat once the bot has answered everything written so far. */
async function answered(bots: number): Promise<TryItView> {
  let view: TryItView | undefined;
  await until(`${bots} bot message(s) in the chat`, async () => {
    view = (await owner.request<{ tryIt: TryItView }>('GET', tryIt())).body.tryIt;
    return !view.awaitingReply && view.messages.filter((m) => m.from === 'bot').length >= bots;
  });
  return view!;
}

test('a message is answered by the real workflows with the saved prompt; nothing reaches WhatsApp', async () => {
  const prompt = { personality: 'Talk like a pirate and say Arr.', policies: 'No refunds.', language: 'en' };
  expect((await owner.request('PUT', `/admin/api/businesses/${stack.businessId}/prompt`, prompt)).status).toBe(200);
  stack.sandbox.openai.enqueue({ content: 'Arr! **Welcome** aboard.' });

  const requestId = await say('Hello there');
  const view = await answered(1);

  expect(view.customer).toEqual({ id: expect.any(String), name: 'Test: Olga' });
  expect(view.messages.map(({ from, text, requestId: r }) => ({ from, text, requestId: r }))).toEqual([
    { from: 'tester', text: 'Hello there', requestId },
    { from: 'bot', text: 'Arr! *Welcome* aboard.', requestId: undefined },
  ]);
  // The model got the saved prompt, through the same turn a customer's message gets.
  const [request] = stack.sandbox.openai.requests;
  expect(request!.messages[0]!.content).toContain('Talk like a pirate and say Arr.');
  expect(request!.messages.at(-1)).toMatchObject({ role: 'user', content: 'Hello there' });
  // Never sent, not even the read receipt.
  expect(stack.sandbox.graph.sent).toEqual([]);
  expect(stack.sandbox.graph.readReceipts).toEqual([]);

  const result: TurnResult = await messageResultOf(stack, messageWorkflowId(testMessageWamid(requestId)));
  expect(result).toMatchObject({ outcome: 'replied', sentMessageIds: [] });
  const customer = await db().customer.findUniqueOrThrow({ where: { id: view.customer!.id } });
  expect(customer).toMatchObject({ isTest: true, bsuid: testCustomerBsuid(ownerId), waId: null, businessId: stack.businessId });
  const reply = await db().message.findFirstOrThrow({ where: { customerId: customer.id, direction: 'OUTBOUND' } });
  expect(reply).toMatchObject({ status: 'SENT', wamid: null, sentAt: expect.any(Date), sendAttemptedAt: null });
});

test('a double submit is one message and one answer', async () => {
  stack.sandbox.openai.enqueue({ content: 'Hi once.' }, { content: 'Hi twice?' });
  const requestId = randomUUID();
  await Promise.all([say('Hi', {}, requestId), say('Hi', {}, requestId)]);
  await answered(1);
  await say('Hi', {}, requestId);

  const view = await answered(1);
  expect(view.messages.map((m) => m.text)).toEqual(['Hi', 'Hi once.']);
  expect(stack.sandbox.openai.requests).toHaveLength(1);
});

test('choices the bot offers come back as buttons, and a tap reaches the bot as a WhatsApp tap', async () => {
  const options = [
    { id: '2026-12-07T10:00', title: 'Mon 10:00', description: null },
    { id: '2026-12-07T11:00', title: 'Mon 11:00', description: null },
  ];
  stack.sandbox.openai.enqueue(
    { toolCalls: [{ name: 'present_options', arguments: { options } }] },
    { content: 'Which time?' },
    { content: 'Monday at 10:00 it is.' },
  );
  await say('A haircut on Monday');
  const offered = (await answered(1)).messages.at(-1)!;
  expect(offered).toMatchObject({ from: 'bot', text: 'Which time?', options: options.map(({ id, title }) => ({ id, title })) });

  await say('Mon 10:00', { choice: { id: '2026-12-07T10:00', title: 'Mon 10:00' } });
  const view = await answered(2);
  expect(view.messages.map((m) => m.text)).toEqual(['A haircut on Monday', 'Which time?', 'Mon 10:00', 'Monday at 10:00 it is.']);
  expect(stack.sandbox.openai.requests.at(-1)!.messages.at(-1)).toMatchObject({
    role: 'user',
    content: '[Tapped the option "Mon 10:00" (id 2026-12-07T10:00)]',
  });
  expect(stack.sandbox.graph.sent).toEqual([]);
});

test('a test booking is marked as a test in the calendar, and "Clear test data" cancels it and deletes the chat', async () => {
  const date = upcomingWeekday('tue');
  stack.sandbox.openai.enqueue(
    { toolCalls: [{ name: 'book_appointment', arguments: { service: 'Haircut', start: `${date}T10:30`, customer_name: 'Olga' } }] },
    { content: `Booked: *Haircut* on ${date} at 10:30.` },
  );
  await say(`Book a haircut on ${date} at 10:30, I'm Olga`);
  const view = await answered(1);

  expect(view.appointments).toEqual([{ id: expect.any(String), service: 'Haircut', startsAt: expect.any(String), status: 'BOOKED' }]);
  const [event] = stack.sandbox.calendar.liveEvents(SANDBOX_CALENDAR_ID);
  expect(event).toMatchObject({ summary: 'TEST – Haircut – Olga', description: expect.stringContaining('Test booking') });
  const customerId = view.customer!.id;

  const cleared = await owner.request('DELETE', tryIt());
  expect(cleared).toMatchObject({ status: 200, body: { cleared: { appointments: 1, messages: 2 } } });
  expect(stack.sandbox.calendar.liveEvents(SANDBOX_CALENDAR_ID)).toEqual([]);
  expect(await db().customer.count({ where: { id: customerId } })).toBe(0);
  expect(await db().message.count({ where: { customerId } })).toBe(0);
  expect(await db().appointment.count({ where: { customerId } })).toBe(0);
  expect((await owner.request<{ tryIt: TryItView }>('GET', tryIt())).body.tryIt).toEqual({
    customer: null,
    messages: [],
    appointments: [],
    awaitingReply: false,
  });
  expect(stack.sandbox.graph.sent).toEqual([]);

  // The chat starts afresh, as a test customer again.
  stack.sandbox.openai.enqueue({ content: 'Hello again.' });
  await say('Hello?');
  const again = await answered(1);
  expect(again.customer!.id).not.toBe(customerId);
  expect(await db().customer.findUniqueOrThrow({ where: { id: again.customer!.id } })).toMatchObject({ isTest: true });
});

test('the send step never calls WhatsApp for a test customer, and a retried step records each part once', async () => {
  const neverCalled = (): never => {
    throw new Error('WhatsApp was called for a test customer');
  };
  const whatsapp: WhatsAppSender = { sendText: neverCalled, sendInteractive: neverCalled, markReadWithTyping: neverCalled };
  const sending = createSendingActivities({ db: db(), whatsapp, secrets: TEST_SECRETS });
  // However the reply comes (the bot, a person, an owner's change), the customer's row decides.
  const customer = await db().customer.create({ data: { businessId: stack.businessId, bsuid: testCustomerBsuid(randomUUID()), isTest: true } });
  const step = {
    businessId: stack.businessId,
    customerId: customer.id,
    phoneNumberId: DEMO_PHONE_NUMBER_ID,
    text: 'x'.repeat(5000),
    replyKey: `wf-${randomUUID()}`,
    workflowId: 'wf',
    runId: 'run',
  };
  const env = new MockActivityEnvironment();
  const first = await env.run(sending.sendReply, step);
  const retry = await env.run(sending.sendReply, step);

  expect(first).toMatchObject({ wamids: [], sentText: expect.any(String) });
  expect(retry).toEqual(first);
  const rows = await db().message.findMany({ where: { customerId: customer.id }, orderBy: { outboundKey: 'asc' } });
  expect(rows.map((r) => ({ key: r.outboundKey, status: r.status, wamid: r.wamid }))).toEqual([
    { key: `${step.replyKey}:reply:0`, status: 'SENT', wamid: null },
    { key: `${step.replyKey}:reply:1`, status: 'SENT', wamid: null },
  ]);
  await env.run(sending.markReadWithTyping, { phoneNumberId: DEMO_PHONE_NUMBER_ID, wamid: testMessageWamid(randomUUID()) });

  // A real customer's reply still goes out: the rule is the row's, not the caller's.
  const real = await db().customer.create({ data: { businessId: stack.businessId, waId: '34611000991' } });
  const graph = createGraphClient({ baseUrl: stack.sandbox.url, version: 'v23.0', accessToken: TEST_ACCESS_TOKEN });
  const realStep = { ...step, customerId: real.id, text: 'Hi', replyKey: `wf-${randomUUID()}` };
  const sent = (await env.run(createSendingActivities({ db: db(), whatsapp: graph, secrets: TEST_SECRETS }).sendReply, realStep)) as { wamids: string[] };
  expect(sent.wamids).toHaveLength(1);
  expect(stack.sandbox.graph.sent.map((m) => m.to)).toEqual(['34611000991']);
});

test('staff and owners of another business may not try it or clear it; a bad message is named', async () => {
  const body = { text: 'Hi', requestId: randomUUID() };
  expect((await staff.request('POST', `${tryIt()}/messages`, body)).status).toBe(403);
  expect((await staff.request('GET', tryIt())).status).toBe(403);
  expect((await staff.request('DELETE', tryIt())).status).toBe(403);
  expect((await otherOwner.request('POST', `${tryIt()}/messages`, body)).status).toBe(403);
  expect((await otherOwner.request('GET', tryIt())).status).toBe(403);
  expect((await otherOwner.request('DELETE', tryIt())).status).toBe(403);
  expect((await owner.request('GET', tryIt(otherBusinessId))).status).toBe(403);

  const bad = await owner.request('POST', `${tryIt()}/messages`, { text: '   ', requestId: 'not-a-uuid' });
  expect(bad).toMatchObject({ status: 400, body: { fields: { text: 'Write a message.', requestId: 'Not a request ID.' } } });
  expect(await db().message.count({ where: { wamid: testMessageWamid(body.requestId) } })).toBe(0);
});
