// Two businesses on one API, one of them flooded. The API reaches Temporal
// through a proxy the test can hold, so accepted webhooks stay in flight as
// they do when Temporal cannot keep up. The flooded business fills only its
// share of the places: the other's webhooks are still accepted, and every
// customer of both is answered in the end (the flood's refused webhooks when
// Meta delivers them again).
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app';
import { loadConfig } from '../../src/config';
import { seedDemoBusiness } from '../../src/db/demo-business';
import { newWamid, postSigned, textMessagePayload } from '../support/payloads';
import { DEMO_PHONE_NUMBER_ID, TEST_APP_SECRET, TEST_DATA_CONVERTER, TEST_VERIFY_TOKEN, useStack } from '../support/stack';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { until } from '../support/waiting';

jest.setTimeout(180_000);

const A = DEMO_PHONE_NUMBER_ID;
const B = '100000000000502';
const MAX_IN_FLIGHT = 4;
const MAX_PER_BUSINESS = 2;

let temporalProxy: TcpProxy;
let connection: Connection;
let app: FastifyInstance;
let webhookUrl: string;

const stack = useStack(
  {},
  {
    async beforeStop() {
      temporalProxy?.release();
      await app?.close();
      await connection?.close();
      await temporalProxy?.close();
    },
  },
);

beforeAll(async () => {
  const { id } = await seedDemoBusiness(stack.database.db, B);
  await stack.database.db.business.update({ where: { id }, data: { name: 'Second Studio', replyQuietWindowMs: 100, replyMaxWaitMs: 1000 } });
  const [host, port] = process.env.TEST_TEMPORAL_ADDRESS!.split(':');
  temporalProxy = await startTcpProxy(host!, Number(port));
  connection = await Connection.connect({ address: `127.0.0.1:${temporalProxy.port}` });
  const config = loadConfig({
    NODE_ENV: 'development',
    APP_SECRET: TEST_APP_SECRET,
    VERIFY_TOKEN: TEST_VERIFY_TOKEN,
    TEMPORAL_TASK_QUEUE: stack.taskQueue,
    LOG_LEVEL: 'silent',
    WEBHOOK_MAX_IN_FLIGHT: String(MAX_IN_FLIGHT),
    WEBHOOK_MAX_IN_FLIGHT_PER_BUSINESS: String(MAX_PER_BUSINESS),
  });
  app = await buildApp({ config, db: stack.database.db, temporal: new Client({ connection, namespace: 'default', dataConverter: TEST_DATA_CONVERTER }) });
  await app.listen({ host: '127.0.0.1', port: 0 });
  webhookUrl = `http://127.0.0.1:${(app.server.address() as { port: number }).port}/webhook`;
});

const message = (phoneNumberId: string, from: string) => textMessagePayload({ phoneNumberId, from, text: 'Hello, are you open tomorrow?', wamid: newWamid() });
const answered = (phoneNumberId: string, to: string) => stack.sandbox.graph.sent.some((m) => m.phoneNumberId === phoneNumberId && m.to === to);

test('one business flooding cannot take the places of another: both are accepted and both customers answered', async () => {
  stack.sandbox.openai.respondWith(() => ({ content: 'Yes, from 10:00.' }));
  // Both numbers known to the API's directory, so only Temporal is what a held webhook waits for.
  for (const [phoneNumberId, from] of [
    [A, '34677000000'],
    [B, '34688000000'],
  ] as const) {
    expect((await postSigned(webhookUrl, message(phoneNumberId, from), TEST_APP_SECRET)).status).toBe(200);
  }

  temporalProxy.hold();
  let floodAnswers!: Response[];
  let second!: Response;
  const floodCustomers = Array.from({ length: 8 }, (_, i) => `3467700001${i}`);
  const floodPayloads = floodCustomers.map((from) => message(A, from));
  try {
    const finished: Response[] = [];
    const flood = floodPayloads.map((payload) =>
      postSigned(webhookUrl, payload, TEST_APP_SECRET).then((response) => {
        finished.push(response);
        return response;
      }),
    );
    // Past its share, business A's webhooks are refused at once; its first ones wait on Temporal.
    await until('the flood past business A’s share to be refused', () => finished.length === floodPayloads.length - MAX_PER_BUSINESS, 10_000);
    const pending = postSigned(webhookUrl, message(B, '34688000001'), TEST_APP_SECRET);
    // Business B's webhook is not refused at once: it waits for Temporal like A's accepted ones.
    const early = await Promise.race([pending, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 500))]);
    expect(early?.status).toBeUndefined();
    temporalProxy.release();
    [floodAnswers, second] = await Promise.all([Promise.all(flood), pending]);
  } finally {
    temporalProxy.release();
  }

  expect(second.status).toBe(200);
  const statuses = floodAnswers.map((r) => r.status);
  expect(statuses.filter((s) => s === 200)).toHaveLength(MAX_PER_BUSINESS);
  expect(statuses.filter((s) => s === 503)).toHaveLength(floodPayloads.length - MAX_PER_BUSINESS);
  const refused = floodAnswers.filter((r) => r.status === 503);
  expect(refused.map((r) => r.headers.get('retry-after'))).toEqual(refused.map(() => '5'));
  expect(await refused[0]!.json()).toEqual({ error: 'Too many webhooks in flight for this business; deliver again later' });

  // Meta delivers the refused ones again; now they go through.
  for (const [i, response] of floodAnswers.entries()) {
    if (response.status === 503) expect((await postSigned(webhookUrl, floodPayloads[i], TEST_APP_SECRET)).status).toBe(200);
  }
  await until('business B’s customer to be answered', () => answered(B, '34688000001'));
  await until('every customer of business A to be answered', () => floodCustomers.every((to) => answered(A, to)));
});
