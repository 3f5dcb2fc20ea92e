// Delivery statuses on real PostgreSQL: forward-only, every moment kept, and
// statuses that arrive before their message is recorded are not lost.
import type { MessageStatus } from '../../src/generated/prisma/enums';
import { expireParkedStatuses, markOutboundSent, prepareOutbound, PARKED_STATUS_TTL_MS, recordStatus } from '../../src/db/messages';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { newWamid } from '../support/payloads';

let database: TestDatabase;
let businessId: string;
let customerId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  const business = await database.db.business.create({ data: { name: 'Status Test', phoneNumberId: '100000000000555' } });
  const customer = await database.db.customer.create({ data: { businessId: business.id, waId: '34622000000' } });
  businessId = business.id;
  customerId = customer.id;
});

afterAll(async () => {
  await database?.drop();
});

async function sentMessage(owner = { businessId, customerId }): Promise<{ id: string; wamid: string }> {
  const wamid = newWamid();
  const outbound = await prepareOutbound(database.db, { ...owner, outboundKey: wamid, text: 'hello', workflowId: 'wf', runId: 'run' });
  await markOutboundSent(database.db, outbound.id, wamid, new Date(1_000_000));
  return { id: outbound.id, wamid };
}

const at = (seconds: number) => new Date(seconds * 1000);

test.each<{ name: string; updates: Array<[MessageStatus, number]>; expected: MessageStatus }>([
  {
    name: 'in order',
    updates: [
      ['DELIVERED', 10],
      ['READ', 20],
    ],
    expected: 'READ',
  },
  {
    name: 'read before delivered',
    updates: [
      ['READ', 20],
      ['DELIVERED', 10],
    ],
    expected: 'READ',
  },
  {
    name: 'a late sent after delivered',
    updates: [
      ['DELIVERED', 10],
      ['SENT', 5],
    ],
    expected: 'DELIVERED',
  },
  {
    name: 'the same status twice',
    updates: [
      ['DELIVERED', 10],
      ['DELIVERED', 30],
    ],
    expected: 'DELIVERED',
  },
  {
    name: 'failed after delivered',
    updates: [
      ['DELIVERED', 10],
      ['FAILED', 40],
    ],
    expected: 'FAILED',
  },
])('$name ends as $expected', async ({ updates, expected }) => {
  const { wamid } = await sentMessage();
  for (const [status, seconds] of updates) {
    expect(await recordStatus(database.db, { businessId, wamid, status, occurredAt: at(seconds) })).toBe('applied');
  }
  const row = await database.db.message.findUniqueOrThrow({ where: { wamid } });
  expect(row.status).toBe(expected);
  // The first moment seen for each status is kept, whatever the order of arrival.
  const firstSeen = new Map<MessageStatus, number>();
  for (const [status, seconds] of updates) if (!firstSeen.has(status) && status !== 'SENT') firstSeen.set(status, seconds);
  if (firstSeen.has('DELIVERED')) expect(row.deliveredAt).toEqual(at(firstSeen.get('DELIVERED')!));
  if (firstSeen.has('READ')) expect(row.readAt).toEqual(at(firstSeen.get('READ')!));
  expect(row.sentAt).toEqual(new Date(1_000_000));
});

test("a failed status keeps Meta's error code and title", async () => {
  const { wamid } = await sentMessage();
  await recordStatus(database.db, { businessId, wamid, status: 'FAILED', occurredAt: at(50), errorCode: 131047, errorTitle: 'Re-engagement message' });
  const row = await database.db.message.findUniqueOrThrow({ where: { wamid } });
  expect(row).toMatchObject({ status: 'FAILED', errorCode: 131047, errorTitle: 'Re-engagement message', failedAt: at(50) });
});

test('a status that arrives before its message is recorded waits and is applied when the send is recorded', async () => {
  const wamid = newWamid();
  expect(await recordStatus(database.db, { businessId, wamid, status: 'DELIVERED', occurredAt: at(70) })).toBe('pending');
  expect(await database.db.pendingStatus.count({ where: { wamid } })).toBe(1);

  const outbound = await prepareOutbound(database.db, { businessId, customerId, outboundKey: `early-${wamid}`, text: 'hi', workflowId: 'wf', runId: 'run' });
  await markOutboundSent(database.db, outbound.id, wamid, at(60));

  const row = await database.db.message.findUniqueOrThrow({ where: { wamid } });
  expect(row).toMatchObject({ status: 'DELIVERED', deliveredAt: at(70), sentAt: at(60) });
  expect(await database.db.pendingStatus.count({ where: { wamid } })).toBe(0);
});

test('statuses never touch inbound messages', async () => {
  const wamid = newWamid();
  await database.db.message.create({
    data: { businessId, customerId, direction: 'INBOUND', role: 'USER', text: 'hi', wamid, status: 'RECEIVED' },
  });
  expect(await recordStatus(database.db, { businessId, wamid, status: 'READ', occurredAt: at(80) })).toBe('pending');
  expect((await database.db.message.findUniqueOrThrow({ where: { wamid } })).status).toBe('RECEIVED');
});

describe('statuses are scoped to the business whose number they came for', () => {
  let other: { businessId: string; customerId: string };

  beforeAll(async () => {
    const business = await database.db.business.create({ data: { name: 'Other Business', phoneNumberId: '100000000000556' } });
    const customer = await database.db.customer.create({ data: { businessId: business.id, waId: '34622000001' } });
    other = { businessId: business.id, customerId: customer.id };
  });

  test("a status under another business's number does not change this business's message", async () => {
    const { wamid } = await sentMessage();
    expect(
      await recordStatus(database.db, {
        businessId: other.businessId,
        wamid,
        status: 'FAILED',
        occurredAt: at(90),
        errorCode: 131026,
        errorTitle: 'Undeliverable',
      }),
    ).toBe('pending');
    expect(await database.db.message.findUniqueOrThrow({ where: { wamid } })).toMatchObject({ status: 'SENT', errorCode: null, failedAt: null });
  });

  test("a status parked under one business is not applied to another business's send of the same wamid", async () => {
    const wamid = newWamid();
    expect(await recordStatus(database.db, { businessId: other.businessId, wamid, status: 'READ', occurredAt: at(95) })).toBe('pending');
    const outbound = await prepareOutbound(database.db, { businessId, customerId, outboundKey: `scoped-${wamid}`, text: 'hi', workflowId: 'wf', runId: 'run' });
    await markOutboundSent(database.db, outbound.id, wamid, at(91));
    expect(await database.db.message.findUniqueOrThrow({ where: { wamid } })).toMatchObject({ status: 'SENT', readAt: null });
    // Still parked for the business it came for, where it will expire.
    expect(await database.db.pendingStatus.findMany({ where: { wamid }, select: { businessId: true } })).toEqual([{ businessId: other.businessId }]);
  });
});

test('parked statuses no send claims expire after the TTL; younger ones stay', async () => {
  const now = new Date();
  const old = newWamid();
  const young = newWamid();
  await recordStatus(database.db, { businessId, wamid: old, status: 'DELIVERED', occurredAt: at(100) });
  await recordStatus(database.db, { businessId, wamid: young, status: 'DELIVERED', occurredAt: at(100) });
  await database.db.pendingStatus.updateMany({ where: { wamid: old }, data: { createdAt: new Date(now.getTime() - PARKED_STATUS_TTL_MS - 60_000) } });

  expect(await expireParkedStatuses(database.db, now)).toBeGreaterThanOrEqual(1);
  expect(await database.db.pendingStatus.count({ where: { wamid: old } })).toBe(0);
  expect(await database.db.pendingStatus.count({ where: { wamid: young } })).toBe(1);
});
