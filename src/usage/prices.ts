// What the model calls cost: a price per million tokens read (input) and
// written (output) for each model, the built-in table below with MODEL_PRICES
// over it. Money is counted in whole micro-dollars per million tokens, so a
// cost is an exact integer of pico-dollars (tokens × that price) and sums of
// any size stay exact; it is rounded only when shown.
import { z } from 'zod';

/** USD per million tokens, as a price list gives it. */
export interface UsdPerMillion {
  input: number;
  output: number;
}

/** OpenAI's list prices of its current chat models (standard tier), USD per million tokens. */
export const BUILT_IN_PRICES: Readonly<Record<string, UsdPerMillion>> = {
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'o4-mini': { input: 1.1, output: 4.4 },
  'gpt-5': { input: 1.25, output: 10 },
  'gpt-5-mini': { input: 0.25, output: 2 },
  'gpt-5-nano': { input: 0.05, output: 0.4 },
};

/** A model's price in micro-dollars per million tokens (whole numbers). */
export interface ModelPrice {
  inputMicroUsd: number;
  outputMicroUsd: number;
}

export type PriceTable = ReadonlyMap<string, ModelPrice>;

export class ModelPricesError extends Error {
  override name = 'ModelPricesError';
}

const usdPerMillion = z
  .number({ error: 'must be a number (USD per million tokens)' })
  .nonnegative('must not be negative')
  .max(1_000_000, 'must be at most 1000000 (USD per million tokens)');

const overridesSchema = z.record(
  z.string().trim().min(1, 'a model name must not be empty'),
  z.strictObject({ input: usdPerMillion, output: usdPerMillion }, { error: 'must be {"input": <USD>, "output": <USD>}' }),
);

/**
 * MODEL_PRICES, checked: `{"model": {"input": n, "output": n}}` in USD per million tokens.
 * Unset or empty gives no overrides; anything else wrong throws, naming the entry.
 */
export function parseModelPrices(text: string | undefined): Record<string, UsdPerMillion> {
  if (text === undefined || text.trim() === '') return {};
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ModelPricesError(`MODEL_PRICES is not valid JSON (${(err as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ModelPricesError('MODEL_PRICES: must be a JSON object of model names, e.g. {"gpt-4o-mini":{"input":0.15,"output":0.6}}');
  }
  const parsed = overridesSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const [model, ...field] = issue.path.map(String);
      const where = model === undefined ? '' : `"${model}"${field.length ? `.${field.join('.')}` : ''}: `;
      // A bad model name is reported as the record's "invalid key", with the name's own problem inside.
      const message = issue.code === 'invalid_key' ? (issue.issues[0]?.message ?? issue.message) : issue.message;
      return `${where}${message}`;
    });
    throw new ModelPricesError(`MODEL_PRICES: ${problems.join('; ')}`);
  }
  return parsed.data;
}

/** The built-in table with the overrides over it: an override replaces a model's price or adds a model. */
export function priceTable(overrides: Record<string, UsdPerMillion> = {}): PriceTable {
  const entries = Object.entries({ ...BUILT_IN_PRICES, ...overrides });
  return new Map(entries.map(([model, usd]) => [model, { inputMicroUsd: toMicro(usd.input), outputMicroUsd: toMicro(usd.output) }]));
}

// Prices are kept to the millionth of a dollar per million tokens, far below any real price's precision.
const toMicro = (usd: number) => Math.round(usd * 1_000_000);

// A dated snapshot, "gpt-4o-mini-2024-07-18", or an older one named by month and day, "gpt-4-0613".
const SNAPSHOT_SUFFIX = /-(?:\d{4}-\d{2}-\d{2}|\d{4})$/;

/**
 * The price of a model as the usage ledger names it: its own entry, else that
 * of the model a dated snapshot belongs to. Undefined when neither is priced.
 */
export function priceOf(table: PriceTable, model: string): ModelPrice | undefined {
  return table.get(model) ?? table.get(model.replace(SNAPSHOT_SUFFIX, ''));
}

/** The exact cost of the tokens, in pico-dollars (10⁻¹² USD). */
export function costPicoUsd(price: ModelPrice, promptTokens: number, completionTokens: number): bigint {
  return BigInt(promptTokens) * BigInt(price.inputMicroUsd) + BigInt(completionTokens) * BigInt(price.outputMicroUsd);
}

/** Pico-dollars as a decimal USD string with `decimals` places, rounded half up: 825000000n, 4 → "0.0008". */
export function formatUsd(pico: bigint, decimals: number): string {
  const unit = 10n ** BigInt(12 - decimals);
  const rounded = (pico + unit / 2n) / unit;
  const scale = 10n ** BigInt(decimals);
  const whole = rounded / scale;
  return decimals === 0 ? `${whole}` : `${whole}.${(rounded % scale).toString().padStart(decimals, '0')}`;
}

/** Pico-dollars as a JSON number of USD to the micro-dollar: 825000000n → 0.000825. */
export const usdNumber = (pico: bigint): number => Number(formatUsd(pico, 6));

/** The same, keeping "no price" (null) as it is. */
export const usdOrNull = (pico: bigint | null): number | null => (pico === null ? null : usdNumber(pico));
