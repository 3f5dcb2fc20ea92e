// The conversations inbox through the console API: conversations ordered by
// their last message, unread counts and marking read, search by name, number
// and text, paging, and one conversation's timeline with delivery statuses (a
// failed send with Meta's reason), a person's reply and the turns with their
// tools, effects and Temporal link; and who may read which business's.
import { randomUUID } from 'node:crypto';
import type { ConversationSummary, ConversationView, InboxPage, TimelineMessage, TimelineTurn } from '../../src/db/inbox';
import { ConsoleClient, signedInUser } from '../support/console-client';
import { deliver } from '../support/deliver';
import { postSigned, statusPayload, textMessagePayload } from '../support/payloads';
import { DEMO_PHONE_NUMBER_ID, TEST_APP_SECRET, useStack } from '../support/stack';

const stack = useStack();
const db = () => stack.database.db;
const OTHER_PHONE_NUMBER_ID = '100000000000812';
let admin: ConsoleClient;
let staffA: ConsoleClient;
let ownerB: ConsoleClient;
let businessB: string;
let counter = 0;

beforeAll(async () => {
  businessB = (await db().business.create({ data: { name: 'Other Salon', phoneNumberId: OTHER_PHONE_NUMBER_ID }, select: { id: true } })).id;
  admin = await signedInUser(stack, 'admin@example.com', 'platform-admin');
  staffA = await signedInUser(stack, 'staffa@example.com', 'staff', DEMO_PHONE_NUMBER_ID);
  ownerB = await signedInUser(stack, 'ownerb@example.com', 'owner', OTHER_PHONE_NUMBER_ID);
});

const inbox = (businessId: string, query = '') => `/admin/api/businesses/${businessId}/conversations${query}`;

/** A business of its own per test, so each test's list holds only what it wrote. */
async function newBusiness(): Promise<string> {
  const phoneNumberId = String(100000000200000 + ++counter);
  return (await db().business.create({ data: { name: `Inbox ${counter}`, phoneNumberId }, select: { id: true } })).id;
}

async function customer(businessId: string, data: { name?: string; waId?: string; bsuid?: string; isTest?: boolean; mergedIntoId?: string } = {}) {
  const row = await db().customer.create({
    data: {
      businessId,
      profileName: data.name,
      waId: data.waId ?? (data.bsuid ? undefined : `34600${++counter}`),
      bsuid: data.bsuid,
      isTest: data.isTest ?? false,
      mergedIntoId: data.mergedIntoId,
    },
    select: { id: true },
  });
  return row.id;
}

/** A message written at a given second of the test's own clock, so the order is the test's and not the machine's. */
async function message(businessId: string, customerId: string, second: number, text: string, direction: 'INBOUND' | 'OUTBOUND' = 'INBOUND') {
  await db().message.create({
    data: {
      businessId,
      customerId,
      direction,
      role: direction === 'INBOUND' ? 'USER' : 'ASSISTANT',
      text,
      status: direction === 'INBOUND' ? 'RECEIVED' : 'SENT',
      createdAt: new Date(Date.UTC(2026, 10, 1, 10, 0, second)),
    },
  });
}

async function list(businessId: string, query = ''): Promise<InboxPage> {
  const response = await admin.request<InboxPage>('GET', inbox(businessId, query));
  expect(response.status).toBe(200);
  return response.body;
}

const byName = (page: InboxPage) => page.conversations.map((c) => c.name);

test('conversations come newest first with their last message, unread counts, who has them and why a person is needed', async () => {
  const businessId = await newBusiness();
  const ana = await customer(businessId, { name: 'Ana', waId: '34611000001' });
  const bruno = await customer(businessId, { name: 'Bruno', bsuid: 'ES.bruno-bsuid' });
  const carla = await customer(businessId, { name: 'Carla' });
  const tess = await customer(businessId, { name: 'Tess', isTest: true });
  const merged = await customer(businessId, { name: 'Ana again', mergedIntoId: ana });
  await message(businessId, ana, 1, 'Hi, is Saturday open?');
  await message(businessId, ana, 2, 'Yes, from 10 to 14.', 'OUTBOUND');
  await message(businessId, bruno, 3, 'Hello');
  await message(businessId, bruno, 4, 'Anyone there?');
  await message(businessId, carla, 5, `I want to talk to a person ${'please '.repeat(40)}`);
  await message(businessId, tess, 6, 'Testing the bot');
  await message(businessId, merged, 7, 'Written before the merge was seen');
  const person = await db().adminUser.findUniqueOrThrow({ where: { email: 'staffa@example.com' } });
  await db().adminUser.update({ where: { id: person.id }, data: { name: 'Sam Staff' } });
  const takenAt = new Date(Date.UTC(2026, 10, 1, 10, 1));
  await db().customer.update({
    where: { id: carla },
    data: { needsPersonReason: 'The customer asked for a person.', needsPersonAt: takenAt, takenOverById: person.id, takenOverAt: takenAt },
  });

  const page = await list(businessId);
  expect(byName(page)).toEqual(['Carla', 'Bruno', 'Ana']);
  expect(page.next).toBeNull();
  const [c, b, a] = page.conversations as [ConversationSummary, ConversationSummary, ConversationSummary];
  expect(a).toMatchObject({
    customerId: ana,
    waId: '34611000001',
    bsuid: null,
    isTest: false,
    unread: 1,
    control: { by: 'bot' },
    needsPerson: null,
    lastMessage: { text: 'Yes, from 10 to 14.', direction: 'outbound', type: 'text', at: '2026-11-01T10:00:02.000Z' },
  });
  // Without a phone number the business-scoped ID is what identifies the customer.
  expect(b).toMatchObject({ waId: null, bsuid: 'ES.bruno-bsuid', unread: 2, lastMessage: { text: 'Anyone there?', direction: 'inbound' } });
  expect(c).toMatchObject({
    unread: 1,
    control: { by: 'person', userId: person.id, name: 'Sam Staff', since: takenAt.toISOString() },
    needsPerson: { reason: 'The customer asked for a person.', since: takenAt.toISOString() },
  });
  // A long message is previewed, not sent whole.
  expect(c.lastMessage.text.length).toBeLessThanOrEqual(120);
  expect(c.lastMessage.text).toMatch(/^I want to talk to a person please .*…$/);

  // The "Try it" chat's test customers are shown only when asked for.
  expect(byName(await list(businessId, '?tests=include'))).toEqual(['Tess', 'Carla', 'Bruno', 'Ana']);
  expect((await list(businessId, '?tests=include')).conversations[0]).toMatchObject({ isTest: true });
});

test('reading a conversation clears its unread count until the customer writes again', async () => {
  const businessId = await newBusiness();
  const ana = await customer(businessId, { name: 'Ana' });
  await message(businessId, ana, 1, 'one');
  await message(businessId, ana, 2, 'two');
  const unread = async () => (await list(businessId)).conversations[0]!.unread;
  expect(await unread()).toBe(2);

  // Read up to the first message only (what the page had shown): the second stays unread.
  const staff = await staffOf(businessId);
  const read = (upTo?: string) => staff.request('POST', `${inbox(businessId)}/${ana}/read`, upTo ? { upTo } : {});
  expect((await read('2026-11-01T10:00:01.000Z')).status).toBe(204);
  expect(await unread()).toBe(1);
  expect((await read()).status).toBe(204);
  expect(await unread()).toBe(0);
  // An older mark never moves the read mark back.
  expect((await read('2026-11-01T10:00:00.000Z')).status).toBe(204);
  expect(await unread()).toBe(0);
  await db().message.create({ data: { businessId, customerId: ana, direction: 'INBOUND', role: 'USER', text: 'three', status: 'RECEIVED' } });
  expect(await unread()).toBe(1);
});

/** A new staff member of this business, signed in. */
async function staffOf(businessId: string): Promise<ConsoleClient> {
  const { phoneNumberId } = await db().business.findUniqueOrThrow({ where: { id: businessId } });
  return signedInUser(stack, `staff-${phoneNumberId}@example.com`, 'staff', phoneNumberId);
}

test('search finds a conversation by name, by number however it is typed, and by the text of any message', async () => {
  const businessId = await newBusiness();
  const ana = await customer(businessId, { name: 'Ana Ruiz', waId: '34611223344' });
  const bruno = await customer(businessId, { name: 'Bruno', waId: '34699887766' });
  const carla = await customer(businessId, { name: 'Carla_100%', waId: '34655443322' });
  await message(businessId, ana, 1, 'Do you do beard trims?');
  await message(businessId, ana, 2, 'Yes we do.', 'OUTBOUND');
  await message(businessId, bruno, 3, 'Can I book a HAIRCUT for Friday?');
  await message(businessId, carla, 4, 'Hello');

  const search = async (term: string) => byName(await list(businessId, `?search=${encodeURIComponent(term)}`));
  expect(await search('ana ruiz')).toEqual(['Ana Ruiz']);
  expect(await search('+34 611-22')).toEqual(['Ana Ruiz']);
  expect(await search('99887766')).toEqual(['Bruno']);
  expect(await search('haircut')).toEqual(['Bruno']);
  // An older message counts as much as the last one.
  expect(await search('BEARD')).toEqual(['Ana Ruiz']);
  // LIKE's wildcards are letters to look for, not patterns.
  expect(await search('100%')).toEqual(['Carla_100%']);
  expect(await search('_')).toEqual(['Carla_100%']);
  expect(await search('nobody by this name')).toEqual([]);
  expect(await search('  ')).toEqual(['Carla_100%', 'Bruno', 'Ana Ruiz']);
});

test('the list comes 50 at a time, and a page after the first neither repeats nor skips a conversation', async () => {
  const businessId = await newBusiness();
  for (let i = 0; i < 53; i++) {
    const id = await customer(businessId, { name: `Customer ${String(i).padStart(2, '0')}` });
    // Two customers share each second: the cursor must tell them apart.
    await message(businessId, id, Math.floor(i / 2), `message ${i}`);
  }
  const first = await list(businessId);
  expect(first.conversations).toHaveLength(50);
  expect(first.next).toEqual(expect.any(String));
  const second = await list(businessId, `?before=${encodeURIComponent(first.next!)}`);
  expect(second.next).toBeNull();
  const names = [...byName(first), ...byName(second)];
  expect(new Set(names).size).toBe(53);
  expect((await admin.request('GET', inbox(businessId, '?before=yesterday'))).status).toBe(400);
});

test('a conversation shows every message with its delivery status (a failure with its reason), replies by a person, and turns with their tools, effects and workflow', async () => {
  const waId = '34622000001';
  const say = (text: string) => deliver(stack, textMessagePayload({ phoneNumberId: DEMO_PHONE_NUMBER_ID, from: waId, text, name: 'Dora' }));
  expect((await say('Hello!')).outcome).toBe('replied');
  expect((await say('Are you open on Saturday?')).outcome).toBe('replied');
  const replies = stack.sandbox.graph.sent.filter((m) => m.to === waId);
  expect(replies).toHaveLength(2);
  const [delivered, failed] = [replies[0]!, replies[1]!];
  const now = Math.floor(Date.now() / 1000);
  const statuses = statusPayload(
    DEMO_PHONE_NUMBER_ID,
    { wamid: delivered.wamid, status: 'delivered', timestamp: now },
    { wamid: delivered.wamid, status: 'read', timestamp: now + 1 },
    { wamid: failed.wamid, status: 'failed', timestamp: now, errors: [{ code: 131047, title: 'Re-engagement message' }] },
  );
  expect((await postSigned(stack.webhookUrl, statuses, TEST_APP_SECRET)).status).toBe(200);

  const dora = await db().customer.findFirstOrThrow({ where: { businessId: stack.businessId, waId }, select: { id: true } });
  const person = await db().adminUser.findUniqueOrThrow({ where: { email: 'staffa@example.com' } });
  await db().message.create({
    data: {
      businessId: stack.businessId,
      customerId: dora.id,
      direction: 'OUTBOUND',
      role: 'ASSISTANT',
      text: 'Hi Dora, Sam here.',
      status: 'PENDING',
      sentByUserId: person.id,
    },
  });
  const startsAt = new Date('2026-12-07T16:00:00Z');
  const appointment = await db().appointment.create({
    data: { businessId: stack.businessId, customerId: dora.id, serviceName: 'Haircut', startsAt, endsAt: new Date(startsAt.getTime() + 30 * 60_000) },
  });
  const turnKey = `turn-${randomUUID()}`;
  await db().turn.create({
    data: {
      businessId: stack.businessId,
      customerId: dora.id,
      turnKey,
      workflowId: 'conversation-test/with slash',
      runId: 'run-1',
      outcome: 'replied',
      modelCalls: 2,
      toolCalls: [{ name: 'book_appointment', arguments: '{"service":"Haircut","start":"2026-12-07T17:00","customer_name":"Dora"}' }],
      effects: [{ kind: 'booked', appointmentId: appointment.id, start: '2026-12-07T17:00' }],
    },
  });

  const response = await staffA.request<{ conversation: ConversationView }>('GET', `${inbox(stack.businessId)}/${dora.id}`);
  expect(response.status).toBe(200);
  const { conversation } = response.body;
  expect(conversation).toMatchObject({ customerId: dora.id, customer: { name: 'Dora', waId }, control: { by: 'bot' }, needsPerson: null, hasOlder: false });
  const messages = conversation.timeline.filter((item): item is TimelineMessage => item.kind === 'message');
  expect(messages.map((m) => [m.from, m.status])).toEqual([
    ['customer', 'received'],
    ['bot', 'read'],
    ['customer', 'received'],
    ['bot', 'failed'],
    ['person', 'pending'],
  ]);
  expect(messages.map((m) => m.text).slice(0, 3)).toEqual(['Hello!', expect.any(String), 'Are you open on Saturday?']);
  expect(messages[1]).toMatchObject({ error: null, deliveredAt: expect.any(String), readAt: expect.any(String) });
  expect(messages[3]).toMatchObject({ error: { code: 131047, title: 'Re-engagement message' }, failedAt: expect.any(String) });
  expect(messages[4]).toMatchObject({ direction: 'outbound', sentBy: 'Sam Staff', text: 'Hi Dora, Sam here.' });

  const turn = conversation.timeline.find((item): item is TimelineTurn => item.kind === 'turn' && item.workflowId === 'conversation-test/with slash');
  expect(turn).toMatchObject({
    outcome: 'replied',
    modelCalls: 2,
    error: null,
    toolCalls: [{ name: 'book_appointment', arguments: expect.stringContaining('"start":"2026-12-07T17:00"') }],
    effects: [{ kind: 'booked', appointmentId: appointment.id, start: '2026-12-07T17:00', service: 'Haircut' }],
    temporalUrl: 'http://127.0.0.1:8233/namespaces/default/workflows/conversation-test%2Fwith%20slash/run-1/history',
  });
  // Oldest first, turns among the messages by time.
  const times = conversation.timeline.map((item) => item.at);
  expect([...times].sort()).toEqual(times);
});

test("another business's people cannot read or mark its conversations, and a customer of another business is answered like none", async () => {
  const a = await customer(stack.businessId, { name: 'Eva' });
  await message(stack.businessId, a, 1, 'hi');
  const b = await customer(businessB, { name: 'Fede' });
  await message(businessB, b, 1, 'hola');

  expect((await staffA.request('GET', inbox(stack.businessId))).status).toBe(200);
  expect((await staffA.request('GET', `${inbox(stack.businessId)}/${a}`)).status).toBe(200);
  expect((await staffA.request('GET', inbox(businessB))).status).toBe(403);
  expect((await staffA.request('GET', `${inbox(businessB)}/${b}`)).status).toBe(403);
  expect((await staffA.request('POST', `${inbox(businessB)}/${b}/read`)).status).toBe(403);
  expect((await ownerB.request('GET', `${inbox(stack.businessId)}/${a}`)).status).toBe(403);
  // B's customer under A's address: the same 404 as a customer that does not exist.
  const other = await staffA.request('GET', `${inbox(stack.businessId)}/${b}`);
  const missing = await staffA.request('GET', `${inbox(stack.businessId)}/${randomUUID()}`);
  expect([other.status, other.body]).toEqual([404, missing.body]);
  expect(missing.status).toBe(404);
  expect((await staffA.request('POST', `${inbox(stack.businessId)}/${b}/read`)).status).toBe(404);
  expect((await db().customer.findUniqueOrThrow({ where: { id: b } })).lastReadAt).toBeNull();
  // Nor does A's list show B's customers.
  expect((await staffA.request<InboxPage>('GET', inbox(stack.businessId))).body.conversations.map((c) => c.customerId)).not.toContain(b);
});
