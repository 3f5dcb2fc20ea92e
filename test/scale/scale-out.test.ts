// Scale-out on one machine: two API processes and two worker processes on one task
// queue, against the Temporal server on PostgreSQL (scale-setup.ts), as a deployment
// that has outgrown one machine runs them behind a load balancer. Meta's deliveries
// land on either API; workflow and activity tasks on either worker.
//
// - A duplicate storm spread over both APIs starts each message's workflow once.
// - One customer's burst, its messages landing on alternate APIs, is answered in order, each message once.
// - A worker SIGKILLed while turns are in flight: the other finishes them, each reply sent once, no booking twice.
import pg from 'pg';
import { fromLocal, parseLocalDateTime } from '../../src/booking/time';
import type { IntakeReport } from '../../src/api/intake';
import { findFreePort } from '../../src/local/processes';
import type { Responder } from '../../src/sandbox/openai-api';
import type { TurnResult } from '../../src/workflows/types';
import { messageResultOf } from '../support/deliver';
import { newWamid, postSigned, textMessagePayload } from '../support/payloads';
import { startApiProcess, startWorkerProcess, type ServiceProcess } from '../support/processes';
import { DEMO_PHONE_NUMBER_ID, TEST_APP_SECRET, TEST_VERIFY_TOKEN, useStack } from '../support/stack';
import { until, upcomingWeekday } from '../support/waiting';
import { conversationWorkflowId } from '../../src/workflows/conversation-id';

jest.setTimeout(600_000);

const processes: ServiceProcess[] = [];
const stack = useStack(
  // Meta's status webhooks too: a send whose answer a killed worker never saw is recognised by them, not sent again.
  { inProcessWorker: false, statusWebhooks: true },
  {
    async beforeStop() {
      for (const p of processes) p.kill('SIGKILL');
      await Promise.all(processes.map((p) => p.exited));
    },
  },
);

const TZ = 'Europe/Madrid';
const apiUrls: string[] = [];
const workers: ServiceProcess[] = [];

/**
 * The model answers by quoting what the customer wrote since its last reply, so the replies show which message
 * each turn answered and in what order; "Book HH:MM" makes it book first.
 */
const quotingModel: Responder = (messages) => {
  const last = messages[messages.length - 1]!;
  if (last.role === 'tool') return { content: `Booked: ${String(last.content).includes('"ok":true') ? 'yes' : String(last.content)}` };
  const sinceReply: string[] = [];
  for (let i = messages.length - 1; i >= 0 && messages[i]!.role === 'user'; i--) sinceReply.unshift(String(messages[i]!.content));
  const booking = /Book (\d\d:\d\d) on (\d{4}-\d\d-\d\d)/.exec(sinceReply.join(' '));
  if (booking)
    return { toolCalls: [{ name: 'book_appointment', arguments: { service: 'Haircut', start: `${booking[2]}T${booking[1]}`, customer_name: 'Scale' } }] };
  return { content: `Heard: ${sinceReply.join(' | ')}` };
};

beforeAll(async () => {
  stack.sandbox.openai.respondWith(quotingModel);
  const workerEnv = stack.workerProcessEnv();
  workers.push(...(await Promise.all([startWorkerProcess(workerEnv), startWorkerProcess(workerEnv)])));
  processes.push(...workers);
  await Promise.all(
    [0, 1].map(async () => {
      const port = await findFreePort();
      const api = await startApiProcess({
        ...workerEnv,
        HOST: '127.0.0.1',
        PORT: String(port),
        APP_SECRET: TEST_APP_SECRET,
        VERIFY_TOKEN: TEST_VERIFY_TOKEN,
      });
      processes.push(api);
      apiUrls.push(`http://127.0.0.1:${port}/webhook`);
    }),
  );
});

let customerCounter = 0;
const newCustomer = () => `3469${String(Date.now()).slice(-5)}${String(customerCounter++).padStart(3, '0')}`;

async function post(apiIndex: number, payload: unknown): Promise<IntakeReport> {
  const response = await postSigned(apiUrls[apiIndex % apiUrls.length]!, payload, TEST_APP_SECRET);
  expect(response.status).toBe(200);
  return (await response.json()) as IntakeReport;
}

const resultOf = (workflowId: string): Promise<TurnResult> => messageResultOf(stack, workflowId);
const repliesTo = (waId: string) => stack.sandbox.graph.sent.filter((m) => m.to === waId).map((m) => m.text ?? '');

test('the stack really runs on the Temporal server on PostgreSQL', async () => {
  const url = `${process.env.TEST_POSTGRES_SERVER_URL}/temporal`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const wamid = newWamid();
    const waId = newCustomer();
    const report = await post(0, textMessagePayload({ phoneNumberId: DEMO_PHONE_NUMBER_ID, from: waId, text: 'Hello', wamid }));
    await resultOf(report.messages[0]!.workflowId!);
    // Temporal's own tables, in the PostgreSQL database the schema tool made.
    const { rows } = await client.query<{ count: string }>('SELECT count(*) FROM executions');
    expect(Number(rows[0]!.count)).toBeGreaterThanOrEqual(2);
  } finally {
    await client.end();
  }
});

test('a duplicate storm over both APIs starts each message once and answers it once', async () => {
  const messages = Array.from({ length: 20 }, (_, i) => ({ waId: newCustomer(), wamid: newWamid(), text: `Storm message ${i}` }));
  // Each message three times, alternating APIs, all at once.
  const deliveries = messages.flatMap((m, i) =>
    [0, 1, 2].map((copy) => post(i + copy, textMessagePayload({ phoneNumberId: DEMO_PHONE_NUMBER_ID, from: m.waId, text: m.text, wamid: m.wamid }))),
  );
  const reports = await Promise.all(deliveries);
  const statuses = reports.flatMap((r) => r.messages.map((m) => m.status));
  expect(statuses.filter((s) => s === 'started')).toHaveLength(20);
  expect(statuses.filter((s) => s === 'duplicate')).toHaveLength(40);

  const workflowIds = [...new Set(reports.flatMap((r) => r.messages.map((m) => m.workflowId!)))];
  expect(workflowIds).toHaveLength(20);
  const results = await Promise.all(workflowIds.map(resultOf));
  expect(results.map((r) => r.outcome)).toEqual(Array(20).fill('replied'));
  for (const m of messages) expect(repliesTo(m.waId)).toEqual([`Heard: ${m.text}`]);
});

test("one customer's burst, landing on both APIs, is answered in order with each message once", async () => {
  const waId = newCustomer();
  const sentAt = Math.floor(Date.now() / 1000);
  const burst = Array.from({ length: 8 }, (_, i) => ({ wamid: newWamid(), text: `Burst part ${i + 1}`, timestamp: sentAt + i }));
  const workflowIds: string[] = [];
  for (const [i, message] of burst.entries()) {
    // Two bursts, the second after the first one's turn has started: at least two turns.
    if (i === 4) await until('the first turn to reply', () => repliesTo(waId).length > 0, 30_000);
    const report = await post(i, textMessagePayload({ phoneNumberId: DEMO_PHONE_NUMBER_ID, from: waId, ...message }));
    workflowIds.push(report.messages[0]!.workflowId!);
  }
  const results = await Promise.all(workflowIds.map(resultOf));
  expect(results.every((r) => r.outcome === 'replied' || r.outcome === 'answered-with-later-message')).toBe(true);

  const replies = repliesTo(waId);
  expect(replies.length).toBe(results.filter((r) => r.outcome === 'replied').length);
  expect(replies.length).toBeGreaterThanOrEqual(2);
  // Read one after another, the replies quote every part once, in the order the customer wrote them.
  const quoted = replies.flatMap((reply) => reply.replace(/^Heard: /, '').split(' | '));
  expect(quoted).toEqual(burst.map((m) => m.text));
});

test('a worker SIGKILLed with turns in flight: the other worker finishes them, each reply and booking once', async () => {
  const date = upcomingWeekday('wed');
  const times = ['10:00', '11:00', '12:00', '13:00'];
  const bookers = times.map((time) => ({ waId: newCustomer(), time }));
  const talkers = Array.from({ length: 4 }, () => ({ waId: newCustomer() }));
  // Slow steps, so that the kill finds turns in the middle of a booking or a send.
  stack.sandbox.faults.inject({ endpoint: 'calendar.insert', delayMs: 3_000, times: 4 });
  stack.sandbox.faults.inject({ endpoint: 'whatsapp.send', delayMs: 3_000, times: 8 });
  const sendsBefore = stack.sandbox.faults.hits.filter((h) => h.endpoint === 'whatsapp.send').length;

  const started = await Promise.all([
    ...bookers.map((b, i) => post(i, textMessagePayload({ phoneNumberId: DEMO_PHONE_NUMBER_ID, from: b.waId, text: `Book ${b.time} on ${date}` }))),
    ...talkers.map((t, i) => post(i, textMessagePayload({ phoneNumberId: DEMO_PHONE_NUMBER_ID, from: t.waId, text: 'Are you open today?' }))),
  ]);
  await until(
    'turns to be sending or booking',
    () => stack.sandbox.faults.hits.filter((h) => h.endpoint === 'whatsapp.send').length - sendsBefore >= 2,
    60_000,
  );

  workers[0]!.kill('SIGKILL');
  expect(await workers[0]!.exited).toBe('SIGKILL');

  const results = await Promise.all(started.map((report) => resultOf(report.messages[0]!.workflowId!)));
  expect(results.map((r) => r.outcome)).toEqual(Array(8).fill('replied'));

  for (const { waId } of talkers) expect(repliesTo(waId)).toEqual(['Heard: Are you open today?']);
  for (const { waId } of bookers) expect(repliesTo(waId)).toEqual(['Booked: yes']);
  const slot = (time: string) => fromLocal(parseLocalDateTime(`${date}T${time}`)!, TZ)!.getTime();
  const events = stack.sandbox.calendar
    .allEvents()
    .filter((e) => e.status === 'confirmed' && new Date(String(e.start?.dateTime)).toISOString().startsWith(date));
  expect(events.map((e) => new Date(String(e.start?.dateTime)).getTime()).sort()).toEqual(times.map(slot).sort());
  const appointments = await stack.database.db.appointment.findMany({ where: { status: 'BOOKED', customer: { waId: { in: bookers.map((b) => b.waId) } } } });
  expect(appointments).toHaveLength(4);
  expect(new Set(appointments.map((a) => a.calendarEventId)).size).toBe(4);
});

test("the Web UI's list, read from visibility on PostgreSQL, shows a booking's turn in its columns", async () => {
  // A summary like "Booked Haircut Wed 9 Dec 15:00" once failed every visibility write of its workflow here
  // (PostgreSQL read the colon as tsvector syntax), and the list kept showing the conversation as it was before.
  const waId = newCustomer();
  const report = await post(0, textMessagePayload({ phoneNumberId: DEMO_PHONE_NUMBER_ID, from: waId, text: `Book 15:00 on ${upcomingWeekday('wed')}` }));
  expect((await resultOf(report.messages[0]!.workflowId!)).outcome).toBe('replied');
  const customer = await stack.database.db.customer.findFirstOrThrow({ where: { waId }, select: { id: true } });
  const query = `WorkflowId = "${conversationWorkflowId(customer.id)}"`;
  let columns: Record<string, unknown> = {};
  await until(
    "the conversation's latest turn in the list",
    async () => {
      for await (const execution of stack.temporal.workflow.list({ query })) {
        columns = Object.fromEntries(execution.typedSearchAttributes.getAll().map(({ key, value }) => [key.name, value]));
      }
      return columns.Outcome === 'replied';
    },
    30_000,
  );
  expect(columns.TurnSummary).toMatch(/^Booked .*15\u223600$/);
});
