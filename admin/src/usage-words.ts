// A month of model use in words: tokens as counts, the cost in dollars, and a
// model without a price named as such rather than counted as free.
import type { MonthUsageView } from './types';

export const tokenCount = (n: number) => n.toLocaleString('en-US');

/** "$12.34"; an amount under a cent as "under $0.01", so a month's first replies do not read as free. */
export function dollars(usd: number): string {
  if (usd > 0 && usd < 0.01) return 'under $0.01';
  return usd.toLocaleString('en-US', { style: 'currency', currency: 'USD' });
}

/** "$0.42", "$0.42 + calls with no price (house-model)", or "no price (house-model)". */
export function costWords(usage: Pick<MonthUsageView, 'costUsd' | 'unpricedModels'>): string {
  const unpriced = usage.unpricedModels.length ? `no price (${usage.unpricedModels.join(', ')})` : '';
  if (usage.costUsd === null) return unpriced;
  return unpriced ? `${dollars(usage.costUsd)} + calls with ${unpriced}` : dollars(usage.costUsd);
}

/** "December 2026" for "2026-12". */
export function monthName(month: string): string {
  const [year, m] = month.split('-').map(Number);
  return new Date(Date.UTC(year!, m! - 1, 1)).toLocaleString('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
}

/** One line for the list of businesses: "45,210 tokens · $0.03", or that the month has had no model call yet. */
export function usageSummary(usage: MonthUsageView): string {
  if (usage.calls === 0) return 'No AI use yet';
  return `${tokenCount(usage.totalTokens)} tokens · ${costWords(usage)}`;
}
