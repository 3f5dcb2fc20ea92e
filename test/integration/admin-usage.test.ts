// This month's model use and cost in the console: a booking turn's model calls
// (as the model stand-in reported their tokens) reach the owner's figure at the
// model's price; the month is the business's own; MODEL_PRICES prices a model
// the built-in table does not know, and one priced nowhere is named, not free.
// Owners and platform admins see it; staff and other businesses' owners do not.
import { fromLocal, toLocal } from '../../src/booking/time';
import type { MonthUsageView } from '../../src/usage/costs';
import { ConsoleClient, signedInUser } from '../support/console-client';
import { deliver } from '../support/deliver';
import { textMessagePayload } from '../support/payloads';
import { DEMO_PHONE_NUMBER_ID, useStack } from '../support/stack';
import { upcomingWeekday } from '../support/waiting';

const stack = useStack({ modelPrices: '{"house-model":{"input":1,"output":2}}' });
const db = () => stack.database.db;
const OTHER_PHONE_NUMBER_ID = '100000000000820';
// UTC+13 in December: its month starts on the previous day in UTC.
const OTHER_ZONE = 'Pacific/Auckland';

let otherId: string;
const users = {} as Record<'admin' | 'owner' | 'staff' | 'otherOwner', ConsoleClient>;

beforeAll(async () => {
  otherId = (await db().business.create({ data: { name: 'Harbour Nails', phoneNumberId: OTHER_PHONE_NUMBER_ID, timeZone: OTHER_ZONE } })).id;
  users.admin = await signedInUser(stack, 'admin@example.com', 'platform-admin');
  users.owner = await signedInUser(stack, 'owner@example.com', 'owner', DEMO_PHONE_NUMBER_ID);
  users.staff = await signedInUser(stack, 'staff@example.com', 'staff', DEMO_PHONE_NUMBER_ID);
  users.otherOwner = await signedInUser(stack, 'other-owner@example.com', 'owner', OTHER_PHONE_NUMBER_ID);
});

async function monthOf(user: ConsoleClient, businessId: string): Promise<MonthUsageView> {
  const response = await user.request<{ usage: MonthUsageView }>('GET', `/admin/api/businesses/${businessId}/usage`);
  expect(response.status).toBe(200);
  return response.body.usage;
}

/** USD to the micro-dollar of tokens at gpt-4o-mini's list price ($0.15 and $0.60 per million), from integers. */
const gpt4oMiniUsd = (prompt: number, completion: number) => Math.round((prompt * 15 + completion * 60) / 100) / 1_000_000;

test("a booking turn's model calls reach the owner's figure for the month, with their tokens as the model reported them", async () => {
  const before = await monthOf(users.owner, stack.businessId);
  stack.sandbox.openai.reset();
  const date = upcomingWeekday('wed');
  stack.sandbox.openai.enqueue(
    { toolCalls: [{ name: 'check_availability', arguments: { service: 'Haircut', date, days: null } }] },
    { toolCalls: [{ name: 'book_appointment', arguments: { service: 'Haircut', start: `${date}T11:00`, customer_name: 'Ana' } }] },
    { content: `Booked: *Haircut* on ${date} at 11:00.` },
  );
  const turn = await deliver(stack, textMessagePayload({ phoneNumberId: DEMO_PHONE_NUMBER_ID, from: '34611222333', text: 'A haircut on Wednesday at 11?' }));
  expect(turn.appointments.map((a) => a.kind)).toEqual(['booked']);

  const reported = stack.sandbox.openai.requests.map((r) => r.usage!);
  expect(reported).toHaveLength(3);
  const prompt = reported.reduce((sum, u) => sum + u.prompt_tokens, 0);
  const completion = reported.reduce((sum, u) => sum + u.completion_tokens, 0);
  const after = await monthOf(users.owner, stack.businessId);
  expect(after).toEqual({
    businessId: stack.businessId,
    month: before.month,
    timeZone: 'Europe/Madrid',
    calls: before.calls + 3,
    promptTokens: before.promptTokens + prompt,
    completionTokens: before.completionTokens + completion,
    totalTokens: before.totalTokens + prompt + completion,
    costUsd: gpt4oMiniUsd(before.promptTokens + prompt, before.completionTokens + completion),
    unpricedModels: [],
    models: [
      {
        model: 'gpt-4o-mini',
        calls: before.calls + 3,
        promptTokens: before.promptTokens + prompt,
        completionTokens: before.completionTokens + completion,
        costUsd: gpt4oMiniUsd(before.promptTokens + prompt, before.completionTokens + completion),
      },
    ],
  });
  // Each call is in the ledger with its business, its model and the turn it belonged to.
  const { turnKey } = await db().turn.findFirstOrThrow({ where: { businessId: stack.businessId }, orderBy: { createdAt: 'desc' } });
  const ledger = await db().modelUsage.findMany({ where: { turnKey }, select: { businessId: true, model: true, promptTokens: true } });
  expect(ledger).toHaveLength(3);
  expect(ledger.every((row) => row.businessId === stack.businessId && row.model === 'gpt-4o-mini')).toBe(true);
  expect(ledger.reduce((sum, row) => sum + row.promptTokens, 0)).toBe(prompt);
});

test("the month is the business's own; MODEL_PRICES prices its model, and a model priced nowhere is named rather than free", async () => {
  const now = new Date();
  const local = toLocal(now, OTHER_ZONE);
  const monthStart = fromLocal({ year: local.year, month: local.month, day: 1, hour: 0, minute: 0 }, OTHER_ZONE, 'compatible')!;
  const call = (key: string, createdAt: Date, model: string, promptTokens: number, completionTokens: number) => ({
    businessId: otherId,
    callKey: `usage-test-${key}`,
    model,
    promptTokens,
    completionTokens,
    totalTokens: promptTokens + completionTokens,
    createdAt,
  });
  await db().modelUsage.createMany({
    data: [
      // The last moment of last month in Auckland: already this month in UTC for most of the day before.
      call('last-month', new Date(monthStart.getTime() - 1), 'gpt-4o-mini', 1_000_000, 100_000),
      call('first-moment', monthStart, 'house-model', 1000, 100),
      call('mystery', now, 'mystery-model', 10, 5),
    ],
  });

  expect(await monthOf(users.otherOwner, otherId)).toEqual({
    businessId: otherId,
    month: `${local.year}-${String(local.month).padStart(2, '0')}`,
    timeZone: OTHER_ZONE,
    calls: 2,
    promptTokens: 1010,
    completionTokens: 105,
    totalTokens: 1115,
    // 1,000 read at $1 per million and 100 written at $2: the priced part only.
    costUsd: 0.0012,
    unpricedModels: ['mystery-model'],
    models: [
      { model: 'house-model', calls: 1, promptTokens: 1000, completionTokens: 100, costUsd: 0.0012 },
      { model: 'mystery-model', calls: 1, promptTokens: 10, completionTokens: 5, costUsd: null },
    ],
  });
});

test('owners and platform admins see the cost; staff, other owners and strangers do not', async () => {
  const path = (id: string) => `/admin/api/businesses/${id}/usage`;
  expect((await users.staff.request('GET', path(stack.businessId))).status).toBe(403);
  expect((await users.otherOwner.request('GET', path(stack.businessId))).status).toBe(403);
  expect((await users.owner.request('GET', path(otherId))).status).toBe(403);
  expect((await ConsoleClient.for(stack).request('GET', path(stack.businessId))).status).toBe(401);
  expect((await users.admin.request('GET', path(otherId))).status).toBe(200);

  // The list for the page of businesses: only the businesses whose cost the user may see.
  const listed = async (user: ConsoleClient) =>
    (await user.request<{ businesses: MonthUsageView[] }>('GET', '/admin/api/usage')).body.businesses.map((u) => u.businessId);
  expect(await listed(users.staff)).toEqual([]);
  expect(await listed(users.owner)).toEqual([stack.businessId]);
  expect(await listed(users.otherOwner)).toEqual([otherId]);
  expect((await listed(users.admin)).sort()).toEqual([stack.businessId, otherId].sort());
  // The list's figures are the business route's.
  const [adminView] = (await users.admin.request<{ businesses: MonthUsageView[] }>('GET', '/admin/api/usage')).body.businesses.filter(
    (u) => u.businessId === otherId,
  );
  expect(adminView).toEqual(await monthOf(users.otherOwner, otherId));
});
