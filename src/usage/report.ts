// What `npm run usage` prints: each business's days and models with their
// cost, then the business's total; as a table for people or as JSON.
import type { BusinessRef, DailyUsageRow } from '../db/usage-report';
import { priced, totalOf, type PricedTokens, type UsageTotal } from './costs';
import { formatUsd, usdOrNull, type PriceTable } from './prices';

export interface BusinessUsage {
  business: BusinessRef;
  days: Array<PricedTokens & { day: string }>;
  total: UsageTotal;
}

/** The rows (ordered by business, day, model) grouped per business and priced. */
export function usageByBusiness(rows: readonly DailyUsageRow[], prices: PriceTable): BusinessUsage[] {
  const byBusiness = new Map<string, BusinessUsage>();
  for (const { business, ...row } of rows) {
    const entry = byBusiness.get(business.id) ?? { business, days: [], total: totalOf([]) };
    byBusiness.set(business.id, entry);
    entry.days.push(priced(row, prices));
  }
  for (const entry of byBusiness.values()) entry.total = totalOf(entry.days);
  return [...byBusiness.values()];
}

const COLUMNS = ['day', 'business', 'model', 'calls', 'prompt tokens', 'completion tokens', 'cost (USD)'] as const;
const RIGHT_ALIGNED = new Set<string>(['calls', 'prompt tokens', 'completion tokens', 'cost (USD)']);
const NO_PRICE = 'no price';
// Machine-independent: the same digits whatever the operator's locale.
const count = (n: number) => n.toLocaleString('en-US');

/** The readable table: a row per business, day and model, and a total row per business. */
export function usageTable(since: string, usage: readonly BusinessUsage[]): string {
  if (usage.length === 0) return `No model calls since ${since}.\n`;
  const lines: string[][] = [];
  const footnotes: string[] = [];
  for (const { business, days, total } of usage) {
    for (const d of days) {
      lines.push([
        d.day,
        business.name,
        d.model,
        count(d.calls),
        count(d.promptTokens),
        count(d.completionTokens),
        d.costPicoUsd === null ? NO_PRICE : formatUsd(d.costPicoUsd, 4),
      ]);
    }
    let cost = total.costPicoUsd === null ? NO_PRICE : formatUsd(total.costPicoUsd, 4);
    if (total.costPicoUsd !== null && total.unpricedModels.length > 0) {
      footnotes.push(
        `${'*'.repeat(footnotes.length + 1)} ${business.name}: without the calls to ${total.unpricedModels.join(', ')}, which have no price (add to MODEL_PRICES)`,
      );
      cost += '*'.repeat(footnotes.length);
    }
    lines.push(['total', business.name, '', count(total.calls), count(total.promptTokens), count(total.completionTokens), cost]);
  }
  const widths = COLUMNS.map((title, i) => Math.max(title.length, ...lines.map((line) => line[i]!.length)));
  const render = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (RIGHT_ALIGNED.has(COLUMNS[i]!) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const heading = `Model usage since ${since}, by day in each business's time zone; cost in USD at the prices in use (MODEL_PRICES over the built-in table).`;
  return [heading, '', render(COLUMNS), ...lines.map(render), ...(footnotes.length ? ['', ...footnotes] : [])].join('\n') + '\n';
}

/** The same figures as JSON: tokens as counts, costs in USD to the micro-dollar (null: no price). */
export function usageJson(since: string, usage: readonly BusinessUsage[]) {
  return {
    since,
    businesses: usage.map(({ business, days, total }) => ({
      ...business,
      days: days.map(({ costPicoUsd, ...d }) => ({
        ...d,
        totalTokens: d.promptTokens + d.completionTokens,
        costUsd: usdOrNull(costPicoUsd),
      })),
      total: {
        calls: total.calls,
        promptTokens: total.promptTokens,
        completionTokens: total.completionTokens,
        totalTokens: total.promptTokens + total.completionTokens,
        costUsd: usdOrNull(total.costPicoUsd),
        unpricedModels: total.unpricedModels,
      },
    })),
  };
}
