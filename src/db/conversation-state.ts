// The conversation workflow's state as the database mirrors it for the inbox
// (who handles the conversation, whether it needs a person), each turn's
// record, and the state a new conversation run starts from. The workflow
// decides; these rows follow it.
import type { ControlState, NeedsPerson } from '../workflows/control';
import type { TurnRecord } from '../workflows/activity-contracts';
import type { Database } from './client';
import { queryOne, queryRows } from './sql';
import { currentCustomer } from './customers';

/** Writes the state on the customer's row (the row it was merged into, if so). */
export async function mirrorState(db: Database, customerId: string, { control, needsPerson }: ControlState): Promise<void> {
  const customer = await currentCustomer(db, customerId);
  await db.customer.update({
    where: { id: customer.id },
    data: {
      takenOverById: control.by === 'person' ? control.userId : null,
      takenOverAt: control.by === 'person' ? new Date(control.sinceMs) : null,
      needsPersonReason: needsPerson?.reason ?? null,
      needsPersonAt: needsPerson ? new Date(needsPerson.sinceMs) : null,
    },
  });
}

/**
 * What a new conversation run starts from: "needs a person" as the last run left it (a run that ends when the
 * customer goes quiet keeps the flag for the inbox, and the next run keeps it too). A person's takeover is
 * not carried this way: a run never ends while a person has the conversation, so a takeover on the row with
 * no run behind it is left over from a run that was terminated, and the bot answers again.
 */
export async function startingNeedsPerson(db: Database, customerId: string): Promise<NeedsPerson | null> {
  const row = await queryOne<{ needsPersonReason: string | null; needsPersonAt: Date | null }>(
    db,
    `customer ${customerId}`,
    'SELECT needs_person_reason AS "needsPersonReason", needs_person_at AS "needsPersonAt" FROM customer WHERE id = $1',
    [customerId],
  );
  return row.needsPersonReason ? { reason: row.needsPersonReason, sinceMs: (row.needsPersonAt ?? new Date()).getTime() } : null;
}

export async function handBackAfterMs(db: Database, businessId: string): Promise<number> {
  const b = await db.business.findUniqueOrThrow({ where: { id: businessId }, select: { handBackAfterMinutes: true } });
  return b.handBackAfterMinutes * 60_000;
}

/**
 * Records a turn once, on the customer's current row: a retried step finds the row its turn key already made.
 * The messages it took now say so (a message held for a person and then answered is no longer held).
 * One statement, so both are written or neither.
 */
export async function recordTurn(db: Database, record: TurnRecord): Promise<void> {
  await queryRows(
    db,
    `WITH live AS (
       SELECT COALESCE(merged_into_id, id) AS id FROM customer WHERE id = $2
     ), recorded AS (
       INSERT INTO turn (id, business_id, customer_id, turn_key, workflow_id, run_id, outcome, tool_calls, effects, model_calls, error, reply_text, needs_person, created_at)
       SELECT gen_random_uuid(), $1, live.id, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9, $10, $11, $12, $13 FROM live
       ON CONFLICT (turn_key) DO NOTHING
     )
     UPDATE message SET turn_key = $3, held_for_person = false
     WHERE business_id = $1 AND direction = 'INBOUND' AND wamid = ANY($14::text[])`,
    [
      record.businessId,
      record.customerId,
      record.turnKey,
      record.workflowId,
      record.runId,
      record.outcome,
      JSON.stringify(record.toolCalls),
      JSON.stringify(record.effects),
      record.modelCalls,
      record.error?.slice(0, 2000) ?? null,
      record.replyText ?? null,
      record.needsPerson ?? null,
      new Date(),
      record.wamids,
    ],
  );
}

/** Messages a person had to answer; one a turn took already keeps its turn. */
export async function recordHeldMessages(db: Database, businessId: string, wamids: string[]): Promise<void> {
  await db.message.updateMany({ where: { businessId, direction: 'INBOUND', wamid: { in: wamids }, turnKey: null }, data: { heldForPerson: true } });
}
