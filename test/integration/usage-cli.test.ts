// `npm run usage` as an operator runs it (a separate process on the database):
// tokens and cost per business and day, where "day" is each business's own, so
// calls either side of a local midnight that is not UTC's land on their own
// days; and this month's totals, each business's month in its own time zone.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { monthUsage } from '../../src/db/usage-report';
import { createTestDatabase, type TestDatabase } from '../support/database';

const execFileAsync = promisify(execFile);
const root = path.resolve(__dirname, '../..');

let database: TestDatabase;
const ids: Record<'madrid' | 'tokyo' | 'la', string> = { madrid: '', tokyo: '', la: '' };

/** One model call of the business at `at`, as the model activity records it. */
interface Call {
  at: string;
  model: string;
  prompt: number;
  completion: number;
}

// Madrid is UTC+1 in winter, Tokyo UTC+9, Los Angeles UTC-8: each call sits next to one of their local midnights.
const CALLS: Record<keyof typeof ids, Call[]> = {
  madrid: [
    { at: '2026-11-30T22:59:59.999Z', model: 'gpt-4o-mini', prompt: 1000, completion: 100 }, // 30 Nov, 23:59:59 in Madrid
    { at: '2026-11-30T23:00:00.000Z', model: 'gpt-4o-mini', prompt: 2000, completion: 200 }, // 1 Dec, 00:00
    { at: '2026-12-01T22:59:59.999Z', model: 'gpt-4o-mini-2024-07-18', prompt: 3000, completion: 300 }, // 1 Dec, 23:59:59
    { at: '2026-12-01T23:00:00.000Z', model: 'house-model', prompt: 500, completion: 50 }, // 2 Dec, 00:00
  ],
  tokyo: [
    { at: '2026-11-30T14:59:59.999Z', model: 'gpt-4.1', prompt: 1000, completion: 10 }, // 30 Nov, 23:59:59 in Tokyo
    { at: '2026-11-30T15:00:00.000Z', model: 'gpt-4.1', prompt: 2000, completion: 20 }, // 1 Dec, 00:00
    { at: '2026-11-30T23:30:00.000Z', model: 'gpt-4.1', prompt: 4000, completion: 40 }, // 1 Dec, 08:30 (still 30 Nov in UTC)
  ],
  la: [
    { at: '2026-12-02T07:59:59.999Z', model: 'gpt-5-mini', prompt: 100, completion: 1000 }, // 1 Dec, 23:59:59 in Los Angeles (2 Dec in UTC)
    { at: '2026-12-02T08:00:00.000Z', model: 'gpt-5-mini', prompt: 200, completion: 2000 }, // 2 Dec, 00:00
  ],
};

beforeAll(async () => {
  database = await createTestDatabase();
  const { db } = database;
  const businesses = [
    ['madrid', 'Lumen Hair Studio', '100000000000801', 'Europe/Madrid'],
    ['tokyo', 'Tokyo Cuts', '100000000000802', 'Asia/Tokyo'],
    ['la', 'Sunset Barbers', '100000000000803', 'America/Los_Angeles'],
  ] as const;
  for (const [key, name, phoneNumberId, timeZone] of businesses) {
    ids[key] = (await db.business.create({ data: { name, phoneNumberId, timeZone }, select: { id: true } })).id;
    await db.modelUsage.createMany({
      data: CALLS[key].map((call, i) => ({
        businessId: ids[key],
        callKey: `${key}-${i}`,
        turnKey: `${key}-turn-${i}`,
        model: call.model,
        promptTokens: call.prompt,
        completionTokens: call.completion,
        totalTokens: call.prompt + call.completion,
        createdAt: new Date(call.at),
      })),
    });
  }
  // Two businesses of the same name: a name that is not enough to choose.
  await db.business.createMany({
    data: [
      { name: 'Twin Salon', phoneNumberId: '100000000000804' },
      { name: 'Twin Salon', phoneNumberId: '100000000000805' },
    ],
  });
});

afterAll(async () => {
  await database?.drop();
});

async function usageCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [require.resolve('tsx/cli'), 'src/cli/usage.ts', ...args], {
      cwd: root,
      env: { PATH: process.env.PATH, NODE_ENV: 'development', DATABASE_URL: database.url, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const { code, stdout, stderr } = err as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
}

test('--json: per business and local day, costed at the built-in prices; a model without a price is null, never 0', async () => {
  const { code, stdout, stderr } = await usageCli(['--', '--since', '2026-12-01', '--json']);
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  const day = (d: string, model: string, calls: number, promptTokens: number, completionTokens: number, costUsd: number | null) => ({
    day: d,
    model,
    calls,
    promptTokens,
    completionTokens,
    totalTokens: promptTokens + completionTokens,
    costUsd,
  });
  expect(JSON.parse(stdout)).toEqual({
    since: '2026-12-01',
    businesses: [
      {
        id: ids.madrid,
        name: 'Lumen Hair Studio',
        phoneNumberId: '100000000000801',
        timeZone: 'Europe/Madrid',
        // The call at 23:59:59 on 30 November, Madrid time, is before the day asked for, though it is 1 December's in Tokyo.
        days: [
          // 2,000 read at $0.15 per million and 200 written at $0.60.
          day('2026-12-01', 'gpt-4o-mini', 1, 2000, 200, 0.00042),
          // A dated snapshot at its model's price.
          day('2026-12-01', 'gpt-4o-mini-2024-07-18', 1, 3000, 300, 0.00063),
          day('2026-12-02', 'house-model', 1, 500, 50, null),
        ],
        total: { calls: 3, promptTokens: 5500, completionTokens: 550, totalTokens: 6050, costUsd: 0.00105, unpricedModels: ['house-model'] },
      },
      {
        id: ids.la,
        name: 'Sunset Barbers',
        phoneNumberId: '100000000000803',
        timeZone: 'America/Los_Angeles',
        days: [day('2026-12-01', 'gpt-5-mini', 1, 100, 1000, 0.002025), day('2026-12-02', 'gpt-5-mini', 1, 200, 2000, 0.00405)],
        total: { calls: 2, promptTokens: 300, completionTokens: 3000, totalTokens: 3300, costUsd: 0.006075, unpricedModels: [] },
      },
      {
        id: ids.tokyo,
        name: 'Tokyo Cuts',
        phoneNumberId: '100000000000802',
        timeZone: 'Asia/Tokyo',
        // Two calls on Tokyo's 1 December, one of them on 30 November in UTC.
        days: [day('2026-12-01', 'gpt-4.1', 2, 6000, 60, 0.01248)],
        total: { calls: 2, promptTokens: 6000, completionTokens: 60, totalTokens: 6060, costUsd: 0.01248, unpricedModels: [] },
      },
    ],
  });
});

test('the table, for a business named in any case, with MODEL_PRICES pricing its own model', async () => {
  const { code, stdout } = await usageCli(['--business', 'lumen hair studio', '--since', '2026-11-30'], {
    MODEL_PRICES: '{"house-model":{"input":1,"output":2}}',
  });
  expect(code).toBe(0);
  expect(stdout).toBe(
    [
      "Model usage since 2026-11-30, by day in each business's time zone; cost in USD at the prices in use (MODEL_PRICES over the built-in table).",
      '',
      'day         business           model                   calls  prompt tokens  completion tokens  cost (USD)',
      '2026-11-30  Lumen Hair Studio  gpt-4o-mini                 1          1,000                100      0.0002',
      '2026-12-01  Lumen Hair Studio  gpt-4o-mini                 1          2,000                200      0.0004',
      '2026-12-01  Lumen Hair Studio  gpt-4o-mini-2024-07-18      1          3,000                300      0.0006',
      '2026-12-02  Lumen Hair Studio  house-model                 1            500                 50      0.0006',
      // $0.00186 exactly, rounded once (the rows' rounded costs would add up to $0.0018).
      'total       Lumen Hair Studio                              4          6,500                650      0.0019',
      '',
    ].join('\n'),
  );
});

test('a business by phone_number_id or ID; a day with no calls of its own is not there', async () => {
  const byNumber = await usageCli(['--business', '100000000000802', '--since', '2026-11-30', '--json']);
  const tokyo = JSON.parse(byNumber.stdout) as { businesses: Array<{ id: string; days: Array<{ day: string; calls: number }> }> };
  expect(tokyo.businesses.map((b) => [b.id, b.days.map((d) => [d.day, d.calls])])).toEqual([
    [
      ids.tokyo,
      [
        ['2026-11-30', 1],
        ['2026-12-01', 2],
      ],
    ],
  ]);
  const byId = await usageCli(['--business', ids.la, '--since', '2026-12-02', '--json']);
  expect((JSON.parse(byId.stdout) as { businesses: Array<{ total: { calls: number } }> }).businesses.map((b) => b.total.calls)).toEqual([1]);
  const later = await usageCli(['--since', '2026-12-03']);
  expect(later).toEqual({ code: 0, stdout: 'No model calls since 2026-12-03.\n', stderr: '' });
});

test('an unknown or ambiguous business, a bad argument and a bad MODEL_PRICES are refused with a reason', async () => {
  const unknown = await usageCli(['--business', 'Nowhere Salon']);
  expect(unknown).toEqual({ code: 2, stdout: '', stderr: 'No business has the ID, phone_number_id or name "Nowhere Salon".\n' });
  const ambiguous = await usageCli(['--business', 'Twin Salon']);
  expect(ambiguous.code).toBe(2);
  expect(ambiguous.stderr).toBe('"Twin Salon" names 2 businesses: Twin Salon (100000000000804), Twin Salon (100000000000805). Give the phone_number_id.\n');
  const badDate = await usageCli(['--since', '2026-02-30']);
  expect(badDate.code).toBe(2);
  expect(badDate.stderr).toMatch(/^--since "2026-02-30" is not a date as YYYY-MM-DD\n\nUsage:\n {2}npm run usage -- /);
  const badPrices = await usageCli([], { MODEL_PRICES: '{"house-model":{"input":"cheap","output":1}}' });
  expect(badPrices.code).toBe(1);
  expect(badPrices.stderr).toContain('MODEL_PRICES: "house-model".input: must be a number');
  expect(badPrices.stdout).toBe('');
});

test("this month's totals: each business's month in its own time zone, at the same instant", async () => {
  // 07:00 UTC on 1 December: already December in Madrid and Tokyo, still 30 November in Los Angeles.
  const months = await monthUsage(database.db, { now: new Date('2026-12-01T07:00:00Z'), businessIds: [ids.madrid, ids.tokyo, ids.la] });
  expect(months).toEqual([
    {
      businessId: ids.madrid,
      timeZone: 'Europe/Madrid',
      month: '2026-12',
      models: [
        { model: 'gpt-4o-mini', calls: 1, promptTokens: 2000, completionTokens: 200 },
        { model: 'gpt-4o-mini-2024-07-18', calls: 1, promptTokens: 3000, completionTokens: 300 },
        { model: 'house-model', calls: 1, promptTokens: 500, completionTokens: 50 },
      ],
    },
    // Both its calls are on 1 and 2 December, Los Angeles time: none in its November.
    { businessId: ids.la, timeZone: 'America/Los_Angeles', month: '2026-11', models: [] },
    { businessId: ids.tokyo, timeZone: 'Asia/Tokyo', month: '2026-12', models: [{ model: 'gpt-4.1', calls: 2, promptTokens: 6000, completionTokens: 60 }] },
  ]);
  // A day later it is December in Los Angeles too; without a list, every business is there.
  const later = await monthUsage(database.db, { now: new Date('2026-12-02T12:00:00Z') });
  expect(later.map((m) => [m.month, m.models.reduce((calls, model) => calls + model.calls, 0)])).toEqual([
    ['2026-12', 3],
    ['2026-12', 2],
    ['2026-12', 2],
    ['2026-12', 0],
    ['2026-12', 0],
  ]);
});
