// The usage ledger (one row per model call) and what the limits read and write:
// a customer's turns in a window, the notice a limited customer gets once, the
// tokens a business used today and its "budget spent" flag.
import { budgetSpentToday, startOfLocalDay } from '../limit-windows';
import type { Database } from './client';
import { queryOne, queryRows } from './sql';

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
  await queryRows(
    db,
    `INSERT INTO model_usage (id, business_id, customer_id, call_key, turn_key, model, prompt_tokens, completion_tokens, total_tokens, created_at)
     VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (call_key) DO NOTHING`,
    [
      usage.businessId,
      usage.customerId,
      usage.callKey,
      usage.turnKey ?? null,
      usage.model,
      usage.promptTokens,
      usage.completionTokens,
      usage.promptTokens + usage.completionTokens,
      new Date(),
    ],
  );
}

export async function tokensUsedSince(db: Database, businessId: string, since: Date): Promise<number> {
  const { used } = await queryOne<{ used: number }>(
    db,
    'usage',
    'SELECT COALESCE(SUM(total_tokens), 0)::float8 AS used FROM model_usage WHERE business_id = $1 AND created_at >= $2',
    [businessId, since],
  );
  return used;
}

/** The outcome of a turn a customer limit stopped: it answered nothing, so it does not count as a turn. */
export const RATE_LIMITED = 'rate-limited';

/** Turns of this customer since `since` that count against the limits. */
export async function countedTurnsSince(db: Database, customerId: string, since: Date): Promise<number> {
  const { turns } = await queryOne<{ turns: number }>(
    db,
    'turns',
    'SELECT COUNT(*)::int AS turns FROM turn WHERE customer_id = $1 AND created_at >= $2 AND outcome <> $3',
    [customerId, since, RATE_LIMITED],
  );
  return turns;
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
  return queryOne(
    db,
    `business ${businessId}`,
    `SELECT time_zone AS "timeZone", customer_turns_per_minute AS "customerTurnsPerMinute", customer_turns_per_day AS "customerTurnsPerDay",
            daily_token_budget AS "dailyTokenBudget", token_budget_exceeded_at AS "tokenBudgetExceededAt"
     FROM business WHERE id = $1`,
    [businessId],
  );
}

/** Whether the business has used its model tokens for today, as of `now`. */
export async function tokenBudgetSpent(db: Database, businessId: string, now: Date): Promise<boolean> {
  const business = await loadBusinessLimits(db, businessId);
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
