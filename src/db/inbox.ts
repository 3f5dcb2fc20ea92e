// The console's conversations inbox: one row per customer of a business,
// ordered by their last message, and one conversation's timeline (messages
// with their delivery status, and each turn's tools and what they did).
//
// Cost at this scale: the list takes each customer's last message with one
// probe of the message(business_id, customer_id, created_at) index per customer
// of the business, and counts unread messages only for the page it answers.
// Search by message text is an ILIKE over that business's messages (a
// sequential filter, not an index): fine for a small business's thousands of
// messages, and the place for a trigram index if one business grows to millions.
import { z } from 'zod';
import { Prisma, type Database } from './client';

export const INBOX_PAGE_SIZE = 50;
/** The most recent messages a conversation answers with; older ones are left out (the answer says so). */
export const TIMELINE_LIMIT = 500;

/** Who answers the customer and whether a person is needed: the shape the takeover routes answer too. */
export interface ConversationControl {
  customerId: string;
  control: { by: 'bot' } | { by: 'person'; userId: string; name: string; since: string };
  needsPerson: { reason: string; since: string } | null;
}

export interface InboxCustomer {
  customerId: string;
  /** The WhatsApp profile name. */
  name: string | null;
  /** The phone number, shown in clear to the business's own people. */
  waId: string | null;
  /** Set only when Meta gave no phone number. */
  bsuid: string | null;
  /** A test customer of the console's "Try it" chat. */
  isTest: boolean;
}

export interface ConversationSummary extends InboxCustomer, ConversationControl {
  lastMessage: { text: string; type: string; direction: 'inbound' | 'outbound'; at: string };
  /** Customer messages since someone last opened the conversation. */
  unread: number;
}

export interface InboxPage {
  conversations: ConversationSummary[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  next: string | null;
}

export type DeliveryStatus = 'received' | 'pending' | 'sent' | 'delivered' | 'read' | 'failed';

export interface TimelineMessage {
  kind: 'message';
  id: string;
  at: string;
  direction: 'inbound' | 'outbound';
  /** Who wrote it: the customer, the assistant, or a person in the console. */
  from: 'customer' | 'bot' | 'person';
  /** The person's name (or email) for a reply written in the console. */
  sentBy: string | null;
  type: string;
  text: string;
  status: DeliveryStatus;
  /** Meta's reason for a failed send. */
  error: { code: number | null; title: string | null } | null;
  sentAt: string | null;
  deliveredAt: string | null;
  readAt: string | null;
  failedAt: string | null;
}

export interface TurnEffectView {
  kind: string;
  appointmentId: string | null;
  /** Local start time in the business's zone, YYYY-MM-DDTHH:mm. */
  start: string | null;
  service: string | null;
}

export interface TimelineTurn {
  kind: 'turn';
  id: string;
  at: string;
  outcome: string;
  error: string | null;
  modelCalls: number;
  toolCalls: Array<{ name: string; arguments: string }>;
  effects: TurnEffectView[];
  workflowId: string;
  runId: string;
  /** The turn's workflow run in the Temporal Web UI. */
  temporalUrl: string;
}

export type TimelineItem = TimelineMessage | TimelineTurn;

export interface ConversationView extends ConversationControl {
  customer: InboxCustomer;
  /** Oldest first. */
  timeline: TimelineItem[];
  /** Older messages exist than the TIMELINE_LIMIT answered. */
  hasOlder: boolean;
}

export interface InboxQuery {
  search?: string;
  /** The `next` of the page already shown. */
  before?: string;
  includeTests?: boolean;
  limit?: number;
}

/** `next` is the last row's last-message time and customer ID: a cursor that stays valid while messages arrive. */
const cursorPattern = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)_([0-9a-f-]{36})$/;

export const isInboxCursor = (value: string) => cursorPattern.test(value);

interface SummaryRow {
  id: string;
  profile_name: string | null;
  wa_id: string | null;
  bsuid: string | null;
  is_test: boolean;
  needs_person_reason: string | null;
  needs_person_at: Date | null;
  taken_over_by_id: string | null;
  taken_over_at: Date | null;
  taken_over_by_name: string | null;
  taken_over_by_email: string | null;
  last_text: string;
  last_type: string;
  last_direction: 'INBOUND' | 'OUTBOUND';
  last_at: Date;
  unread: number;
}

/** A business's conversations, the most recent first; merged customers appear once, as the customer they became. */
export async function listConversations(db: Database, businessId: string, query: InboxQuery = {}): Promise<InboxPage> {
  const limit = query.limit ?? INBOX_PAGE_SIZE;
  const conditions = [Prisma.sql`c.business_id = ${businessId}::uuid`, Prisma.sql`c.merged_into_id IS NULL`];
  if (!query.includeTests) conditions.push(Prisma.sql`NOT c.is_test`);
  const search = query.search?.trim();
  if (search) conditions.push(searchCondition(search));
  const cursor = query.before ? cursorPattern.exec(query.before) : null;
  const older = cursor ? Prisma.sql`WHERE (last_at, id) < (${new Date(cursor[1]!)}::timestamptz, ${cursor[2]!}::uuid)` : Prisma.empty;

  // The page is chosen first; unread counts and names are then looked up for its rows only.
  const rows = await db.$queryRaw<SummaryRow[]>`
    WITH latest AS (
      SELECT c.id, c.business_id, c.profile_name, c.wa_id, c.bsuid, c.is_test, c.needs_person_reason, c.needs_person_at,
             c.taken_over_by_id, c.taken_over_at, c.last_read_at,
             last.text AS last_text, last.type AS last_type, last.direction AS last_direction, last.created_at AS last_at
      FROM customer c
      CROSS JOIN LATERAL (
        SELECT m.text, m.type, m.direction, m.created_at FROM message m
        WHERE m.business_id = c.business_id AND m.customer_id = c.id
        ORDER BY m.created_at DESC, m.id DESC LIMIT 1
      ) last
      WHERE ${Prisma.join(conditions, ' AND ')}
    ), page AS (
      SELECT * FROM latest ${older} ORDER BY last_at DESC, id DESC LIMIT ${limit + 1}
    )
    SELECT page.*, u.name AS taken_over_by_name, u.email AS taken_over_by_email,
           (SELECT count(*)::int FROM message i
            WHERE i.business_id = page.business_id AND i.customer_id = page.id AND i.direction = 'INBOUND'
              AND (page.last_read_at IS NULL OR i.created_at > page.last_read_at)) AS unread
    FROM page LEFT JOIN admin_user u ON u.id = page.taken_over_by_id
    ORDER BY last_at DESC, id DESC`;

  const shown = rows.slice(0, limit);
  const last = shown[shown.length - 1];
  return {
    conversations: shown.map(toSummary),
    next: rows.length > limit && last ? `${last.last_at.toISOString()}_${last.id}` : null,
  };
}

/** Name, phone number (however it was typed: "+34 611-000"), or any message's text, case-insensitively. */
function searchCondition(search: string): Prisma.Sql {
  const pattern = `%${escapeLike(search)}%`;
  const digits = search.replace(/\D/g, '');
  const looksLikeNumber = /^[\d\s+()-]+$/.test(search) && digits.length > 0;
  const number = looksLikeNumber ? Prisma.sql`OR c.wa_id LIKE ${`%${digits}%`}` : Prisma.empty;
  return Prisma.sql`(c.profile_name ILIKE ${pattern} ${number}
    OR EXISTS (SELECT 1 FROM message s WHERE s.business_id = c.business_id AND s.customer_id = c.id AND s.text ILIKE ${pattern}))`;
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

function toSummary(row: SummaryRow): ConversationSummary {
  return {
    customerId: row.id,
    name: row.profile_name,
    waId: row.wa_id,
    bsuid: row.wa_id ? null : row.bsuid,
    isTest: row.is_test,
    control: controlOf(row.taken_over_by_id, row.taken_over_at, row.taken_over_by_name, row.taken_over_by_email),
    needsPerson: row.needs_person_reason ? { reason: row.needs_person_reason, since: (row.needs_person_at ?? row.last_at).toISOString() } : null,
    lastMessage: {
      text: preview(row.last_text),
      type: row.last_type,
      direction: row.last_direction === 'INBOUND' ? 'inbound' : 'outbound',
      at: row.last_at.toISOString(),
    },
    unread: row.unread,
  };
}

const PREVIEW_LENGTH = 120;

function preview(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > PREVIEW_LENGTH ? `${line.slice(0, PREVIEW_LENGTH - 1)}…` : line;
}

function controlOf(userId: string | null, since: Date | null, name: string | null, email: string | null): ConversationControl['control'] {
  if (!userId) return { by: 'bot' };
  return { by: 'person', userId, name: name || email || 'Someone', since: (since ?? new Date()).toISOString() };
}

const storedToolCalls = z.array(z.object({ name: z.string(), arguments: z.unknown().optional() }).loose()).catch([]);
const storedEffects = z.array(z.object({ kind: z.string(), appointmentId: z.string().optional(), start: z.string().optional() }).loose()).catch([]);

/**
 * One conversation of the business: undefined for a customer of another business or none (the same answer for both).
 * A customer merged into another answers as the one it became.
 */
export async function loadConversation(
  db: Database,
  businessId: string,
  customerId: string,
  temporalUrl: (workflowId: string, runId: string) => string,
): Promise<ConversationView | undefined> {
  const customerSelect = {
    id: true,
    profileName: true,
    waId: true,
    bsuid: true,
    isTest: true,
    mergedIntoId: true,
    needsPersonReason: true,
    needsPersonAt: true,
    takenOverById: true,
    takenOverAt: true,
    takenOverBy: { select: { name: true, email: true } },
  } as const;
  let customer = await db.customer.findFirst({ where: { id: customerId, businessId }, select: customerSelect });
  if (customer?.mergedIntoId) customer = await db.customer.findFirst({ where: { id: customer.mergedIntoId, businessId }, select: customerSelect });
  if (!customer) return undefined;

  const messages = await db.message.findMany({
    where: { businessId, customerId: customer.id },
    orderBy: [{ createdAt: 'desc' }, { seq: 'desc' }],
    take: TIMELINE_LIMIT + 1,
    include: { sentBy: { select: { name: true, email: true } } },
  });
  const hasOlder = messages.length > TIMELINE_LIMIT;
  const shown = messages.slice(0, TIMELINE_LIMIT).reverse();
  const since = hasOlder ? shown[0]?.createdAt : undefined;
  const turns = await db.turn.findMany({
    where: { businessId, customerId: customer.id, ...(since ? { createdAt: { gte: since } } : {}) },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  });
  const services = await serviceNames(
    db,
    businessId,
    turns.flatMap((turn) => storedEffects.parse(turn.effects).map((e) => e.appointmentId)),
  );

  const timeline: TimelineItem[] = [
    ...shown.map((m): TimelineMessage => {
      const person = m.sentByUserId !== null;
      return {
        kind: 'message',
        id: m.id,
        at: m.createdAt.toISOString(),
        direction: m.direction === 'INBOUND' ? 'inbound' : 'outbound',
        from: m.direction === 'INBOUND' ? 'customer' : person ? 'person' : 'bot',
        sentBy: person ? m.sentBy?.name || m.sentBy?.email || 'A former member' : null,
        type: m.type,
        text: m.text,
        status: m.status.toLowerCase() as DeliveryStatus,
        error: m.status === 'FAILED' ? { code: m.errorCode, title: m.errorTitle } : null,
        sentAt: iso(m.sentAt),
        deliveredAt: iso(m.deliveredAt),
        readAt: iso(m.readAt),
        failedAt: iso(m.failedAt),
      };
    }),
    ...turns.map((t): TimelineTurn => ({
      kind: 'turn',
      id: t.id,
      at: t.createdAt.toISOString(),
      outcome: t.outcome,
      error: t.error,
      modelCalls: t.modelCalls,
      toolCalls: storedToolCalls.parse(t.toolCalls).map((call) => ({ name: call.name, arguments: argumentsText(call.arguments) })),
      effects: storedEffects.parse(t.effects).map((e) => ({
        kind: e.kind,
        appointmentId: e.appointmentId ?? null,
        start: e.start ?? null,
        service: (e.appointmentId && services.get(e.appointmentId)) ?? null,
      })),
      workflowId: t.workflowId,
      runId: t.runId,
      temporalUrl: temporalUrl(t.workflowId, t.runId),
    })),
  ];
  // A turn is recorded after the messages it answered and sent, so time alone places it after them.
  timeline.sort((a, b) => a.at.localeCompare(b.at));

  return {
    customerId: customer.id,
    customer: {
      customerId: customer.id,
      name: customer.profileName,
      waId: customer.waId,
      bsuid: customer.waId ? null : customer.bsuid,
      isTest: customer.isTest,
    },
    control: controlOf(customer.takenOverById, customer.takenOverAt, customer.takenOverBy?.name ?? null, customer.takenOverBy?.email ?? null),
    needsPerson: customer.needsPersonReason ? { reason: customer.needsPersonReason, since: (customer.needsPersonAt ?? new Date()).toISOString() } : null,
    timeline,
    hasOlder,
  };
}

async function serviceNames(db: Database, businessId: string, ids: Array<string | undefined>): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((id): id is string => !!id && z.uuid().safeParse(id).success))];
  if (wanted.length === 0) return new Map();
  const rows = await db.appointment.findMany({ where: { businessId, id: { in: wanted } }, select: { id: true, serviceName: true } });
  return new Map(rows.map((r) => [r.id, r.serviceName]));
}

const iso = (date: Date | null) => date?.toISOString() ?? null;

function argumentsText(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * Marks the conversation read up to `upTo` (the newest message the page showed; never later than now, never
 * earlier than it already was), so a message that arrived while the page was loading stays unread.
 * False for a customer not of this business.
 */
export async function markRead(db: Database, businessId: string, customerId: string, upTo?: Date): Promise<boolean> {
  const at = upTo && upTo.getTime() < Date.now() ? upTo : new Date();
  const updated = await db.$executeRaw`
    UPDATE customer SET last_read_at = GREATEST(COALESCE(last_read_at, '-infinity'::timestamptz), ${at}::timestamptz)
    WHERE id = ${customerId}::uuid AND business_id = ${businessId}::uuid`;
  return updated > 0;
}
