// Tokens turned into money with a price table. A model without a price costs
// "unknown", never 0: a total over several models says which were left out.
import type { ModelTokens, MonthUsage } from '../db/usage-report';
import { costPicoUsd, priceOf, usdOrNull, type PriceTable } from './prices';

export interface PricedTokens extends ModelTokens {
  /** Exact, in pico-dollars; null when the model has no price. */
  costPicoUsd: bigint | null;
}

export function priced<T extends ModelTokens>(row: T, prices: PriceTable): T & { costPicoUsd: bigint | null } {
  const price = priceOf(prices, row.model);
  return { ...row, costPicoUsd: price ? costPicoUsd(price, row.promptTokens, row.completionTokens) : null };
}

export interface UsageTotal {
  calls: number;
  promptTokens: number;
  completionTokens: number;
  /** The priced calls' cost; null when there were calls and none of them had a price. */
  costPicoUsd: bigint | null;
  /** Models whose calls the cost leaves out, for want of a price. */
  unpricedModels: string[];
}

export function totalOf(rows: readonly PricedTokens[]): UsageTotal {
  const unpriced = new Set(rows.filter((r) => r.costPicoUsd === null).map((r) => r.model));
  const pricedRows = rows.filter((r) => r.costPicoUsd !== null);
  return {
    calls: sum(rows.map((r) => r.calls)),
    promptTokens: sum(rows.map((r) => r.promptTokens)),
    completionTokens: sum(rows.map((r) => r.completionTokens)),
    costPicoUsd: rows.length > 0 && pricedRows.length === 0 ? null : pricedRows.reduce((total, r) => total + r.costPicoUsd!, 0n),
    unpricedModels: [...unpriced].sort(),
  };
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** A model's share of a month, as the console shows it. */
export interface ModelUsageView extends ModelTokens {
  /** USD to the micro-dollar; null when the model has no price. */
  costUsd: number | null;
}

/** A business's model use in its current month (its own time zone), for the console. */
export interface MonthUsageView {
  businessId: string;
  /** YYYY-MM, in the business's time zone. */
  month: string;
  timeZone: string;
  calls: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  /** USD to the micro-dollar of the priced calls; null when there were calls and none had a price. */
  costUsd: number | null;
  /** Models the cost leaves out, for want of a price (add them to MODEL_PRICES). */
  unpricedModels: string[];
  models: ModelUsageView[];
}

export function monthUsageView(usage: MonthUsage, prices: PriceTable): MonthUsageView {
  const models = usage.models.map((row) => priced(row, prices));
  const total = totalOf(models);
  return {
    businessId: usage.businessId,
    month: usage.month,
    timeZone: usage.timeZone,
    calls: total.calls,
    promptTokens: total.promptTokens,
    completionTokens: total.completionTokens,
    totalTokens: total.promptTokens + total.completionTokens,
    costUsd: usdOrNull(total.costPicoUsd),
    unpricedModels: total.unpricedModels,
    models: models.map(({ costPicoUsd, ...tokens }) => ({ ...tokens, costUsd: usdOrNull(costPicoUsd) })),
  };
}
