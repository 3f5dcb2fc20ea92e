// The sandbox's Langfuse stand-in: the ingestion endpoint's basic auth, and how
// it reads OTLP JSON into traces and observations as Langfuse does.
import { gzipSync } from 'node:zlib';
import { MAX_SANDBOX_TRACES, SANDBOX_LANGFUSE_PUBLIC_KEY, SANDBOX_LANGFUSE_SECRET_KEY, type ReceivedTrace } from '../../src/sandbox/langfuse';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ whatsappAccessToken: 'unused', googleAccessToken: 'unused' });
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.reset());

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const SANDBOX_AUTH = basic(SANDBOX_LANGFUSE_PUBLIC_KEY, SANDBOX_LANGFUSE_SECRET_KEY);
const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';

function post(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  const payload = Buffer.isBuffer(body) ? body : JSON.stringify(body);
  return fetch(`${sandbox.url}/api/public/otel/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: SANDBOX_AUTH, ...headers },
    body: payload,
  });
}

async function traces(): Promise<ReceivedTrace[]> {
  return ((await (await fetch(`${sandbox.url}/sandbox/langfuse/traces`)).json()) as { traces: ReceivedTrace[] }).traces;
}

const str = (key: string, value: string) => ({ key, value: { stringValue: value } });

function span(spanId: string, fields: Record<string, unknown> = {}) {
  return {
    traceId: TRACE_ID,
    spanId,
    name: 'turn',
    startTimeUnixNano: '1764579600000000000',
    endTimeUnixNano: '1764579601500000000',
    attributes: [],
    ...fields,
  };
}

function exportOf(...spans: unknown[]) {
  return { resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: 'x' }, spans }] }] };
}

test.each([
  ['no credentials', undefined],
  ['a wrong secret key', basic(SANDBOX_LANGFUSE_PUBLIC_KEY, 'sk-lf-wrong')],
  ['a wrong public key', basic('pk-lf-wrong', SANDBOX_LANGFUSE_SECRET_KEY)],
  ['a bearer token', `Bearer ${SANDBOX_LANGFUSE_SECRET_KEY}`],
])('an export with %s is refused with 401 and nothing is kept', async (_case, authorization) => {
  const response = await fetch(`${sandbox.url}/api/public/otel/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify(exportOf(span('00f067aa0ba902b7'))),
  });
  expect(response.status).toBe(401);
  expect(await traces()).toEqual([]);
});

test('spans are grouped by trace and read from their Langfuse attributes', async () => {
  const root = span('00f067aa0ba902b7', {
    attributes: [
      str('langfuse.trace.name', 'turn'),
      str('user.id', 'h:0123456789abcdef'),
      str('session.id', 'conversation-c1'),
      { key: 'langfuse.trace.tags', value: { arrayValue: { values: [{ stringValue: 'business:b1' }] } } },
      str('langfuse.trace.metadata.businessId', 'b1'),
      str('langfuse.trace.output', '{"outcome":"replied"}'),
      str('langfuse.observation.type', 'span'),
      str('langfuse.observation.output', '{"outcome":"replied","summary":"Booked Haircut Tue 10:30"}'),
      str('langfuse.observation.metadata.modelCalls', '2'),
    ],
  });
  const generation = span('b7ad6b7169203331', {
    name: 'model call 1',
    parentSpanId: '00f067aa0ba902b7',
    startTimeUnixNano: 1764579600100000000,
    attributes: [
      str('langfuse.observation.type', 'generation'),
      str('langfuse.observation.model.name', 'gpt-4o-mini'),
      str('langfuse.observation.usage_details', '{"input":120,"output":30,"total":150}'),
      str('langfuse.observation.input', '[2 messages hidden]'),
      str('langfuse.observation.level', 'ERROR'),
      str('langfuse.observation.status_message', 'ModelRateLimited'),
      { key: 'langfuse.trace.tags', value: { arrayValue: { values: [{ stringValue: 'customer:h:0123456789abcdef' }] } } },
      { key: 'other', value: { intValue: '7' } },
    ],
  });
  expect((await post(exportOf(generation))).status).toBe(200);
  expect((await post(exportOf(root))).status).toBe(200);

  const [trace, ...more] = await traces();
  expect(more).toEqual([]);
  expect(trace).toMatchObject({
    id: TRACE_ID,
    name: 'turn',
    userId: 'h:0123456789abcdef',
    sessionId: 'conversation-c1',
    tags: ['customer:h:0123456789abcdef', 'business:b1'],
    metadata: { businessId: 'b1' },
    output: { outcome: 'replied' },
  });
  expect(trace!.observations).toEqual([
    {
      id: 'b7ad6b7169203331',
      type: 'generation',
      name: 'model call 1',
      parentId: '00f067aa0ba902b7',
      model: 'gpt-4o-mini',
      usage: { input: 120, output: 30, total: 150 },
      input: '[2 messages hidden]',
      metadata: {},
      level: 'ERROR',
      statusMessage: 'ModelRateLimited',
      startTime: '2025-12-01T09:00:00.100Z',
      endTime: '2025-12-01T09:00:01.500Z',
    },
    {
      id: '00f067aa0ba902b7',
      type: 'span',
      name: 'turn',
      parentId: null,
      output: { outcome: 'replied', summary: 'Booked Haircut Tue 10:30' },
      metadata: { modelCalls: 2 },
      startTime: '2025-12-01T09:00:00.000Z',
      endTime: '2025-12-01T09:00:01.500Z',
    },
  ]);
});

test('a gzip-compressed export is read; the same span sent twice is kept once', async () => {
  const body = gzipSync(JSON.stringify(exportOf(span('00f067aa0ba902b7'))));
  expect((await post(body, { 'content-encoding': 'gzip' })).status).toBe(200);
  expect((await post(exportOf(span('00f067aa0ba902b7', { name: 'turn again' })))).status).toBe(200);
  const [trace] = await traces();
  expect(trace!.observations.map((o) => o.name)).toEqual(['turn again']);
});

test('protobuf is refused with 415, a body that is not an OTLP request with 400', async () => {
  expect((await post(Buffer.from([0x0a, 0x00]), { 'content-type': 'application/x-protobuf' })).status).toBe(415);
  expect((await post({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'not-hex' }] }] }] })).status).toBe(400);
  expect((await post(Buffer.from('{"resourceSpans": ['))).status).toBe(400);
  expect(await traces()).toEqual([]);
});

test(`only the last ${MAX_SANDBOX_TRACES} traces are kept`, async () => {
  const spans = Array.from({ length: MAX_SANDBOX_TRACES + 5 }, (_, i) => span('00f067aa0ba902b7', { traceId: i.toString(16).padStart(32, '0') }));
  expect((await post(exportOf(...spans))).status).toBe(200);
  const kept = await traces();
  expect(kept).toHaveLength(MAX_SANDBOX_TRACES);
  expect(kept[0]!.id).toBe((5).toString(16).padStart(32, '0'));
  expect(kept.at(-1)!.id).toBe((MAX_SANDBOX_TRACES + 4).toString(16).padStart(32, '0'));
});
