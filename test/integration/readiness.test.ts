// PostgreSQL or Temporal briefly unreachable: the API reaches each through a TCP
// proxy the test can cut. /readyz must fail and the webhook must answer 503 (so
// Meta delivers again) — never 200 for a message that was not durably accepted —
// and both must recover on their own once the link is back.
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app';
import { loadConfig } from '../../src/config';
import { createDatabase, type Database } from '../../src/db/client';
import { messageWorkflowId } from '../../src/api/message-workflow-id';
import type { TurnResult } from '../../src/workflows/types';
import { newWamid, postSigned, statusPayload, textMessagePayload } from '../support/payloads';
import { DEMO_PHONE_NUMBER_ID, useStack, TEST_APP_SECRET, TEST_VERIFY_TOKEN } from '../support/stack';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { messageResultOf } from '../support/deliver';

jest.setTimeout(120_000);

let pgProxy: TcpProxy;
let temporalProxy: TcpProxy;
let db: Database;
let connection: Connection;
let app: FastifyInstance;
let baseUrl: string;
/** The API's log lines, where the readiness check puts the detail it keeps from the answer. */
const apiLogLines: string[] = [];
const apiLog = { write: (line: string) => void apiLogLines.push(line) };

const stack = useStack(
  {},
  {
    async beforeStop() {
      await app?.close();
      await connection?.close();
      await db?.$disconnect();
      await Promise.all([pgProxy?.close(), temporalProxy?.close()]);
    },
  },
);

beforeAll(async () => {
  const dbUrl = new URL(stack.database.url);
  pgProxy = await startTcpProxy(dbUrl.hostname, Number(dbUrl.port));
  const [temporalHost, temporalPort] = process.env.TEST_TEMPORAL_ADDRESS!.split(':');
  temporalProxy = await startTcpProxy(temporalHost!, Number(temporalPort));

  dbUrl.port = String(pgProxy.port);
  db = createDatabase(dbUrl.toString(), { maxConnections: 2 });
  connection = await Connection.connect({ address: `127.0.0.1:${temporalProxy.port}` });
  const config = loadConfig({
    NODE_ENV: 'development',
    APP_SECRET: TEST_APP_SECRET,
    VERIFY_TOKEN: TEST_VERIFY_TOKEN,
    TEMPORAL_TASK_QUEUE: stack.taskQueue,
    LOG_LEVEL: 'warn',
  });
  app = await buildApp({ config, db, temporal: new Client({ connection, namespace: 'default' }), logDestination: apiLog });
  await app.listen({ host: '127.0.0.1', port: 0 });
  baseUrl = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
});

async function readiness(): Promise<{ status: number; checks: Record<string, string>; body: string }> {
  const response = await fetch(`${baseUrl}/readyz`);
  const body = await response.text();
  return { status: response.status, checks: (JSON.parse(body) as { checks: Record<string, string> }).checks, body };
}

/** The failed checks logged since `from`: which dependency, and the driver's error text. */
function loggedCheckFailures(from: number): Array<{ dependency: string; error: string }> {
  return apiLogLines
    .slice(from)
    .map((line) => JSON.parse(line) as { msg: string; dependency: string; error: string })
    .filter((entry) => entry.msg === 'Readiness check failed');
}

async function untilReady(): Promise<void> {
  const deadline = Date.now() + 60_000;
  while ((await readiness()).status !== 200) {
    if (Date.now() > deadline) throw new Error(`Not ready again: ${JSON.stringify(await readiness())}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const message = (wamid: string, from: string) => textMessagePayload({ phoneNumberId: DEMO_PHONE_NUMBER_ID, from, text: 'Hello?', wamid });

async function workflowExists(wamid: string): Promise<boolean> {
  try {
    await stack.temporal.workflow.getHandle(messageWorkflowId(wamid)).describe();
    return true;
  } catch {
    return false;
  }
}

test('ready when both answer', async () => {
  expect(await readiness()).toMatchObject({ status: 200, checks: { database: 'ok', temporal: 'ok' } });
});

test('with PostgreSQL unreachable: not ready, and webhooks that need it answer 503; then they recover', async () => {
  pgProxy.cut();
  try {
    const logged = apiLogLines.length;
    const state = await readiness();
    expect(state.status).toBe(503);
    // Fixed words only: the driver's error (hosts, ports, versions) is for the log, not for whoever asks.
    expect(JSON.parse(state.body)).toEqual({ status: 'not ready', checks: { database: 'unreachable', temporal: 'ok' } });
    const failures = loggedCheckFailures(logged);
    expect(failures.map((f) => f.dependency)).toEqual(['database']);
    expect(failures[0]!.error.length).toBeGreaterThan(0);
    expect(state.body).not.toContain(failures[0]!.error);

    // Routing a message needs the business (not cached yet), recording a status needs the database.
    const wamid = newWamid();
    expect((await postSigned(`${baseUrl}/webhook`, message(wamid, '34633000001'), TEST_APP_SECRET)).status).toBe(503);
    expect(await workflowExists(wamid)).toBe(false);
    const status = statusPayload(DEMO_PHONE_NUMBER_ID, { wamid: newWamid(), status: 'delivered', timestamp: Math.floor(Date.now() / 1000) });
    expect((await postSigned(`${baseUrl}/webhook`, status, TEST_APP_SECRET)).status).toBe(503);

    pgProxy.restore();
    await untilReady();
    // Meta's redelivery of the same message is now accepted and answered.
    stack.sandbox.openai.enqueue({ content: 'Here now.' });
    expect((await postSigned(`${baseUrl}/webhook`, message(wamid, '34633000001'), TEST_APP_SECRET)).status).toBe(200);
    const result = (await messageResultOf(stack, messageWorkflowId(wamid))) as TurnResult;
    expect(result.outcome).toBe('replied');
    expect((await postSigned(`${baseUrl}/webhook`, status, TEST_APP_SECRET)).status).toBe(200);
  } finally {
    pgProxy.restore();
  }
});

test('with Temporal unreachable: not ready, and a message answers 503 without being started; then it recovers', async () => {
  temporalProxy.cut();
  try {
    const logged = apiLogLines.length;
    const state = await readiness();
    expect(state.status).toBe(503);
    expect(JSON.parse(state.body)).toEqual({ status: 'not ready', checks: { database: 'ok', temporal: 'unreachable' } });
    const failures = loggedCheckFailures(logged);
    expect(failures.map((f) => f.dependency)).toEqual(['temporal']);
    expect(state.body).not.toContain(failures[0]!.error);

    const wamid = newWamid();
    expect((await postSigned(`${baseUrl}/webhook`, message(wamid, '34633000002'), TEST_APP_SECRET)).status).toBe(503);
    expect(await workflowExists(wamid)).toBe(false);

    temporalProxy.restore();
    await untilReady();
    stack.sandbox.openai.enqueue({ content: 'Back.' });
    expect((await postSigned(`${baseUrl}/webhook`, message(wamid, '34633000002'), TEST_APP_SECRET)).status).toBe(200);
    const result = (await messageResultOf(stack, messageWorkflowId(wamid))) as TurnResult;
    expect(result.outcome).toBe('replied');
    expect(stack.sandbox.graph.sent.filter((m) => m.to === '34633000002').map((m) => m.text)).toEqual(['Back.']);
  } finally {
    temporalProxy.restore();
  }
});

test('past WEBHOOK_MAX_IN_FLIGHT, a webhook is refused at once with 503 and Retry-After, and its redelivery is accepted later', async () => {
  // A second API on the same links, with room for two webhooks at once.
  const config = loadConfig({
    NODE_ENV: 'development',
    APP_SECRET: TEST_APP_SECRET,
    VERIFY_TOKEN: TEST_VERIFY_TOKEN,
    TEMPORAL_TASK_QUEUE: stack.taskQueue,
    LOG_LEVEL: 'silent',
    WEBHOOK_MAX_IN_FLIGHT: '2',
  });
  const narrow = await buildApp({ config, db, temporal: new Client({ connection, namespace: 'default' }) });
  await narrow.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(narrow.server.address() as { port: number }).port}/webhook`;
  try {
    // Warm the business cache, so only Temporal is what the held webhooks wait for.
    stack.sandbox.openai.enqueue({ content: 'Warm.' });
    expect((await postSigned(url, message(newWamid(), '34633000003'), TEST_APP_SECRET)).status).toBe(200);

    temporalProxy.cut();
    // Two webhooks wait on the unreachable Temporal until the start deadline (and then answer 503)…
    const held = [newWamid(), newWamid()].map((wamid, i) => postSigned(url, message(wamid, `3463300001${i}`), TEST_APP_SECRET));
    await new Promise((resolve) => setTimeout(resolve, 500));
    // …so a third is refused at once, before any of them is answered.
    const shedWamid = newWamid();
    const shed = await postSigned(url, message(shedWamid, '34633000020'), TEST_APP_SECRET);
    expect(shed.status).toBe(503);
    expect(shed.headers.get('retry-after')).toBe('5');
    expect(((await shed.json()) as { error: string }).error).toMatch(/too many webhooks in flight/i);
    expect((await Promise.all(held)).map((r) => r.status)).toEqual([503, 503]);

    temporalProxy.restore();
    await untilReady();
    expect(await workflowExists(shedWamid)).toBe(false);
    // Meta's redelivery of the refused one now goes through.
    stack.sandbox.openai.enqueue({ content: 'Now.' });
    expect((await postSigned(url, message(shedWamid, '34633000020'), TEST_APP_SECRET)).status).toBe(200);
    const result = (await messageResultOf(stack, messageWorkflowId(shedWamid))) as TurnResult;
    expect(result.outcome).toBe('replied');
  } finally {
    temporalProxy.restore();
    await narrow.close();
  }
});
