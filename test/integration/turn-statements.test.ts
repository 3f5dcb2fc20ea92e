// The statements every turn runs, written in plain SQL (src/db/sql.ts) rather
// than through Prisma, on real PostgreSQL: each must keep what the Prisma query
// it replaced guaranteed (idempotent writes, the history a turn reads, merged
// customers followed), since nothing type-checks the SQL against the schema.
import { randomUUID } from 'node:crypto';
import { poolOf } from '../../src/db/client';
import { recordTurn } from '../../src/db/conversation-state';
import { currentCustomer, resolveCustomer } from '../../src/db/customers';
import { loadHistory, markOutboundSent, prepareOutbound, recordInbound } from '../../src/db/messages';
import { inTransaction, queryOne, queryRows } from '../../src/db/sql';
import { countedTurnsSince, recordModelUsage, RATE_LIMITED, tokensUsedSince } from '../../src/db/usage';
import type { TurnRecord } from '../../src/workflows/activity-contracts';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { newWamid } from '../support/payloads';

let database: TestDatabase;
let businessId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  businessId = (await database.db.business.create({ data: { name: 'Statements Test', phoneNumberId: '100000000000777' } })).id;
});

afterAll(async () => {
  await database?.drop();
});

async function newCustomer(): Promise<string> {
  return resolveCustomer(database.db, businessId, { waId: `346${Math.floor(Math.random() * 1e8)}` });
}

async function inbound(customerId: string, text: string, at: Date, runId = 'run-1'): Promise<string> {
  const wamid = newWamid();
  await recordInbound(database.db, { businessId, customerId, wamid, type: 'text', text, sentByCustomerAt: at, workflowId: `message-${wamid}`, runId });
  return wamid;
}

async function reply(customerId: string, replyKey: string, text: string): Promise<void> {
  const outbound = await prepareOutbound(database.db, { businessId, customerId, outboundKey: `${replyKey}:reply:0`, text, workflowId: 'wf', runId: 'run' });
  await markOutboundSent(database.db, outbound.id, newWamid(), new Date());
}

function turn(customerId: string, turnKey: string, wamids: string[], outcome = 'replied'): TurnRecord {
  return {
    businessId,
    customerId,
    turnKey,
    workflowId: 'conversation-x',
    runId: 'run',
    outcome,
    toolCalls: [{ name: 'list_services', arguments: '{}' }],
    effects: [],
    modelCalls: 1,
    error: null,
    wamids,
    replyText: 'Hello!',
    needsPerson: null,
  };
}

describe('the history a turn reads', () => {
  test('leaves out only its own reply, even when the key has the characters LIKE treats as wildcards', async () => {
    const customerId = await newCustomer();
    await inbound(customerId, 'Hi', new Date(1_000));
    await reply(customerId, 'turn_1', 'Earlier answer');
    await inbound(customerId, 'Again', new Date(3_000));
    // A reply whose key the pattern "turn_1%" would match, and which is not this turn's.
    await reply(customerId, 'turnX1', 'Another answer');
    await reply(customerId, 'turn_2', 'This turn, sent before a crash');

    const history = await loadHistory(database.db, businessId, customerId, 10, { exceptReplyKey: 'turn_2' });
    expect(history.map((m) => m.content)).toEqual(['Hi', 'Earlier answer', 'Again', 'Another answer']);
    // Without a key, everything: the customer's messages have no outbound key and are never left out.
    expect(await loadHistory(database.db, businessId, customerId, 10)).toHaveLength(5);
    expect(await loadHistory(database.db, businessId, customerId, 2)).toEqual([
      { role: 'assistant', content: 'Another answer' },
      { role: 'assistant', content: 'This turn, sent before a crash' },
    ]);
  });

  test("a customer's messages between two replies read in the order they were written", async () => {
    const customerId = await newCustomer();
    // Recorded in the order they arrived; WhatsApp's timestamps say otherwise.
    await inbound(customerId, 'second', new Date(2_000));
    await inbound(customerId, 'first', new Date(1_000));
    expect((await loadHistory(database.db, businessId, customerId, 10)).map((m) => m.content)).toEqual(['first', 'second']);
  });
  test('messages stored in the same millisecond read in the order they were written, not by their random IDs', async () => {
    const customerId = await newCustomer();
    const sameMillisecond = new Date('2026-12-05T16:00:00.000Z');
    const written = ['Q1', 'A1', 'Q2', 'A2', 'Q3', 'A3', 'Q4', 'A4'];
    for (const text of written) {
      const fromCustomer = text.startsWith('Q');
      await queryRows(
        database.db,
        `INSERT INTO message (id, business_id, customer_id, direction, role, type, text, status, sent_by_customer_at, created_at)
         VALUES (gen_random_uuid(), $1, $2, $3::"MessageDirection", $4::"MessageRole", 'text', $5, $6::"MessageStatus", $7, $7)`,
        [
          businessId,
          customerId,
          fromCustomer ? 'INBOUND' : 'OUTBOUND',
          fromCustomer ? 'USER' : 'ASSISTANT',
          text,
          fromCustomer ? 'RECEIVED' : 'SENT',
          sameMillisecond,
        ],
      );
    }
    const history = await loadHistory(database.db, businessId, customerId, 10);
    expect(history.map((m) => m.content)).toEqual(written);
  });
});

describe('writes a retried step repeats', () => {
  test('an inbound message is stored once; another run storing it learns whose it is', async () => {
    const customerId = await newCustomer();
    const wamid = newWamid();
    const record = { businessId, customerId, wamid, type: 'text', text: 'Hi', sentByCustomerAt: new Date(), workflowId: 'message-a', runId: 'run-a' };
    expect(await recordInbound(database.db, record)).toEqual({});
    expect(await recordInbound(database.db, record)).toEqual({});
    expect(await recordInbound(database.db, { ...record, runId: 'run-b' })).toEqual({ duplicateOf: 'message-a/run-a' });
    const { count } = await queryOne<{ count: number }>(database.db, 'count', 'SELECT COUNT(*)::int AS count FROM message WHERE wamid = $1', [wamid]);
    expect(count).toBe(1);
  });

  test('an outbound row is written once and comes back as it was left', async () => {
    const customerId = await newCustomer();
    const draft = { businessId, customerId, outboundKey: `k-${randomUUID()}`, text: 'Hello', workflowId: 'wf', runId: 'run' };
    const first = await prepareOutbound(database.db, draft);
    expect(first).toEqual({ id: expect.any(String), wamid: null, sendAttemptedAt: null });
    await markOutboundSent(database.db, first.id, 'wamid.sent', new Date());
    expect(await prepareOutbound(database.db, { ...draft, text: 'changed on retry' })).toEqual({ id: first.id, wamid: 'wamid.sent', sendAttemptedAt: null });
    const row = await database.db.message.findUniqueOrThrow({ where: { id: first.id } });
    expect(row).toMatchObject({ text: 'Hello', status: 'SENT', direction: 'OUTBOUND', role: 'ASSISTANT', type: 'text' });
  });

  test('a turn is recorded once, on the row its customer was merged into, and marks the messages it took', async () => {
    const customerId = await newCustomer();
    const wamid = await inbound(customerId, 'Hi', new Date());
    const survivor = await newCustomer();
    await database.db.customer.update({ where: { id: customerId }, data: { mergedIntoId: survivor } });

    const key = `turn-${randomUUID()}`;
    await recordTurn(database.db, turn(customerId, key, [wamid]));
    await recordTurn(database.db, { ...turn(customerId, key, [wamid]), outcome: 'model-failed' });

    const rows = await database.db.turn.findMany({ where: { turnKey: key } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      customerId: survivor,
      outcome: 'replied',
      modelCalls: 1,
      replyText: 'Hello!',
      toolCalls: [{ name: 'list_services', arguments: '{}' }],
    });
    expect(await database.db.message.findUniqueOrThrow({ where: { wamid } })).toMatchObject({ turnKey: key, heldForPerson: false });
    expect(await currentCustomer(database.db, customerId)).toMatchObject({ id: survivor });
  });

  test('a model call is counted once; limits count answered turns only', async () => {
    const customerId = await newCustomer();
    const since = new Date(Date.now() - 60_000);
    const usage = { businessId, customerId, callKey: `call-${randomUUID()}`, model: 'gpt-4o-mini', promptTokens: 100, completionTokens: 20 };
    const before = await tokensUsedSince(database.db, businessId, since);
    await recordModelUsage(database.db, usage);
    await recordModelUsage(database.db, usage);
    expect((await tokensUsedSince(database.db, businessId, since)) - before).toBe(120);

    await recordTurn(database.db, turn(customerId, `t-${randomUUID()}`, []));
    await recordTurn(database.db, turn(customerId, `t-${randomUUID()}`, [], RATE_LIMITED));
    expect(await countedTurnsSince(database.db, customerId, since)).toBe(1);
    expect(await countedTurnsSince(database.db, customerId, new Date(Date.now() + 60_000))).toBe(0);
  });
});

describe('the plain-SQL helpers', () => {
  test('a transaction that throws leaves nothing behind', async () => {
    const name = `rolled back ${randomUUID()}`;
    await expect(
      inTransaction(database.db, async (tx) => {
        await tx.query(`UPDATE business SET name = $2 WHERE id = $1`, [businessId, name]);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await queryRows(database.db, 'SELECT 1 FROM business WHERE name = $1', [name])).toEqual([]);
  });

  test('an unknown customer is named in the error, and a transaction client is refused with a reason', async () => {
    const missing = randomUUID();
    await expect(currentCustomer(database.db, missing)).rejects.toThrow(`No customer ${missing} found`);
    await database.db.$transaction(async (tx) => {
      expect(() => poolOf(tx as never)).toThrow('Plain SQL needs a client made by createDatabase');
    });
  });
});
