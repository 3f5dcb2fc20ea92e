// The price table: which price a model as the ledger names it gets, what
// MODEL_PRICES may change and how it is refused, and costs to the last digit.
import { BUILT_IN_PRICES, costPicoUsd, formatUsd, ModelPricesError, parseModelPrices, priceOf, priceTable, usdNumber } from '../../src/usage/prices';

describe('a model gets its own price, or that of the model its dated snapshot belongs to', () => {
  const table = priceTable();
  test.each([
    ['gpt-4o-mini', 150_000, 600_000],
    ['gpt-4o-mini-2024-07-18', 150_000, 600_000],
    ['gpt-4o', 2_500_000, 10_000_000],
    ['gpt-4o-2024-08-06', 2_500_000, 10_000_000],
    ['gpt-4.1-2025-04-14', 2_000_000, 8_000_000],
    ['gpt-4.1-mini', 400_000, 1_600_000],
    ['gpt-4.1-nano-2025-04-14', 100_000, 400_000],
    ['o4-mini-2025-04-16', 1_100_000, 4_400_000],
    ['gpt-5', 1_250_000, 10_000_000],
    ['gpt-5-mini-2025-08-07', 250_000, 2_000_000],
    ['gpt-5-nano', 50_000, 400_000],
  ])('%s: %i / %i micro-dollars per million tokens', (model, input, output) => {
    expect(priceOf(table, model)).toEqual({ inputMicroUsd: input, outputMicroUsd: output });
  });

  test.each(['gpt-4', 'gpt-4-0613', 'llama-3.1-70b', 'gpt-4o-mini-audio', 'GPT-4O-MINI', 'gpt-4o-mini-2024-07', ''])('%p has no price', (model) => {
    expect(priceOf(table, model)).toBeUndefined();
  });

  test('a snapshot priced on its own keeps its own price', () => {
    const table = priceTable({ 'gpt-4o-2024-05-13': { input: 5, output: 15 } });
    expect(priceOf(table, 'gpt-4o-2024-05-13')).toEqual({ inputMicroUsd: 5_000_000, outputMicroUsd: 15_000_000 });
    expect(priceOf(table, 'gpt-4o-2024-08-06')).toEqual({ inputMicroUsd: 2_500_000, outputMicroUsd: 10_000_000 });
  });
});

describe('MODEL_PRICES', () => {
  test('unset or blank changes nothing', () => {
    expect(parseModelPrices(undefined)).toEqual({});
    expect(parseModelPrices('  ')).toEqual({});
    expect([...priceTable(parseModelPrices(undefined)).keys()]).toEqual(Object.keys(BUILT_IN_PRICES));
  });

  test('replaces a built-in price and adds models, the rest of the table stays', () => {
    const table = priceTable(parseModelPrices('{"gpt-4o-mini":{"input":0.2,"output":0.8},"house-model":{"input":0,"output":0.05}}'));
    expect(priceOf(table, 'gpt-4o-mini-2024-07-18')).toEqual({ inputMicroUsd: 200_000, outputMicroUsd: 800_000 });
    expect(priceOf(table, 'house-model')).toEqual({ inputMicroUsd: 0, outputMicroUsd: 50_000 });
    expect(priceOf(table, 'gpt-4.1')).toEqual({ inputMicroUsd: 2_000_000, outputMicroUsd: 8_000_000 });
  });

  test.each([
    ['{"gpt-4o-mini":', /^MODEL_PRICES is not valid JSON/],
    ['[1,2]', /^MODEL_PRICES: must be a JSON object of model names/],
    ['"cheap"', /^MODEL_PRICES: must be a JSON object of model names/],
    ['{"gpt-4o-mini":0.15}', /^MODEL_PRICES: "gpt-4o-mini": must be \{"input": <USD>, "output": <USD>\}$/],
    ['{"gpt-4o-mini":{"input":0.15}}', /^MODEL_PRICES: "gpt-4o-mini"\.output: must be a number/],
    ['{"gpt-4o-mini":{"input":"0.15","output":0.6}}', /^MODEL_PRICES: "gpt-4o-mini"\.input: must be a number/],
    ['{"a":{"input":1,"output":1},"b":{"input":-1,"output":1}}', /^MODEL_PRICES: "b"\.input: must not be negative$/],
    ['{"gpt-4o-mini":{"input":0.15,"output":0.6,"cached":0.07}}', /^MODEL_PRICES: "gpt-4o-mini": must be \{"input"/],
    ['{"":{"input":1,"output":1}}', /^MODEL_PRICES: "": a model name must not be empty$/],
  ])('%s is refused, naming the entry', (text, message) => {
    expect(() => parseModelPrices(text)).toThrow(ModelPricesError);
    expect(() => parseModelPrices(text)).toThrow(message);
  });
});

describe('costs are exact', () => {
  test('tokens times the price per million, in pico-dollars', () => {
    const price = priceOf(priceTable(), 'gpt-4o-mini')!;
    // 1,234 tokens read at $0.15/M and 56 written at $0.60/M: $0.0001851 + $0.0000336.
    expect(costPicoUsd(price, 1234, 56)).toBe(218_700_000n);
    expect(usdNumber(costPicoUsd(price, 1234, 56))).toBe(0.000219);
  });

  test('a sum far past 2^53 pico-dollars loses nothing', () => {
    const price = priceOf(priceTable(), 'gpt-4o')!;
    const oneCall = costPicoUsd(price, 123_457, 9_877);
    const billion = Array.from({ length: 1000 }, () => oneCall * 1_000_000n).reduce((a, b) => a + b, 0n);
    expect(billion).toBe(oneCall * 1_000_000_000n);
    expect(formatUsd(billion, 4)).toBe('407412500.0000');
  });

  test.each([
    [0n, 4, '0.0000'],
    [49_999_999n, 4, '0.0000'],
    [50_000_000n, 4, '0.0001'],
    [218_700_000n, 6, '0.000219'],
    [218_700_000n, 4, '0.0002'],
    [12_345_678_900_000n, 2, '12.35'],
    [999_995_000_000n, 2, '1.00'],
    [7_000_000_000_000n, 0, '7'],
  ])('%p pico-dollars to %i places: %s', (pico, places, text) => {
    expect(formatUsd(pico, places)).toBe(text);
  });
});
