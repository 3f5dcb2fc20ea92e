// The conversation ledger. Inbound messages are unique by wamid forever, which
// is what stops a webhook Meta redelivers after Temporal has forgotten the
// workflow ID. Outbound messages are written before and after each send.
import type { ChatMessage } from '../agent/types';
import { Prisma, type Database } from './client';
import { queryOne, queryRow, queryRows } from './sql';
import type { MessageStatus } from '../generated/prisma/enums';

export interface InboundRecord {
  businessId: string;
  customerId: string;
  wamid: string;
  type: string;
  text: string;
  sentByCustomerAt: Date;
  workflowId: string;
  runId: string;
}

/**
 * Stores an inbound message once. Returns the workflow that first stored it when
 * that was another run: Meta redelivered a message Temporal no longer remembers.
 */
export async function recordInbound(db: Database, record: InboundRecord): Promise<{ duplicateOf?: string }> {
  const stored = await queryRow(
    db,
    `INSERT INTO message (id, business_id, customer_id, direction, role, type, text, wamid, workflow_id, workflow_run_id, status, sent_by_customer_at, created_at)
     VALUES (gen_random_uuid(), $1, $2, 'INBOUND', 'USER', $3, $4, $5, $6, $7, 'RECEIVED', $8, $9)
     ON CONFLICT (wamid) DO NOTHING RETURNING id`,
    [record.businessId, record.customerId, record.type, record.text, record.wamid, record.workflowId, record.runId, record.sentByCustomerAt, new Date()],
  );
  if (stored) return {};
  const existing = await queryOne<{ workflowId: string | null; runId: string | null }>(
    db,
    `message ${record.wamid}`,
    'SELECT workflow_id AS "workflowId", workflow_run_id AS "runId" FROM message WHERE wamid = $1',
    [record.wamid],
  );
  // The same run retrying this step finds its own row: not a duplicate.
  if (existing.runId === record.runId) return {};
  return { duplicateOf: `${existing.workflowId ?? 'unknown'}/${existing.runId ?? 'unknown'}` };
}

/**
 * The last messages of one customer with one business, oldest first, in the
 * order the conversation happened: replies where they were sent, and each run of
 * customer messages between two replies in the order the customer wrote them
 * (WhatsApp's timestamp), so a late delivery still reads as written.
 */
export async function loadHistory(
  db: Database,
  businessId: string,
  customerId: string,
  limit: number,
  /** A turn's own reply (its outbound keys start with `<replyKey>:`) is not part of what it answers. */
  { exceptReplyKey }: { exceptReplyKey?: string } = {},
): Promise<ChatMessage[]> {
  // Reactions carry no words to answer; failed sends never reached the customer. An inbound row has no outbound key.
  const rows = await queryRows<{ role: string; text: string; sentByCustomerAt: Date | null; createdAt: Date }>(
    db,
    `SELECT role::text AS role, text, sent_by_customer_at AS "sentByCustomerAt", created_at AS "createdAt"
     FROM message
     WHERE business_id = $1 AND customer_id = $2 AND status <> 'FAILED' AND type <> 'reaction'
       AND ($4::text IS NULL OR outbound_key IS NULL OR NOT starts_with(outbound_key, $4::text || ':'))
     ORDER BY created_at DESC, seq DESC
     LIMIT $3`,
    [businessId, customerId, limit, exceptReplyKey || null],
  );
  const ordered: typeof rows = [];
  let customerRun: typeof rows = [];
  const flushRun = () => {
    ordered.push(...customerRun.sort((a, b) => (a.sentByCustomerAt ?? a.createdAt).getTime() - (b.sentByCustomerAt ?? b.createdAt).getTime()));
    customerRun = [];
  };
  for (const row of rows.reverse()) {
    if (row.role === 'USER') customerRun.push(row);
    else {
      flushRun();
      ordered.push(row);
    }
  }
  flushRun();
  return ordered.map((row) => ({ role: row.role === 'USER' ? 'user' : 'assistant', content: row.text }));
}

export interface OutboundDraft {
  businessId: string;
  customerId: string;
  outboundKey: string;
  /** text or interactive (buttons, list). */
  type?: string;
  text: string;
  workflowId: string;
  runId: string;
  /** Written by a person in the console rather than by the bot. */
  sentByUserId?: string;
}

/** Writes the outbound row before sending; a retry finds it, and its wamid if the send already went through. */
export async function prepareOutbound(db: Database, draft: OutboundDraft): Promise<{ id: string; wamid: string | null; sendAttemptedAt: Date | null }> {
  // On a retry the row is there already: the no-op update makes RETURNING give it back as it is.
  return queryOne(
    db,
    `outbound message ${draft.outboundKey}`,
    `INSERT INTO message (id, business_id, customer_id, direction, role, type, text, outbound_key, workflow_id, workflow_run_id, status, sent_by_user_id, created_at)
     VALUES (gen_random_uuid(), $1, $2, 'OUTBOUND', 'ASSISTANT', $3, $4, $5, $6, $7, 'PENDING', $8, $9)
     ON CONFLICT (outbound_key) DO UPDATE SET outbound_key = EXCLUDED.outbound_key
     RETURNING id, wamid, send_attempted_at AS "sendAttemptedAt"`,
    [
      draft.businessId,
      draft.customerId,
      draft.type ?? 'text',
      draft.text,
      draft.outboundKey,
      draft.workflowId,
      draft.runId,
      draft.sentByUserId ?? null,
      new Date(),
    ],
  );
}

export async function markOutboundSent(db: Database, messageId: string, wamid: string, sentAt: Date): Promise<void> {
  // Status webhooks that raced ahead of this write, from this business's number, are read in the same statement.
  const early = await queryRows<{ businessId: string; status: MessageStatus; occurredAt: Date; errorCode: number | null; errorTitle: string | null }>(
    db,
    `WITH sent AS (
       UPDATE message SET wamid = $2, status = 'SENT', sent_at = $3, send_attempted_at = NULL WHERE id = $1 RETURNING business_id
     )
     SELECT p.business_id AS "businessId", p.status::text AS status, p.occurred_at AS "occurredAt", p.error_code AS "errorCode", p.error_title AS "errorTitle"
     FROM pending_status AS p JOIN sent ON p.business_id = sent.business_id AND p.wamid = $2
     ORDER BY p.occurred_at ASC`,
    [messageId, wamid, sentAt],
  );
  if (early.length === 0) return;
  // Rare: applied now, and unparked with them.
  const { businessId } = early[0]!;
  await db.$transaction(async (tx) => {
    for (const s of early) await applyStatus(tx as unknown as Database, { ...s, wamid });
    await tx.pendingStatus.deleteMany({ where: { businessId, wamid } });
  });
}

export async function markOutboundFailed(db: Database, messageId: string, errorCode: number | undefined, errorTitle: string): Promise<void> {
  await db.message.update({
    where: { id: messageId },
    data: { status: 'FAILED', failedAt: new Date(), errorCode: errorCode ?? null, errorTitle: errorTitle.slice(0, 500), sendAttemptedAt: null },
  });
}

/**
 * A reply to a test customer of the console's "Try it" chat: shown in the console
 * and never sent, so it is sent as far as anyone will know, with no WhatsApp ID.
 * Repeating it (a retried step) changes nothing.
 */
export async function markOutboundShownInConsole(db: Database, messageId: string, sentAt: Date): Promise<void> {
  await db.message.updateMany({ where: { id: messageId, status: 'PENDING' }, data: { status: 'SENT', sentAt } });
}

export interface StatusUpdate {
  /** The business whose number the status came for: a status only ever changes that business's messages. */
  businessId: string;
  wamid: string;
  status: MessageStatus;
  occurredAt: Date;
  errorCode?: number | null;
  errorTitle?: string | null;
  /** The callback data Meta echoed: with the business, it finds a send whose answer was lost. */
  callbackData?: string;
}

const TIMESTAMP_COLUMN: Partial<Record<MessageStatus, string>> = {
  SENT: 'sent_at',
  DELIVERED: 'delivered_at',
  READ: 'read_at',
  FAILED: 'failed_at',
};

/**
 * Records a delivery status on an outbound message. The status only moves forward
 * (the enum's declaration order), so a late `delivered` never replaces `read`; the
 * moment of every status is kept. Unknown wamids are parked in pending_status,
 * under the business, until the send records its wamid or the park expires.
 */
export async function recordStatus(db: Database, update: StatusUpdate): Promise<'applied' | 'pending'> {
  const matched = await applyStatus(db, update);
  if (matched > 0) return 'applied';
  if (update.callbackData && (await linkLostSend(db, update.businessId, update.callbackData, update.wamid))) {
    await applyStatus(db, update);
    return 'applied';
  }
  const parked = await db.pendingStatus.create({
    data: {
      businessId: update.businessId,
      wamid: update.wamid,
      status: update.status,
      occurredAt: update.occurredAt,
      errorCode: update.errorCode ?? null,
      errorTitle: update.errorTitle ?? null,
    },
  });
  // The send may have recorded its wamid between our update and the insert; look once more.
  if ((await applyStatus(db, update)) > 0) {
    await db.pendingStatus.delete({ where: { id: parked.id } });
    return 'applied';
  }
  return 'pending';
}

/**
 * A status for a wamid we never recorded, carrying the outbound key we sent as
 * callback data: Meta took a send whose answer we never got (a crash or a
 * timeout). Recording its wamid now keeps a retry from sending it again.
 */
async function linkLostSend(db: Database, businessId: string, outboundKey: string, wamid: string): Promise<boolean> {
  const linked = await db.message.updateMany({
    where: { businessId, outboundKey, direction: 'OUTBOUND', wamid: null },
    data: { wamid, status: 'SENT', sendAttemptedAt: null },
  });
  return linked.count > 0;
}

/** The outbound message's wamid, if a status has linked it since; used by a retried send. */
export async function outboundWamid(db: Database, messageId: string): Promise<string | null> {
  return (await queryOne<{ wamid: string | null }>(db, `message ${messageId}`, 'SELECT wamid FROM message WHERE id = $1', [messageId])).wamid;
}

/** Notes that a send is about to go to Meta; see Message.sendAttemptedAt. */
export async function markSendAttempted(db: Database, messageId: string, attempted: boolean): Promise<void> {
  await queryRows(db, 'UPDATE message SET send_attempted_at = $2 WHERE id = $1', [messageId, attempted ? new Date() : null]);
}

async function applyStatus(db: Database, update: StatusUpdate): Promise<number> {
  const column = TIMESTAMP_COLUMN[update.status];
  if (!column) throw new Error(`Not a delivery status: ${update.status}`);
  const isFailure = update.status === 'FAILED';
  return db.$executeRaw`
    UPDATE "message" SET
      "status" = GREATEST("status", ${update.status}::"MessageStatus"),
      ${Prisma.raw(`"${column}"`)} = COALESCE(${Prisma.raw(`"${column}"`)}, ${update.occurredAt}),
      "error_code" = CASE WHEN ${isFailure} THEN ${update.errorCode ?? null}::int ELSE "error_code" END,
      "error_title" = CASE WHEN ${isFailure} THEN ${update.errorTitle ?? null}::text ELSE "error_title" END
    WHERE "wamid" = ${update.wamid} AND "business_id" = ${update.businessId}::uuid AND "direction" = 'OUTBOUND'`;
}

/** How long a status may wait for its message; Meta reports a send within seconds of it. */
export const PARKED_STATUS_TTL_MS = 7 * 24 * 60 * 60_000;

/** Drops parked statuses no send has claimed within the TTL: they belong to no message we will ever record. */
export async function expireParkedStatuses(db: Database, now: Date, ttlMs = PARKED_STATUS_TTL_MS): Promise<number> {
  const { count } = await db.pendingStatus.deleteMany({ where: { createdAt: { lt: new Date(now.getTime() - ttlMs) } } });
  return count;
}
