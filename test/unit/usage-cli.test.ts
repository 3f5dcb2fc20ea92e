// `npm run usage`: its arguments, and the table and JSON it makes of the
// ledger's rows, with a model without a price shown as such, never as 0.
import type { DailyUsageRow } from '../../src/db/usage-report';
import { parseModelPrices, priceTable } from '../../src/usage/prices';
import { usageByBusiness, usageJson, usageTable } from '../../src/usage/report';
import { parseUsageArgs, UsageArgsError } from '../../src/usage/usage-args';

const NOW = new Date('2026-12-06T10:00:00Z');

describe('arguments', () => {
  test.each<[string[], ReturnType<typeof parseUsageArgs>]>([
    [[], { since: '2026-12-01', json: false, help: false }],
    [['--'], { since: '2026-12-01', json: false, help: false }],
    [['--', '--since', '2026-11-15'], { since: '2026-11-15', json: false, help: false }],
    [['--business', '100000000000001', '--json'], { business: '100000000000001', since: '2026-12-01', json: true, help: false }],
    [['--business=Lumen Hair Studio', '--since=2024-02-29'], { business: 'Lumen Hair Studio', since: '2024-02-29', json: false, help: false }],
    [['-h'], { since: '2026-12-01', json: false, help: true }],
  ])('%j', (args, parsed) => {
    expect(parseUsageArgs(args, NOW)).toEqual(parsed);
  });

  test('the default is the first day of the month in UTC', () => {
    expect(parseUsageArgs([], new Date('2027-01-01T00:30:00+02:00')).since).toBe('2026-12-01');
  });

  test.each<[string[], RegExp]>([
    [['--since', '2026-13-01'], /--since "2026-13-01" is not a date as YYYY-MM-DD/],
    [['--since', '2023-02-29'], /is not a date/],
    [['--since', '1/12/2026'], /is not a date/],
    [['--since'], /--since/],
    [['--business'], /--business/],
    [['--business', '  '], /--business needs an ID, a phone_number_id or a name/],
    [['--month', '12'], /Unknown option '--month'/],
    [['Lumen'], /Unexpected argument 'Lumen'/],
  ])('%j is refused', (args, message) => {
    expect(() => parseUsageArgs(args, NOW)).toThrow(UsageArgsError);
    expect(() => parseUsageArgs(args, NOW)).toThrow(message);
  });
});

const lumen = { id: 'b1', name: 'Lumen Hair Studio', phoneNumberId: '100000000000001', timeZone: 'Europe/Madrid' };
const tokyo = { id: 'b2', name: 'Tokyo Cuts', phoneNumberId: '100000000000002', timeZone: 'Asia/Tokyo' };
const rows: DailyUsageRow[] = [
  { business: lumen, day: '2026-12-04', model: 'gpt-4o-mini', calls: 3, promptTokens: 4512, completionTokens: 210 },
  { business: lumen, day: '2026-12-05', model: 'gpt-4o-mini-2024-07-18', calls: 1, promptTokens: 1500, completionTokens: 50 },
  { business: lumen, day: '2026-12-05', model: 'house-model', calls: 2, promptTokens: 900, completionTokens: 40 },
  { business: tokyo, day: '2026-12-05', model: 'house-model', calls: 1_234, promptTokens: 1_234_567, completionTokens: 89_012 },
];

test('the table: a row per day and model, a total per business; no price is said, and the total says what it leaves out', () => {
  const table = usageTable('2026-12-01', usageByBusiness(rows, priceTable()));
  expect(table).toBe(
    [
      "Model usage since 2026-12-01, by day in each business's time zone; cost in USD at the prices in use (MODEL_PRICES over the built-in table).",
      '',
      'day         business           model                   calls  prompt tokens  completion tokens  cost (USD)',
      '2026-12-04  Lumen Hair Studio  gpt-4o-mini                 3          4,512                210      0.0008',
      '2026-12-05  Lumen Hair Studio  gpt-4o-mini-2024-07-18      1          1,500                 50      0.0003',
      '2026-12-05  Lumen Hair Studio  house-model                 2            900                 40    no price',
      'total       Lumen Hair Studio                              6          6,912                300     0.0011*',
      '2026-12-05  Tokyo Cuts         house-model             1,234      1,234,567             89,012    no price',
      'total       Tokyo Cuts                                 1,234      1,234,567             89,012    no price',
      '',
      '* Lumen Hair Studio: without the calls to house-model, which have no price (add to MODEL_PRICES)',
      '',
    ].join('\n'),
  );
});

test('the JSON: costs in USD to the micro-dollar, null without a price, and the priced total with the models it leaves out', () => {
  const prices = priceTable(parseModelPrices('{"house-model":{"input":1,"output":2}}'));
  const json = usageJson('2026-12-01', usageByBusiness(rows, priceTable()));
  expect(json.businesses.map((b) => b.total)).toEqual([
    // 6,012 read at $0.15/M + 260 written at $0.60/M = $0.0009018 + $0.000156.
    { calls: 6, promptTokens: 6912, completionTokens: 300, totalTokens: 7212, costUsd: 0.001058, unpricedModels: ['house-model'] },
    { calls: 1234, promptTokens: 1_234_567, completionTokens: 89_012, totalTokens: 1_323_579, costUsd: null, unpricedModels: ['house-model'] },
  ]);
  expect(json.businesses[0]!.days[2]).toEqual({
    day: '2026-12-05',
    model: 'house-model',
    calls: 2,
    promptTokens: 900,
    completionTokens: 40,
    totalTokens: 940,
    costUsd: null,
  });
  // Priced by MODEL_PRICES, the same calls cost $1.234567 + $0.178024.
  expect(usageJson('2026-12-01', usageByBusiness(rows, prices)).businesses[1]!.total).toMatchObject({ costUsd: 1.412591, unpricedModels: [] });
});

test('nothing to show says so', () => {
  expect(usageTable('2026-12-01', [])).toBe('No model calls since 2026-12-01.\n');
});
