// SIGTERM, as Kubernetes or docker compose sends it, to the real worker and API
// processes: the worker stops polling, lets the running activity finish and
// exits 0, and a message that arrives while no worker runs is answered once one
// is back; the API stops accepting, finishes the request in flight and exits 0.
import http from 'node:http';
import net from 'node:net';
import { messageWorkflowId } from '../../src/api/message-workflow-id';
import type { TurnResult } from '../../src/workflows/types';
import { signBody } from '../../src/whatsapp/signature';
import { newWamid, postSigned, textMessagePayload } from '../support/payloads';
import { startApiProcess, startWorkerProcess, type ServiceProcess } from '../support/processes';
import { DEMO_PHONE_NUMBER_ID, useStack, TEST_APP_SECRET, TEST_VERIFY_TOKEN } from '../support/stack';
import { upcomingWeekday as upcoming, until } from '../support/waiting';
import { inboundText, startMessage, messageResultOf } from '../support/deliver';

jest.setTimeout(180_000);

const processes: ServiceProcess[] = [];
const stack = useStack(
  { inProcessWorker: false },
  {
    async beforeStop() {
      for (const p of processes) p.kill('SIGKILL');
      await Promise.all(processes.map((p) => p.exited));
    },
  },
);

test('a worker on SIGTERM finishes its running activity and exits 0; a message that arrives meanwhile is answered by the next worker', async () => {
  const { sandbox } = stack;
  const first = await startWorkerProcess(stack.workerProcessEnv());
  processes.push(first);

  // The calendar takes 3 s to answer: the activity is running when SIGTERM arrives.
  const date = upcoming('wed');
  sandbox.faults.inject({ endpoint: 'calendar.insert', delayMs: 3000 });
  sandbox.openai.enqueue({ toolCalls: [{ name: 'book_appointment', arguments: { service: 'Haircut', start: `${date}T10:00`, customer_name: 'Ana' } }] });
  const booking = await startMessage(stack, inboundText(stack, 'Haircut at 10', { customer: { waId: '34622000001' } }));
  await until('the calendar request to be in flight', () => sandbox.faults.hits.length === 1);

  first.kill('SIGTERM');
  expect(await first.exited).toBe(0);
  expect(first.output()).toContain('Worker stopped');
  // The slow calendar call was allowed to finish rather than be abandoned.
  expect(sandbox.calendar.allEvents().filter((e) => e.status === 'confirmed')).toHaveLength(1);

  // With no worker running, the webhook still accepts a message: it waits in Temporal.
  const waitingWamid = newWamid();
  const accepted = await postSigned(
    stack.webhookUrl,
    textMessagePayload({ phoneNumberId: DEMO_PHONE_NUMBER_ID, from: '34622000002', text: 'Anyone there?', wamid: waitingWamid }),
    TEST_APP_SECRET,
  );
  expect(accepted.status).toBe(200);
  expect((await stack.temporal.workflow.getHandle(messageWorkflowId(waitingWamid)).describe()).status.name).toBe('RUNNING');

  // Both conversations reach the model at once on the next worker, in either order:
  // answer each by what it asked rather than from a queue.
  sandbox.openai.respondWith((messages) => (messages.some((m) => m.role === 'tool') ? { content: 'Booked for 10:00.' } : { content: 'Yes, I am here.' }));
  processes.push(await startWorkerProcess(stack.workerProcessEnv()));

  const bookingResult = await messageResultOf(stack, booking.workflowId);
  expect(bookingResult.outcome).toBe('replied');
  expect(bookingResult.appointments).toEqual([expect.objectContaining({ kind: 'booked', start: `${date}T10:00` })]);
  const waiting = (await messageResultOf(stack, messageWorkflowId(waitingWamid))) as TurnResult;
  expect(waiting.outcome).toBe('replied');
  expect(sandbox.graph.sent.filter((m) => m.to === '34622000002').map((m) => m.text)).toEqual(['Yes, I am here.']);

  // No step ran twice: the first worker completed the booking on its way out.
  const customer = await stack.database.db.customer.findFirstOrThrow({ where: { waId: '34622000001' } });
  const history = await stack.temporal.workflow.getHandle(`conversation-${customer.id}`).fetchHistory();
  const attempts = (history.events ?? [])
    .flatMap((e) => (e.activityTaskStartedEventAttributes ? [e.activityTaskStartedEventAttributes.attempt] : []))
    .filter((a) => a !== undefined);
  expect(attempts.every((a) => a === 1)).toBe(true);
  expect(sandbox.calendar.allEvents().filter((e) => e.status === 'confirmed')).toHaveLength(1);
  expect(await stack.database.db.appointment.count({ where: { status: 'BOOKED' } })).toBe(1);
});

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('the API on SIGTERM finishes the request in flight, refuses new connections and exits 0', async () => {
  const port = await freePort();
  const env = stack.workerProcessEnv();
  const api = await startApiProcess({
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'info',
    DATABASE_URL: env.DATABASE_URL!,
    TEMPORAL_ADDRESS: env.TEMPORAL_ADDRESS!,
    TEMPORAL_TASK_QUEUE: stack.taskQueue,
    APP_SECRET: TEST_APP_SECRET,
    VERIFY_TOKEN: TEST_VERIFY_TOKEN,
  });
  processes.push(api);

  const wamid = newWamid();
  const body = JSON.stringify(textMessagePayload({ phoneNumberId: DEMO_PHONE_NUMBER_ID, from: '34622000003', text: 'Sent while the API stops', wamid }));
  const half = Math.floor(body.length / 2);
  const response = new Promise<number>((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/webhook',
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-hub-signature-256': signBody(body, TEST_APP_SECRET) },
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    request.on('error', reject);
    request.write(body.slice(0, half));
    // The rest follows once the API has begun shutting down.
    void api.waitForOutput('Shutting down').then(() => request.end(body.slice(half)));
  });
  // The first half must have arrived before the signal, or the request would not be "in flight".
  await new Promise((resolve) => setTimeout(resolve, 200));
  api.kill('SIGTERM');

  expect(await response).toBe(200);
  expect(await api.exited).toBe(0);
  expect((await stack.temporal.workflow.getHandle(messageWorkflowId(wamid)).describe()).workflowId).toBe(messageWorkflowId(wamid));
  await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
});
