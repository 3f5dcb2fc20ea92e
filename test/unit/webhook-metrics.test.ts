// Each way a request to /webhook can end is counted under its own result, with
// its latency, over real HTTP; the dependencies throw when touched, so the only
// webhooks that get through carry nothing to start (or fail to start it).
import Fastify, { type FastifyInstance } from 'fastify';
import { webhookRoutes, type WebhookOptions } from '../../src/api/webhook-routes';
import { createApiMetrics, type ApiMetrics } from '../../src/observability/metrics';
import type { WebhookResult } from '../../src/observability/metrics-definitions';
import { signBody } from '../../src/whatsapp/signature';
import { until } from '../support/waiting';
import { sampleSum } from '../support/prometheus';

const APP_SECRET = 'unit-app-secret';
const VERIFY_TOKEN = 'unit-verify-token';

function trap(name: string): never {
  return new Proxy(
    {},
    {
      get(_target, property) {
        throw new Error(`${name}.${String(property)} was touched`);
      },
    },
  ) as never;
}

async function listen(
  metrics: ApiMetrics,
  limits: Pick<WebhookOptions, 'maxInFlight' | 'maxInFlightPerBusiness'>,
): Promise<{ app: FastifyInstance; url: string }> {
  const app = Fastify({ logger: false });
  await app.register(webhookRoutes, {
    appSecret: APP_SECRET,
    verifyToken: VERIFY_TOKEN,
    bodyLimit: 2048,
    ...limits,
    taskQueue: 'unit-queue',
    db: trap('db'),
    temporal: trap('temporal'),
    businesses: trap('businesses'),
    metrics,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url: `http://127.0.0.1:${(app.server.address() as { port: number }).port}/webhook` };
}

const signed = (body: string) => ({ 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, APP_SECRET) });
const EMPTY = '{"object":"whatsapp_business_account","entry":[]}';
const ONE_MESSAGE = JSON.stringify({
  object: 'whatsapp_business_account',
  entry: [
    {
      id: 'waba',
      changes: [
        {
          field: 'messages',
          value: {
            metadata: { phone_number_id: '100000000000001' },
            messages: [{ id: 'wamid.1', from: '34600111222', timestamp: '1718000000', type: 'text', text: { body: 'Hola' } }],
          },
        },
      ],
    },
  ],
});
const handshake = (token: string) => `?hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=42`;

/** The requests counted by result, once the one request made has been: the count moves when its answer has gone, just after the client has it. */
async function counted(metrics: ApiMetrics): Promise<Record<string, number>> {
  const read = async () => (await metrics.registry.getSingleMetric('wa_webhook_requests_total')!.get()).values;
  await until('the request to be counted', async () => (await read()).length > 0, 5_000);
  return Object.fromEntries((await read()).map((v) => [v.labels.result, v.value]));
}

async function observedCount(metrics: ApiMetrics, result: WebhookResult): Promise<number> {
  return sampleSum(await metrics.registry.metrics(), 'wa_webhook_request_duration_seconds_count', { result });
}

describe('one business may hold no place (every webhook carrying a number is refused for it)', () => {
  let metrics: ApiMetrics;
  let app: FastifyInstance;
  let url: string;
  beforeEach(async () => {
    metrics = createApiMetrics();
    ({ app, url } = await listen(metrics, { maxInFlight: 10, maxInFlightPerBusiness: 0 }));
  });
  afterEach(() => app.close());

  test.each<[WebhookResult, number, () => Promise<Response>]>([
    ['verified', 200, () => fetch(`${url}${handshake(VERIFY_TOKEN)}`)],
    ['verify-refused', 403, () => fetch(`${url}${handshake('wrong')}`)],
    [
      'bad-signature',
      401,
      () => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': 'sha256=00' }, body: EMPTY }),
    ],
    ['bad-signature', 401, () => fetch(url, { method: 'POST' })],
    ['bad-json', 400, () => fetch(url, { method: 'POST', headers: signed('{nope'), body: '{nope' })],
    ['bad-payload', 400, () => fetch(url, { method: 'POST', headers: signed('{"object":"page"}'), body: '{"object":"page"}' })],
    ['too-large', 413, () => fetch(url, { method: 'POST', headers: signed('x'.repeat(4096)), body: 'x'.repeat(4096) })],
    ['business-overloaded', 503, () => fetch(url, { method: 'POST', headers: signed(ONE_MESSAGE), body: ONE_MESSAGE })],
    ['accepted', 200, () => fetch(url, { method: 'POST', headers: signed(EMPTY), body: EMPTY })],
  ])('%s (%i) is counted once, with its latency', async (result, status, request) => {
    expect((await request()).status).toBe(status);
    expect(await counted(metrics)).toEqual({ [result]: 1 });
    expect(await observedCount(metrics, result)).toBe(1);
  });
});

describe('a webhook whose business cannot be looked up', () => {
  test('is counted as unavailable: Meta delivers it again', async () => {
    const metrics = createApiMetrics();
    const { app, url } = await listen(metrics, { maxInFlight: 10 });
    try {
      expect((await fetch(url, { method: 'POST', headers: signed(ONE_MESSAGE), body: ONE_MESSAGE })).status).toBe(503);
      expect(await counted(metrics)).toEqual({ unavailable: 1 });
    } finally {
      await app.close();
    }
  });
});

test('with every place taken, a webhook is counted as overloaded', async () => {
  const metrics = createApiMetrics();
  const { app, url } = await listen(metrics, { maxInFlight: 0 });
  try {
    expect((await fetch(url, { method: 'POST', headers: signed(EMPTY), body: EMPTY })).status).toBe(503);
    expect(await counted(metrics)).toEqual({ overloaded: 1 });
  } finally {
    await app.close();
  }
});
