// One customer per business, found by WhatsApp ID or business-scoped user ID
// (BSUID), whichever a message carries. Meta's username rollout sends the same
// person with one ID, then both, or both and later one: every order must reach
// the same customer and be answered.
import { currentCustomer, rehomeMerged, resolveCustomer } from '../../src/db/customers';
import { newWamid, textMessagePayload } from '../support/payloads';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { deliver } from '../support/deliver';
import { DEMO_PHONE_NUMBER_ID, useStack } from '../support/stack';

const WA_ID = '34611222333';
const BSUID = 'ES.8ZyXwVuTsRqPoNmL';

describe('resolving the customer a message is from', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await database?.drop();
  });

  async function freshBusiness(): Promise<string> {
    const business = await database.db.business.create({ data: { name: 'Identity Test', phoneNumberId: `1${Math.floor(Math.random() * 1e14)}` } });
    return business.id;
  }

  type Ids = { waId?: string; bsuid?: string };
  test.each<[string, Ids[]]>([
    ['BSUID, then both', [{ bsuid: BSUID }, { waId: WA_ID, bsuid: BSUID }]],
    ['wa_id, then both', [{ waId: WA_ID }, { waId: WA_ID, bsuid: BSUID }]],
    ['both, then BSUID alone', [{ waId: WA_ID, bsuid: BSUID }, { bsuid: BSUID }]],
    ['both, then wa_id alone', [{ waId: WA_ID, bsuid: BSUID }, { waId: WA_ID }]],
    ['BSUID, then both, then wa_id alone', [{ bsuid: BSUID }, { waId: WA_ID, bsuid: BSUID }, { waId: WA_ID }]],
    ['wa_id, then both, then BSUID alone', [{ waId: WA_ID }, { waId: WA_ID, bsuid: BSUID }, { bsuid: BSUID }]],
  ])('%s: one customer, with both IDs', async (_, sequence) => {
    const businessId = await freshBusiness();
    const ids = [];
    for (const identity of sequence) ids.push(await resolveCustomer(database.db, businessId, identity));
    expect(new Set(ids).size).toBe(1);
    expect(await database.db.customer.findMany({ where: { businessId }, select: { waId: true, bsuid: true } })).toEqual([{ waId: WA_ID, bsuid: BSUID }]);
  });

  test('rows first seen by each ID alone are merged when a message carries both, history and appointments included', async () => {
    const businessId = await freshBusiness();
    const byPhone = await resolveCustomer(database.db, businessId, { waId: WA_ID, profileName: 'Ana' });
    const byBsuid = await resolveCustomer(database.db, businessId, { bsuid: BSUID });
    expect(byBsuid).not.toBe(byPhone);
    await database.db.message.create({
      data: { businessId, customerId: byBsuid, direction: 'INBOUND', role: 'USER', text: 'hi', wamid: newWamid(), status: 'RECEIVED' },
    });
    const start = new Date(Date.now() + 86_400_000);
    await database.db.appointment.create({
      data: { businessId, customerId: byBsuid, serviceName: 'Haircut', startsAt: start, endsAt: new Date(start.getTime() + 1_800_000) },
    });

    const merged = await resolveCustomer(database.db, businessId, { waId: WA_ID, bsuid: BSUID });
    expect(merged).toBe(byPhone);
    expect(await database.db.customer.findUniqueOrThrow({ where: { id: merged } })).toMatchObject({
      waId: WA_ID,
      bsuid: BSUID,
      profileName: 'Ana',
      mergedIntoId: null,
    });
    expect(await database.db.message.count({ where: { customerId: merged } })).toBe(1);
    expect(await database.db.appointment.count({ where: { customerId: merged } })).toBe(1);
    // A conversation still running under the absorbed ID reaches the merged customer.
    expect(await currentCustomer(database.db, byBsuid)).toEqual({ id: merged, waId: WA_ID, bsuid: BSUID, isTest: false });
    expect(await resolveCustomer(database.db, businessId, { bsuid: BSUID })).toBe(merged);
  });

  test('rows whose IDs contradict each other are not merged, and no ID is overwritten', async () => {
    const businessId = await freshBusiness();
    const first = await resolveCustomer(database.db, businessId, { waId: WA_ID, bsuid: 'ES.first' });
    const second = await resolveCustomer(database.db, businessId, { waId: '34699999999', bsuid: BSUID });
    // The number of one and the BSUID of the other: the BSUID decides.
    expect(await resolveCustomer(database.db, businessId, { waId: WA_ID, bsuid: BSUID })).toBe(second);
    expect(await database.db.customer.findUniqueOrThrow({ where: { id: first } })).toMatchObject({ waId: WA_ID, bsuid: 'ES.first' });
    expect(await database.db.customer.findUniqueOrThrow({ where: { id: second } })).toMatchObject({ waId: '34699999999', bsuid: BSUID });
  });

  test('a message whose BSUID differs from the one stored with its number is another person, every time', async () => {
    const businessId = await freshBusiness();
    const previousOwner = await resolveCustomer(database.db, businessId, { waId: WA_ID, bsuid: 'ES.previous' });
    const newOwner = await resolveCustomer(database.db, businessId, { waId: WA_ID, bsuid: BSUID });
    expect(newOwner).not.toBe(previousOwner);
    // The number stays with the row that holds it; the new account is found by its BSUID from now on.
    expect(await database.db.customer.findUniqueOrThrow({ where: { id: newOwner } })).toMatchObject({ waId: null, bsuid: BSUID });
    expect(await resolveCustomer(database.db, businessId, { waId: WA_ID, bsuid: BSUID })).toBe(newOwner);
    expect(await resolveCustomer(database.db, businessId, { bsuid: BSUID })).toBe(newOwner);
    expect(await database.db.customer.findUniqueOrThrow({ where: { id: previousOwner } })).toMatchObject({ waId: WA_ID, bsuid: 'ES.previous' });
  });

  test('a message or appointment written under a merged row after the merge is moved over at the next turn', async () => {
    const businessId = await freshBusiness();
    const byPhone = await resolveCustomer(database.db, businessId, { waId: WA_ID });
    const byBsuid = await resolveCustomer(database.db, businessId, { bsuid: BSUID });
    const merged = await resolveCustomer(database.db, businessId, { waId: WA_ID, bsuid: BSUID });
    // A step that resolved the old row just before the merge committed writes there.
    await database.db.message.create({
      data: { businessId, customerId: byBsuid, direction: 'INBOUND', role: 'USER', text: 'late', wamid: newWamid(), status: 'RECEIVED' },
    });
    const start = new Date(Date.now() + 86_400_000);
    await database.db.appointment.create({
      data: { businessId, customerId: byBsuid, serviceName: 'Haircut', startsAt: start, endsAt: new Date(start.getTime() + 1_800_000) },
    });

    await rehomeMerged(database.db, merged);
    expect(merged).toBe(byPhone);
    expect(await database.db.message.count({ where: { customerId: byBsuid } })).toBe(0);
    expect(await database.db.appointment.count({ where: { customerId: byBsuid } })).toBe(0);
    expect(await database.db.message.count({ where: { customerId: merged } })).toBe(1);
  });

  test('the same new customer writing from many messages at once is one row', async () => {
    const businessId = await freshBusiness();
    const identities: Ids[] = [{ waId: WA_ID }, { bsuid: BSUID }, { waId: WA_ID, bsuid: BSUID }];
    const ids = await Promise.all(Array.from({ length: 12 }, (_, i) => resolveCustomer(database.db, businessId, identities[i % 3]!)));
    const live = await database.db.customer.findMany({ where: { businessId, mergedIntoId: null, OR: [{ waId: { not: null } }, { bsuid: { not: null } }] } });
    expect(live).toEqual([expect.objectContaining({ waId: WA_ID, bsuid: BSUID })]);
    for (const id of ids) expect((await currentCustomer(database.db, id)).id).toBe(live[0]!.id);
  });

  test('the same IDs at another business are another customer', async () => {
    const [a, b] = [await freshBusiness(), await freshBusiness()];
    expect(await resolveCustomer(database.db, a, { waId: WA_ID, bsuid: BSUID })).not.toBe(await resolveCustomer(database.db, b, { waId: WA_ID, bsuid: BSUID }));
  });
});

describe('through the webhook', () => {
  const stack = useStack();

  const message = (from: { waId?: string; bsuid?: string }, text: string) =>
    textMessagePayload({ phoneNumberId: DEMO_PHONE_NUMBER_ID, from: from.waId, bsuid: from.bsuid, text, name: 'Luca' });

  test('a customer first seen by BSUID who then writes with both IDs is answered both times, as one conversation', async () => {
    stack.sandbox.openai.enqueue({ content: 'Hello Luca!' }, { content: 'Yes, at 5pm.' });
    expect(await deliver(stack, message({ bsuid: BSUID }, 'Hi'))).toMatchObject({ outcome: 'replied', replyText: 'Hello Luca!' });
    expect(await deliver(stack, message({ waId: WA_ID, bsuid: BSUID }, 'Are you open tomorrow?'))).toMatchObject({
      outcome: 'replied',
      replyText: 'Yes, at 5pm.',
    });

    expect(await stack.database.db.customer.findMany({ select: { waId: true, bsuid: true } })).toEqual([{ waId: WA_ID, bsuid: BSUID }]);
    // The second turn's model saw the first exchange: one history.
    const contents = stack.sandbox.openai.requests.at(-1)!.messages.map((m) => m.content);
    expect(contents).toEqual(expect.arrayContaining(['Hi', 'Hello Luca!', 'Are you open tomorrow?']));
    // Replies go to the phone number once it is known.
    expect(stack.sandbox.graph.sent.map((m) => m.to)).toEqual([BSUID, WA_ID]);
  });

  test('a customer seen by number, then by BSUID alone, then with both, continues as one conversation with the whole history', async () => {
    const waId = '34611999888';
    const bsuid = 'ES.mergeMeLater';
    stack.sandbox.openai.enqueue({ content: 'Hi by number' }, { content: 'Hi by BSUID' }, { content: 'Hi to you both' });
    await deliver(stack, message({ waId }, 'first, by number'));
    await deliver(stack, message({ bsuid }, 'second, by BSUID'));
    expect(await deliver(stack, message({ waId, bsuid }, 'third, with both'))).toMatchObject({ outcome: 'replied', replyText: 'Hi to you both' });

    const live = await stack.database.db.customer.findMany({ where: { OR: [{ waId }, { bsuid }] } });
    expect(live).toEqual([expect.objectContaining({ waId, bsuid, mergedIntoId: null })]);
    const contents = stack.sandbox.openai.requests.at(-1)!.messages.map((m) => m.content);
    expect(contents).toEqual(expect.arrayContaining(['first, by number', 'Hi by number', 'second, by BSUID', 'Hi by BSUID', 'third, with both']));
    expect(stack.sandbox.graph.sent.slice(-1).map((m) => m.to)).toEqual([waId]);
    // Every turn and model call of both rows now counts for the one customer (the turn limits read these).
    const turns = await stack.database.db.turn.findMany({ where: { customer: { OR: [{ waId }, { bsuid }] } }, select: { customerId: true } });
    expect(turns.map((t) => t.customerId)).toEqual([live[0]!.id, live[0]!.id, live[0]!.id]);
    expect(await stack.database.db.modelUsage.count({ where: { customerId: live[0]!.id } })).toBe(3);
  });
});
