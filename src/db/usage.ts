// The usage ledger (one row per model call) and what the limits read and write:
// a customer's turns in a window, the notice a limited customer gets once, the
// tokens a business used today and its "budget spent" flag.
import { budgetSpentToday, startOfLocalDay } from '../limit-windows';
import type { Database } from './client';

export interface ModelUsageRecord {
  businessId: string;
  customerId: string | null;
  /** Names the call for good: writing it again changes nothing. */
  callKey: string;
  /** The turn the call belonged to. */
  turnKey?: string | null;
  model: string;
  promptTokens: number;
  completionTokens: number;
}

export async function recordModelUsage(db: Database, usage: ModelUsageRecord): Promise<void> {
  await db.modelUsage.createMany({
    data: [{ ...usage, totalTokens: usage.promptTokens + usage.completionTokens }],
    skipDuplicates: true,
  });
}

export async function tokensUsedSince(db: Database, businessId: string, since: Date): Promise<number> {
  const sum = await db.modelUsage.aggregate({ where: { businessId, createdAt: { gte: since } }, _sum: { totalTokens: true } });
  return sum._sum.totalTokens ?? 0;
}

/** The outcome of a turn a customer limit stopped: it answered nothing, so it does not count as a turn. */
export const RATE_LIMITED = 'rate-limited';

/** Turns of this customer since `since` that count against the limits. */
export async function countedTurnsSince(db: Database, customerId: string, since: Date): Promise<number> {
  return db.turn.count({ where: { customerId, createdAt: { gte: since }, outcome: { not: RATE_LIMITED } } });
}

/**
 * Claims the notice of a limited customer, as of `at` (the turn's own time).
 * One notice per stretch of silence: true when none was sent since the
 * customer's last answered turn, or when this same turn claimed it before (a
 * retried step), so a retry still sends the notice it claimed and no other
 * turn sends a second one. Once the window has passed and the customer is
 * answered again, reaching a limit again earns a new notice (the day's, say,
 * after the minute's), and it says truthfully when the answers will resume.
 */
export async function claimLimitNotice(db: Database, customerId: string, at: Date): Promise<boolean> {
  // One conversation workflow runs a customer's turns one at a time: nothing writes between these two steps.
  const lastAnswered = await db.turn.findFirst({
    where: { customerId, outcome: { not: RATE_LIMITED } },
    orderBy: { createdAt: 'desc' },
    select: { createdAt: true },
  });
  const claimed = await db.customer.updateMany({
    where: {
      id: customerId,
      OR: [{ limitNoticeSentAt: null }, { limitNoticeSentAt: at }, ...(lastAnswered ? [{ limitNoticeSentAt: { lt: lastAnswered.createdAt } }] : [])],
    },
    data: { limitNoticeSentAt: at },
  });
  return claimed.count === 1;
}

export interface BusinessLimits {
  timeZone: string;
  customerTurnsPerMinute: number;
  customerTurnsPerDay: number;
  dailyTokenBudget: number;
  tokenBudgetExceededAt: Date | null;
}

export async function loadBusinessLimits(db: Database, businessId: string): Promise<BusinessLimits> {
  return db.business.findUniqueOrThrow({
    where: { id: businessId },
    select: { timeZone: true, customerTurnsPerMinute: true, customerTurnsPerDay: true, dailyTokenBudget: true, tokenBudgetExceededAt: true },
  });
}

/** Whether the business has used its model tokens for today, as of `now`. */
export async function tokenBudgetSpent(db: Database, businessId: string, now: Date): Promise<boolean> {
  const business = await db.business.findUniqueOrThrow({ where: { id: businessId }, select: { timeZone: true, dailyTokenBudget: true } });
  return (await tokensUsedSince(db, businessId, startOfLocalDay(now, business.timeZone))) >= business.dailyTokenBudget;
}

export async function setTokenBudgetFlag(db: Database, businessId: string, flaggedAt: Date | null): Promise<void> {
  await db.business.update({ where: { id: businessId }, data: { tokenBudgetExceededAt: flaggedAt } });
}

/** Today's model tokens against the budget, for the console; `spentAt` when the budget ran out today. */
export interface TokenUsageView {
  usedToday: number;
  dailyBudget: number;
  spentAt: string | null;
}

export async function tokenUsageToday(db: Database, businessId: string, now = new Date()): Promise<TokenUsageView | undefined> {
  const business = await db.business.findUnique({ where: { id: businessId }, select: { timeZone: true, dailyTokenBudget: true, tokenBudgetExceededAt: true } });
  if (!business) return undefined;
  const dayStart = startOfLocalDay(now, business.timeZone);
  return {
    usedToday: await tokensUsedSince(db, businessId, dayStart),
    dailyBudget: business.dailyTokenBudget,
    spentAt: budgetSpentToday(business.tokenBudgetExceededAt, dayStart)?.toISOString() ?? null,
  };
}
