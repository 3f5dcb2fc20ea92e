// The conversation workflow's state as the database mirrors it for the inbox
// (who handles the conversation, whether it needs a person), each turn's
// record, and the state a new conversation run starts from. The workflow
// decides; these rows follow it.
import type { ControlState, NeedsPerson } from '../workflows/control';
import type { TurnRecord } from '../workflows/activity-contracts';
import { Prisma, type Database } from './client';
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
  const row = await db.customer.findUniqueOrThrow({ where: { id: customerId }, select: { needsPersonReason: true, needsPersonAt: true } });
  return row.needsPersonReason ? { reason: row.needsPersonReason, sinceMs: (row.needsPersonAt ?? new Date()).getTime() } : null;
}

export async function handBackAfterMs(db: Database, businessId: string): Promise<number> {
  const b = await db.business.findUniqueOrThrow({ where: { id: businessId }, select: { handBackAfterMinutes: true } });
  return b.handBackAfterMinutes * 60_000;
}

/** Records a turn once: a retried step finds the row its turn key already made. */
export async function recordTurn(db: Database, record: TurnRecord): Promise<void> {
  const customer = await currentCustomer(db, record.customerId);
  const data = {
    businessId: record.businessId,
    customerId: customer.id,
    turnKey: record.turnKey,
    workflowId: record.workflowId,
    runId: record.runId,
    outcome: record.outcome,
    toolCalls: record.toolCalls as unknown as Prisma.InputJsonValue,
    effects: record.effects as unknown as Prisma.InputJsonValue,
    modelCalls: record.modelCalls,
    error: record.error?.slice(0, 2000) ?? null,
    replyText: record.replyText,
    needsPerson: record.needsPerson,
  };
  await db.$transaction([
    db.turn.upsert({ where: { turnKey: record.turnKey }, create: data, update: {} }),
    // The messages it took now say so (a message held for a person and then answered is no longer held).
    db.message.updateMany({
      where: { businessId: record.businessId, direction: 'INBOUND', wamid: { in: record.wamids } },
      data: { turnKey: record.turnKey, heldForPerson: false },
    }),
  ]);
}

/** Messages a person had to answer; one a turn took already keeps its turn. */
export async function recordHeldMessages(db: Database, businessId: string, wamids: string[]): Promise<void> {
  await db.message.updateMany({ where: { businessId, direction: 'INBOUND', wamid: { in: wamids }, turnKey: null }, data: { heldForPerson: true } });
}
