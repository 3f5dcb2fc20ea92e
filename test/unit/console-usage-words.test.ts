// The console's words for a month of AI use: a cost under a cent is not shown
// as nothing, and a model without a price is named rather than counted as free.
import { costWords, dollars, monthName, usageSummary } from '../../admin/src/usage-words';
import type { MonthUsageView } from '../../src/usage/costs';

const month = (over: Partial<MonthUsageView>): MonthUsageView => ({
  businessId: 'b1',
  month: '2026-12',
  timeZone: 'Europe/Madrid',
  calls: 4,
  promptTokens: 45_000,
  completionTokens: 210,
  totalTokens: 45_210,
  costUsd: 0.006876,
  unpricedModels: [],
  models: [],
  ...over,
});

test.each([
  [0, '$0.00'],
  [0.000001, 'under $0.01'],
  [0.0099, 'under $0.01'],
  [0.01, '$0.01'],
  [1234.567, '$1,234.57'],
])('%p USD reads %p', (usd, words) => {
  expect(dollars(usd)).toBe(words);
});

test.each([
  [{ costUsd: 0.42, unpricedModels: [] }, '$0.42'],
  [{ costUsd: 0.42, unpricedModels: ['house-model', 'llama'] }, '$0.42 + calls with no price (house-model, llama)'],
  [{ costUsd: null, unpricedModels: ['house-model'] }, 'no price (house-model)'],
])('%j reads %p', (usage, words) => {
  expect(costWords(usage)).toBe(words);
});

test('a month in words, and the line of the list of businesses', () => {
  expect(monthName('2026-12')).toBe('December 2026');
  expect(monthName('2027-01')).toBe('January 2027');
  expect(usageSummary(month({}))).toBe('45,210 tokens · under $0.01');
  expect(usageSummary(month({ costUsd: 3.5 }))).toBe('45,210 tokens · $3.50');
  expect(usageSummary(month({ calls: 0, promptTokens: 0, completionTokens: 0, totalTokens: 0, costUsd: 0 }))).toBe('No AI use yet');
});
