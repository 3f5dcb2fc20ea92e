// Exactly once through crashes. Four customers' turns are each held at a
// different step by the stand-ins; the worker process is then killed with
// SIGKILL (no cleanup, no goodbye to Temporal) and a new worker process takes
// over. Every turn must end with exactly one calendar event and appointment row
// per booking and exactly one WhatsApp message per reply part.
import { fromLocal, parseLocalDateTime } from '../../src/booking/time';
import type { FaultEndpoint } from '../../src/sandbox/faults';
import { messageWorkflowId } from '../../src/api/message-workflow-id';
import type { TurnResult } from '../../src/workflows/types';
import { startWorkerProcess, type ServiceProcess } from '../support/processes';
import { useStack } from '../support/stack';
import { upcomingWeekday as upcoming, until, activityStarts } from '../support/waiting';
import { inboundText, startMessage, messageResultOf } from '../support/deliver';

jest.setTimeout(240_000);

const workers: ServiceProcess[] = [];
const TZ = 'Europe/Madrid';
const stack = useStack(
  // Room for C's reply of two WhatsApp messages, which the default max_tokens would cut to one.
  { inProcessWorker: false, statusWebhooks: true, modelMaxOutputTokens: 4000 },
  {
    async beforeStop() {
      for (const worker of workers) worker.kill('SIGKILL');
      await Promise.all(workers.map((w) => w.exited));
    },
  },
);

const hits = (endpoint: FaultEndpoint) => stack.sandbox.faults.hits.filter((h) => h.endpoint === endpoint).length;

function startTurn(waId: string, text: string): { workflowId: string; result: Promise<TurnResult> } {
  const input = inboundText(stack, text, { customer: { waId } });
  const started = startMessage(stack, input);
  return { workflowId: messageWorkflowId(input.wamid), result: started.then((handle) => messageResultOf(stack, handle.workflowId)) };
}

async function attemptsOf(waId: string, activityType: string): Promise<number[]> {
  const customer = await stack.database.db.customer.findFirstOrThrow({ where: { waId } });
  return (await activityStarts(stack.temporal, `conversation-${customer.id}`, activityType)).map((s) => s.attempt);
}

async function workflowTaskTimeouts(waId: string): Promise<number> {
  const customer = await stack.database.db.customer.findFirstOrThrow({ where: { waId } });
  const history = await stack.temporal.workflow.getHandle(`conversation-${customer.id}`).fetchHistory();
  return (history.events ?? []).filter((event) => event.workflowTaskTimedOutEventAttributes).length;
}

test('a worker killed at each step of a turn leaves every booking and reply made exactly once', async () => {
  const { sandbox, database } = stack;
  workers.push(await startWorkerProcess(stack.workerProcessEnv()));

  const date = upcoming('tue');
  const slot = (time: string) => fromLocal(parseLocalDateTime(`${date}T${time}`)!, TZ)!;
  const customers = { A: '34611000001', B: '34611000002', C: '34611000003', D: '34611000004' };

  // The model answers by what each customer wrote, so a model call that runs again after the kill (the turn's
  // steps before the killed one, if they were in the same workflow task) answers the same.
  const longReply = `${'Here is everything about our services. '.repeat(110)}\n\n${'And here are our opening hours in detail. '.repeat(40)}`;
  sandbox.openai.respondWith((messages) => {
    const last = messages[messages.length - 1]!;
    if (last.role === 'tool') return { content: 'Booked, see you then.' };
    const text = String(last.content);
    const booking = /Book a haircut at (\d+)/.exec(text);
    if (booking) {
      const name = booking[1] === '10' ? 'Ana' : 'Bea';
      return { toolCalls: [{ name: 'book_appointment', arguments: { service: 'Haircut', start: `${date}T${booking[1]}:00`, customer_name: name } }] };
    }
    return { content: text === 'Tell me everything' ? longReply : 'Short and sweet.' };
  });

  // A — killed after the model call: the model asked to book, the calendar request is in flight.
  sandbox.faults.inject({ endpoint: 'calendar.insert', hang: 'before' });
  const a = startTurn(customers.A, 'Book a haircut at 10');
  await until('A to reach the calendar', () => hits('calendar.insert') === 1);

  // B — killed after the calendar event was created, before its answer came back.
  sandbox.faults.inject({ endpoint: 'calendar.insert', hang: 'after' });
  const b = startTurn(customers.B, 'Book a haircut at 12');
  await until('B to create its event', () => hits('calendar.insert') === 2);

  // C — killed after a send: the first part of a two-part reply went out and was recorded.
  sandbox.faults.inject({ endpoint: 'whatsapp.send', skip: 1, hang: 'before' });
  const c = startTurn(customers.C, 'Tell me everything');
  await until('C to send its first part', () => hits('whatsapp.send') === 1);
  await until(
    'C to record its first part',
    async () => (await database.db.message.count({ where: { direction: 'OUTBOUND', customer: { waId: customers.C }, wamid: { not: null } } })) === 1,
  );

  // D — killed after the send reached Meta but before the answer (and so the wamid) was recorded.
  sandbox.faults.inject({ endpoint: 'whatsapp.send', hang: 'after' });
  const d = startTurn(customers.D, 'Hi');
  await until('D to reach Meta', () => hits('whatsapp.send') === 2);

  workers[0]!.kill('SIGKILL');
  expect(await workers[0]!.exited).toBe('SIGKILL');
  workers.push(await startWorkerProcess(stack.workerProcessEnv()));

  const results = await Promise.all([a.result, b.result, c.result, d.result]);
  expect(results.map((r) => r.outcome)).toEqual(['replied', 'replied', 'replied', 'replied']);

  // Bookings: one event and one row each.
  const events = sandbox.calendar.allEvents().filter((e) => e.status === 'confirmed');
  expect(events.map((e) => new Date(String(e.start?.dateTime)).getTime()).sort()).toEqual([slot('10:00').getTime(), slot('12:00').getTime()]);
  const appointments = await database.db.appointment.findMany({ where: { status: 'BOOKED' }, include: { customer: true }, orderBy: { startsAt: 'asc' } });
  expect(appointments.map((ap) => [ap.customer.waId, ap.startsAt])).toEqual([
    [customers.A, slot('10:00')],
    [customers.B, slot('12:00')],
  ]);
  expect(new Set(appointments.map((ap) => ap.calendarEventId))).toEqual(new Set(events.map((e) => e.id)));

  // Replies: one message per part, never two.
  const sentTo = (waId: string) => sandbox.graph.sent.filter((m) => m.to === waId).map((m) => m.text);
  expect(sentTo(customers.A)).toEqual(['Booked, see you then.']);
  expect(sentTo(customers.B)).toEqual(['Booked, see you then.']);
  expect(sentTo(customers.C)).toHaveLength(2);
  expect(new Set(sentTo(customers.C)).size).toBe(2);
  expect(sentTo(customers.D)).toEqual(['Short and sweet.']);

  // D's send was recognised from Meta's status webhook (biz_opaque_callback_data), not sent again.
  const dMessage = await database.db.message.findFirstOrThrow({ where: { direction: 'OUTBOUND', customer: { waId: customers.D } } });
  expect(dMessage.wamid).toBe(sandbox.graph.sent.find((m) => m.to === customers.D)!.wamid);
  expect(results[3]!.sentMessageIds).toEqual([dMessage.wamid]);

  // The kill really interrupted each step. A booking, and a reply of several messages, are regular activities:
  // the new worker completed them on a second attempt (history records one started event per activity, carrying
  // the attempt that finished). A one-message reply is a local activity inside the conversation's workflow task:
  // the task timed out with the worker and the new worker ran it again, sending nothing twice.
  expect(await attemptsOf(customers.A, 'runTool')).toEqual([2]);
  expect(await attemptsOf(customers.B, 'runTool')).toEqual([2]);
  expect(await attemptsOf(customers.C, 'replyAndRecordTurn')).toEqual([2]);
  expect(await workflowTaskTimeouts(customers.D)).toBeGreaterThanOrEqual(1);
});
