// What became of an inbound message, read from the database: the turn that took
// it (a message's workflow ends once the message is handed to its conversation,
// so the turn's outcome is recorded here, with the turn, for the console and for
// anyone who asks: the replay CLI, the tests).
import type { ToolEffect, TurnOutcome, TurnResult } from '../workflows/types';
import type { Database } from './client';

/** The result of a message no turn answered: nothing sent, called or booked. */
export const NOTHING_DONE = { sentMessageIds: [], toolCalls: [], appointments: [], modelCalls: 0 };

/** The turn key of the turn a message led (conversation.ts names turns after their latest message's workflow). */
export const turnKeyOf = (messageWorkflowId: string) => `turn-${messageWorkflowId}`;

/** What became of the message its workflow (by ID) stored; undefined while no turn has taken it. */
export async function messageResult(db: Database, messageWorkflowId: string): Promise<TurnResult | undefined> {
  const message = await db.message.findFirst({
    where: { workflowId: messageWorkflowId, direction: 'INBOUND' },
    select: { businessId: true, turnKey: true, heldForPerson: true },
  });
  if (!message) return undefined;
  if (!message.turnKey) return message.heldForPerson ? { outcome: 'held-for-person', ...NOTHING_DONE } : undefined;
  const turn = await db.turn.findUnique({ where: { turnKey: message.turnKey } });
  if (!turn) return undefined;
  if (message.turnKey !== turnKeyOf(messageWorkflowId)) {
    // Taken by a later message's turn: it answered this one too, or the customer's limit stopped both.
    const answeredBy = message.turnKey.slice('turn-'.length);
    if (turn.outcome === 'rate-limited') return { outcome: 'rate-limited', answeredBy, ...NOTHING_DONE };
    return { outcome: 'answered-with-later-message', answeredBy, ...NOTHING_DONE, ...(turn.replyText ? { replyText: turn.replyText } : {}) };
  }
  const sent = await db.message.findMany({
    where: { businessId: message.businessId, direction: 'OUTBOUND', outboundKey: { startsWith: `${turn.turnKey}:` }, wamid: { not: null } },
    orderBy: { outboundKey: 'asc' },
    select: { wamid: true },
  });
  return {
    outcome: turn.outcome as TurnOutcome,
    ...(turn.replyText !== null ? { replyText: turn.replyText } : {}),
    sentMessageIds: sent.map((m) => m.wamid!),
    toolCalls: (turn.toolCalls as Array<{ name: string }>).map(({ name }) => ({ name })),
    appointments: turn.effects as unknown as ToolEffect[],
    modelCalls: turn.modelCalls,
    ...(turn.error ? { error: turn.error } : {}),
    ...(turn.needsPerson ? { needsPerson: turn.needsPerson } : {}),
  };
}
