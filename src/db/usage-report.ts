// The usage ledger added up for people: model calls and tokens per business,
// day and model (the model sets the price), and this month's per business and
// model. Days and months are the business's own, in its time zone, as its
// daily token budget is: PostgreSQL converts each call's instant to local time.
import type { Database } from './client';
import { Prisma } from './client';

/** Calls and tokens of one model. */
export interface ModelTokens {
  model: string;
  calls: number;
  promptTokens: number;
  completionTokens: number;
}

export interface BusinessRef {
  id: string;
  name: string;
  phoneNumberId: string;
  timeZone: string;
}

export interface DailyUsageRow extends ModelTokens {
  business: BusinessRef;
  /** The business's local day, YYYY-MM-DD. */
  day: string;
}

interface DailyRow {
  business_id: string;
  name: string;
  phone_number_id: string;
  time_zone: string;
  day: string;
  model: string;
  calls: number;
  prompt_tokens: bigint | number;
  completion_tokens: bigint | number;
}

// No time zone is more than 14 hours ahead of UTC: a local day never starts earlier than this before its UTC midnight.
const MAX_ZONE_LEAD_MS = 14 * 3_600_000;

/**
 * Calls and tokens per business, local day and model, from the local day `since`
 * (YYYY-MM-DD) on; of one business, or of all. Ordered by business name, day, model.
 */
export async function dailyUsage(db: Database, { since, businessId }: { since: string; businessId?: string }): Promise<DailyUsageRow[]> {
  // A bound on the instant itself, so the (business_id, created_at) index narrows the rows before each is converted.
  const earliest = new Date(Date.parse(`${since}T00:00:00Z`) - MAX_ZONE_LEAD_MS);
  const ofBusiness = businessId ? Prisma.sql`AND u.business_id = ${businessId}::uuid` : Prisma.empty;
  const rows = await db.$queryRaw<DailyRow[]>`
    SELECT b.id AS business_id, b.name, b.phone_number_id, b.time_zone,
           to_char((u.created_at AT TIME ZONE b.time_zone)::date, 'YYYY-MM-DD') AS day,
           u.model, count(*)::int AS calls,
           sum(u.prompt_tokens)::bigint AS prompt_tokens, sum(u.completion_tokens)::bigint AS completion_tokens
    FROM model_usage u JOIN business b ON b.id = u.business_id
    WHERE u.created_at >= ${earliest}::timestamptz ${ofBusiness}
      AND (u.created_at AT TIME ZONE b.time_zone)::date >= ${since}::date
    GROUP BY b.id, day, u.model
    ORDER BY b.name, b.id, day, u.model`;
  return rows.map((row) => ({
    business: { id: row.business_id, name: row.name, phoneNumberId: row.phone_number_id, timeZone: row.time_zone },
    day: row.day,
    ...tokensOf(row),
  }));
}

/** A business's calls and tokens per model in its current month. */
export interface MonthUsage {
  businessId: string;
  timeZone: string;
  /** YYYY-MM, the month in the business's time zone. */
  month: string;
  models: ModelTokens[];
}

interface MonthRow {
  business_id: string;
  time_zone: string;
  month: string;
  model: string | null;
  calls: number;
  prompt_tokens: bigint | number;
  completion_tokens: bigint | number;
}

/**
 * Calls and tokens per model in the month `now` falls in, each business's month
 * in its own time zone; of the given businesses, or of all, ordered by name.
 */
export async function monthUsage(db: Database, { now, businessIds }: { now: Date; businessIds?: readonly string[] }): Promise<MonthUsage[]> {
  if (businessIds?.length === 0) return [];
  const ofBusinesses = businessIds ? Prisma.sql`WHERE b.id IN (${Prisma.join(businessIds.map((id) => Prisma.sql`${id}::uuid`))})` : Prisma.empty;
  // A local month starts at most 31 days and a summer-time hour before any instant in it: a bound for the index.
  const earliest = new Date(now.getTime() - 32 * 86_400_000);
  const rows = await db.$queryRaw<MonthRow[]>`
    WITH months AS (
      SELECT b.id, b.name, b.time_zone, date_trunc('month', ${now}::timestamptz AT TIME ZONE b.time_zone) AS local_start
      FROM business b ${ofBusinesses}
    )
    SELECT m.id AS business_id, m.time_zone, to_char(m.local_start, 'YYYY-MM') AS month, u.model, count(u.id)::int AS calls,
           coalesce(sum(u.prompt_tokens), 0)::bigint AS prompt_tokens, coalesce(sum(u.completion_tokens), 0)::bigint AS completion_tokens
    FROM months m
    LEFT JOIN model_usage u ON u.business_id = m.id AND u.created_at >= ${earliest}::timestamptz
      AND u.created_at >= (m.local_start AT TIME ZONE m.time_zone)
      AND u.created_at < ((m.local_start + interval '1 month') AT TIME ZONE m.time_zone)
    GROUP BY m.id, m.name, m.time_zone, m.local_start, u.model
    ORDER BY m.name, m.id, u.model`;
  const months = new Map<string, MonthUsage>();
  for (const row of rows) {
    const month = months.get(row.business_id) ?? { businessId: row.business_id, timeZone: row.time_zone, month: row.month, models: [] };
    months.set(row.business_id, month);
    // A business without a call this month has one row, with no model.
    if (row.model !== null) month.models.push(tokensOf({ ...row, model: row.model }));
  }
  return [...months.values()];
}

function tokensOf(row: { model: string; calls: number; prompt_tokens: bigint | number; completion_tokens: bigint | number }): ModelTokens {
  return { model: row.model, calls: row.calls, promptTokens: Number(row.prompt_tokens), completionTokens: Number(row.completion_tokens) };
}

/** Businesses a person may mean by `ref`: its ID, its phone_number_id, or its name (any case). */
export async function findBusinesses(db: Database, ref: string): Promise<BusinessRef[]> {
  const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(ref);
  return db.business.findMany({
    where: { OR: [...(isUuid ? [{ id: ref }] : []), { phoneNumberId: ref }, { name: { equals: ref, mode: 'insensitive' as const } }] },
    select: { id: true, name: true, phoneNumberId: true, timeZone: true },
    orderBy: { name: 'asc' },
  });
}
