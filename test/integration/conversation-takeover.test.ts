// A person from the team taking a conversation over from the bot, on the real
// Temporal dev server through the console's API: messages held while a person
// has it, a takeover racing a turn, handing back while a burst waits, the
// person's replies going out through the bot's own send step, the automatic
// hand-back, "needs a person", the Turn records, and who may do any of it.
import { randomUUID } from 'node:crypto';
import type { ConsoleClient } from '../support/console-client';
import { signedInUser } from '../support/console-client';
import { inboundText, startMessage, messageResultOf } from '../support/deliver';
import { DEMO_PHONE_NUMBER_ID, useStack, type Stack } from '../support/stack';
import { until } from '../support/waiting';
import { conversationWorkflowId } from '../../src/workflows/conversation-id';
import { controlState } from '../../src/workflows/control';
import type { TurnResult } from '../../src/workflows/types';

jest.setTimeout(120_000);

const API = '/admin/api';
const OTHER_PHONE_NUMBER_ID = '100000000000880';

const newCustomer = () => `3468${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The customer writes; resolves with what their message's workflow ended with. */
async function say(stack: Stack, waId: string, text: string): Promise<TurnResult> {
  const handle = await startMessage(stack, inboundText(stack, text, { customer: { waId } }));
  return messageResultOf(stack, handle.workflowId);
}

const sentTo = (stack: Stack, waId: string) => stack.sandbox.graph.sent.filter((m) => m.to === waId).map((m) => m.text);

async function customerOf(stack: Stack, waId: string) {
  return stack.database.db.customer.findFirstOrThrow({ where: { waId } });
}

function conversationPath(stack: Stack, customerId: string, action: string, businessId = stack.businessId): string {
  return `${API}/businesses/${businessId}/conversations/${customerId}/${action}`;
}

describe('with the business hand-back time', () => {
  const stack = useStack();
  let staff: ConsoleClient;
  let owner: ConsoleClient;
  let ownerB: ConsoleClient;
  let staffId: string;

  beforeAll(async () => {
    await stack.database.db.business.create({ data: { name: 'Other Salon', phoneNumberId: OTHER_PHONE_NUMBER_ID } });
    staff = await signedInUser(stack, 'staff@example.com', 'staff', DEMO_PHONE_NUMBER_ID);
    owner = await signedInUser(stack, 'owner@example.com', 'owner', DEMO_PHONE_NUMBER_ID);
    ownerB = await signedInUser(stack, 'ownerb@example.com', 'owner', OTHER_PHONE_NUMBER_ID);
    staffId = (await stack.database.db.adminUser.findUniqueOrThrow({ where: { email: 'staff@example.com' } })).id;
    await stack.database.db.adminUser.update({ where: { id: staffId }, data: { name: 'Sam' } });
  });

  afterEach(() => {
    stack.sandbox.faults.reset();
  });

  const takeOver = (client: ConsoleClient, customerId: string) => client.request('POST', conversationPath(stack, customerId, 'take-over'));
  const handBack = (client: ConsoleClient, customerId: string) => client.request('POST', conversationPath(stack, customerId, 'hand-back'));
  const reply = (client: ConsoleClient, customerId: string, text: string, requestId: string = randomUUID()) =>
    client.request('POST', conversationPath(stack, customerId, 'replies'), { text, requestId });

  test('a message arriving while a person has the conversation is recorded and held: no bot reply, no model call', async () => {
    const waId = newCustomer();
    expect((await say(stack, waId, 'hi')).outcome).toBe('replied');
    const customer = await customerOf(stack, waId);

    const taken = await takeOver(staff, customer.id);
    expect(taken.status).toBe(200);
    expect(taken.body.conversation).toMatchObject({ customerId: customer.id, control: { by: 'person', userId: staffId, name: 'Sam' }, needsPerson: null });
    const row = await customerOf(stack, waId);
    expect(row.takenOverById).toBe(staffId);
    expect(row.takenOverAt).not.toBeNull();

    const modelCalls = stack.sandbox.openai.requests.length;
    const held = await say(stack, waId, 'are you still there?');
    expect(held.outcome).toBe('held-for-person');
    expect(stack.sandbox.openai.requests).toHaveLength(modelCalls);
    expect(sentTo(stack, waId)).toHaveLength(1);
    expect(await stack.database.db.message.count({ where: { customerId: customer.id, direction: 'INBOUND' } })).toBe(2);
  });

  test("a person's reply goes out through the bot's send step, split when long, once per request ID, and the model sees it later", async () => {
    const waId = newCustomer();
    expect((await say(stack, waId, 'hi')).outcome).toBe('replied');
    const customer = await customerOf(stack, waId);
    expect((await takeOver(staff, customer.id)).status).toBe(200);

    const requestId = randomUUID();
    const [first, second] = await Promise.all([
      reply(staff, customer.id, 'Hello, this is **Sam** from the salon.', requestId),
      reply(staff, customer.id, 'Hello, this is **Sam** from the salon.', requestId),
    ]);
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(first.body.message).toMatchObject({ text: 'Hello, this is *Sam* from the salon.', status: 'sent' });
    expect(second.body.message).toEqual(first.body.message);
    expect(sentTo(stack, waId).filter((text) => text?.includes('Sam'))).toEqual(['Hello, this is *Sam* from the salon.']);
    const recorded = await stack.database.db.message.findUniqueOrThrow({ where: { id: String((first.body.message as { id: string }).id) } });
    expect(recorded.sentByUserId).toBe(staffId);

    const long = `${'All our stylists are booked this week, but here is what we can do. '.repeat(70)}`;
    expect((await reply(staff, customer.id, long)).status).toBe(201);
    expect(sentTo(stack, waId)).toHaveLength(4); // the bot's reply, Sam's, and the long one in two parts

    expect((await handBack(owner, customer.id)).status).toBe(200);
    const before = stack.sandbox.openai.requests.length;
    expect((await say(stack, waId, 'thanks! can I book?')).outcome).toBe('replied');
    const seen = stack.sandbox.openai.requests[before]!.messages;
    expect(seen).toContainEqual(expect.objectContaining({ role: 'assistant', content: 'Hello, this is *Sam* from the salon.' }));
  });

  test("a takeover during a turn lets that turn's reply go out and holds the next message", async () => {
    const waId = newCustomer();
    const modelCalls = stack.sandbox.openai.requests.length;
    stack.sandbox.openai.enqueue({ content: 'We have 10:00 and 12:00 free tomorrow.' });
    stack.sandbox.faults.inject({ endpoint: 'openai.chat', delayMs: 1_500 });
    const answering = say(stack, waId, 'what times are free tomorrow?');
    await until('the turn to reach the model', () => stack.sandbox.openai.requests.length > modelCalls);
    const customer = await customerOf(stack, waId);
    expect((await takeOver(staff, customer.id)).status).toBe(200);
    const next = say(stack, waId, 'hello?');

    expect((await answering).outcome).toBe('replied');
    expect((await next).outcome).toBe('held-for-person');
    expect(sentTo(stack, waId)).toHaveLength(1);
    expect(stack.sandbox.openai.requests).toHaveLength(modelCalls + 1);
  });

  test('handing back while a burst waits: the bot answers what came after the last reply once, as one turn', async () => {
    const waId = newCustomer();
    expect((await say(stack, waId, 'hi')).outcome).toBe('replied');
    const customer = await customerOf(stack, waId);
    expect((await takeOver(staff, customer.id)).status).toBe(200);
    expect((await say(stack, waId, 'answered by the person')).outcome).toBe('held-for-person');
    expect((await reply(staff, customer.id, 'I will pass you back to our assistant.')).status).toBe(201);
    for (const text of ['one more thing', 'I need a haircut', 'what is free tomorrow?']) expect((await say(stack, waId, text)).outcome).toBe('held-for-person');

    const modelCalls = stack.sandbox.openai.requests.length;
    const sent = sentTo(stack, waId).length;
    const back = await handBack(staff, customer.id);
    expect(back.status).toBe(200);
    expect(back.body.conversation).toMatchObject({ control: { by: 'bot' } });
    await until('the bot to answer the burst', () => sentTo(stack, waId).length > sent);
    await sleep(1_500);
    expect(sentTo(stack, waId)).toHaveLength(sent + 1);
    // One turn: the first model call of it saw the whole burst after the person's reply.
    const request = stack.sandbox.openai.requests[modelCalls]!.messages.map((m) => m.content);
    expect(request.slice(-4)).toEqual(['I will pass you back to our assistant.', 'one more thing', 'I need a haircut', 'what is free tomorrow?']);
    expect(await stack.database.db.customer.findUniqueOrThrow({ where: { id: customer.id } })).toMatchObject({ takenOverById: null, takenOverAt: null });
  });

  test('if the person replied last, handing back waits for the next message', async () => {
    const waId = newCustomer();
    expect((await say(stack, waId, 'hi')).outcome).toBe('replied');
    const customer = await customerOf(stack, waId);
    expect((await takeOver(staff, customer.id)).status).toBe(200);
    expect((await say(stack, waId, 'can a person help me?')).outcome).toBe('held-for-person');
    expect((await reply(staff, customer.id, 'Sure, done!')).status).toBe(201);
    const modelCalls = stack.sandbox.openai.requests.length;
    expect((await handBack(staff, customer.id)).status).toBe(200);
    await sleep(1_500);
    expect(stack.sandbox.openai.requests).toHaveLength(modelCalls);
    expect((await say(stack, waId, 'one more question')).outcome).toBe('replied');
  });

  test('asking for a person (offline model) flags the conversation, and the customer is told a person will reply here', async () => {
    const waId = newCustomer();
    const result = await say(stack, waId, 'I want to talk to a person please');
    expect(result.outcome).toBe('replied');
    expect(result.needsPerson).toMatch(/^Asked for a person: /);
    expect(result.replyText).toMatch(/a person from the team will reply/);
    const customer = await customerOf(stack, waId);
    expect(customer.needsPersonReason).toMatch(/^Asked for a person: I want to talk to a person/);
    expect(customer.needsPersonAt).not.toBeNull();

    // A takeover clears it.
    const taken = await takeOver(owner, customer.id);
    expect(taken.body.conversation).toMatchObject({ needsPerson: null });
    expect(await customerOf(stack, waId)).toMatchObject({ needsPersonReason: null, needsPersonAt: null });

    const turn = await stack.database.db.turn.findFirstOrThrow({ where: { customerId: customer.id } });
    expect(turn.toolCalls).toEqual([{ name: 'ask_for_a_person', arguments: expect.stringContaining('talk to a person') }]);
  });

  test('a scripted ask_for_a_person call and a model failure both flag the conversation; turns are recorded once each', async () => {
    const waId = newCustomer();
    stack.sandbox.openai.enqueue(
      { toolCalls: [{ name: 'ask_for_a_person', arguments: { reason: 'wants a call about a refund' } }] },
      { content: 'Someone will reply here.' },
    );
    const asked = await say(stack, waId, 'refund please');
    expect(asked.needsPerson).toBe('Asked for a person: wants a call about a refund');
    const customer = await customerOf(stack, waId);
    expect(customer.needsPersonReason).toBe('Asked for a person: wants a call about a refund');

    const other = newCustomer();
    stack.sandbox.openai.enqueue({ error: { status: 400, message: 'bad request', type: 'invalid_request_error' } });
    const failed = await say(stack, other, 'hello');
    expect(failed.outcome).toBe('model-failed');
    const flagged = await customerOf(stack, other);
    expect(flagged.needsPersonReason).toMatch(/could not answer \(model-failed\)/);

    const turns = await stack.database.db.turn.findMany({ where: { customerId: { in: [customer.id, flagged.id] } }, orderBy: { createdAt: 'asc' } });
    expect(turns.map((t) => [t.outcome, t.modelCalls])).toEqual([
      ['replied', 2],
      ['model-failed', 1],
    ]);
    expect(turns[0]!.toolCalls).toEqual([{ name: 'ask_for_a_person', arguments: JSON.stringify({ reason: 'wants a call about a refund' }) }]);
    expect(turns[0]!.workflowId).toBe(conversationWorkflowId(customer.id));
    expect(turns[1]!.error).toMatch(/bad request/);
  });

  test('a message outside opening hours flags the conversation only when the business chose so', async () => {
    const db = stack.database.db;
    const { openingHours } = await db.business.findUniqueOrThrow({ where: { id: stack.businessId } });
    try {
      // Closed every day: every message is outside the hours.
      await db.business.update({ where: { id: stack.businessId }, data: { openingHours: {}, flagOutsideHours: false } });
      const quiet = newCustomer();
      expect((await say(stack, quiet, 'hi')).needsPerson).toBeUndefined();
      expect((await customerOf(stack, quiet)).needsPersonReason).toBeNull();

      await db.business.update({ where: { id: stack.businessId }, data: { flagOutsideHours: true } });
      const late = newCustomer();
      expect((await say(stack, late, 'hi')).needsPerson).toBe('Wrote outside opening hours.');
      expect((await customerOf(stack, late)).needsPersonReason).toBe('Wrote outside opening hours.');
    } finally {
      await db.business.update({ where: { id: stack.businessId }, data: { openingHours: openingHours as object, flagOutsideHours: false } });
    }
  });

  test("who may take over, hand back and reply: the business's staff and owners; refusals in sentences", async () => {
    const waId = newCustomer();
    expect((await say(stack, waId, 'hi')).outcome).toBe('replied');
    const customer = await customerOf(stack, waId);
    const otherBusiness = (await stack.database.db.business.findUniqueOrThrow({ where: { phoneNumberId: OTHER_PHONE_NUMBER_ID } })).id;

    // The bot has it: replying and handing back are refused.
    expect(await reply(staff, customer.id, 'hello')).toMatchObject({ status: 409, body: { error: 'Take over the conversation before replying.' } });
    expect(await handBack(staff, customer.id)).toMatchObject({ status: 409, body: { error: 'The bot already has this conversation.' } });
    expect(await reply(staff, customer.id, '   ')).toMatchObject({ status: 400, body: { fields: { text: 'Write a reply first.' } } });

    // Another business's owner: refused whether through A's URL or their own.
    expect((await takeOver(ownerB, customer.id)).status).toBe(403);
    expect((await ownerB.request('POST', conversationPath(stack, customer.id, 'take-over', otherBusiness))).status).toBe(404);
    // No session.
    const { ConsoleClient } = await import('../support/console-client');
    expect((await ConsoleClient.for(stack).request('POST', conversationPath(stack, customer.id, 'take-over'))).status).toBe(401);

    expect((await takeOver(staff, customer.id)).status).toBe(200);
    expect((await takeOver(staff, customer.id)).status).toBe(200); // the same person again is fine
    expect(await takeOver(owner, customer.id)).toMatchObject({ status: 409, body: { error: 'Sam is already handling this conversation.' } });
    expect(await reply(owner, customer.id, 'hi')).toMatchObject({ status: 409, body: { error: 'Sam is already handling this conversation.' } });
    // Anyone of the business may hand it back (the person who took it may have gone home).
    expect((await handBack(owner, customer.id)).status).toBe(200);

    const state = await stack.temporal.workflow.getHandle(conversationWorkflowId(customer.id)).query(controlState);
    expect(state.control).toEqual({ by: 'bot' });
  });

  test('a takeover starts the conversation when no run is open', async () => {
    const waId = newCustomer();
    expect((await say(stack, waId, 'hi')).outcome).toBe('replied');
    const customer = await customerOf(stack, waId);
    await stack.temporal.workflow.getHandle(conversationWorkflowId(customer.id)).terminate('the conversation ended hours ago');
    const taken = await takeOver(staff, customer.id);
    expect(taken.status).toBe(200);
    expect((await say(stack, waId, 'anyone?')).outcome).toBe('held-for-person');
  });
});

describe('with a short hand-back time', () => {
  const stack = useStack({ conversationTiming: { handBackAfterMs: 2_000 } });

  test('a takeover with no activity hands back by itself, and the bot answers what waited', async () => {
    const staff = await signedInUser(stack, 'staff2@example.com', 'staff', DEMO_PHONE_NUMBER_ID);
    const waId = newCustomer();
    expect((await say(stack, waId, 'hi')).outcome).toBe('replied');
    const customer = await customerOf(stack, waId);
    expect((await staff.request('POST', conversationPath(stack, customer.id, 'take-over'))).status).toBe(200);
    expect((await say(stack, waId, 'hello?')).outcome).toBe('held-for-person');
    await until('the automatic hand-back', async () => (await customerOf(stack, waId)).takenOverById === null, 15_000);
    await until('the bot to answer what waited', () => sentTo(stack, waId).length === 2, 15_000);
    expect((await say(stack, waId, 'thanks')).outcome).toBe('replied');
  });
});
