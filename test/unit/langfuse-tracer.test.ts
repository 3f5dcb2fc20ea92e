// The Langfuse tracer exporting over real HTTP to the sandbox's stand-in: what a
// turn's trace holds, that events from different processes land in one trace
// under one root, what is hidden, and that a Langfuse that fails costs nothing.
import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { createTraceId } from '@langfuse/tracing';
import { loadConfig, ConfigError } from '../../src/config';
import { createLogger } from '../../src/observability/logger';
import { createAgentTracer, type AgentTracer } from '../../src/observability/tracing/agent-tracer';
import { createLangfuseTracer, turnRootSpanId, turnTraceId } from '../../src/observability/tracing/langfuse-tracer';
import { HIDDEN } from '../../src/observability/tracing/redact-arguments';
import { NO_OBSERVER } from '../../src/observability/turn-events';
import { SANDBOX_LANGFUSE_PUBLIC_KEY, SANDBOX_LANGFUSE_SECRET_KEY, sandboxLangfuseSettings } from '../../src/sandbox/langfuse';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { CUSTOMER_NAME, MESSAGE_TEXT, PERSONAL_DATA, REPLY_TEXT, turnEvents } from '../support/turn-event-fixtures';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ whatsappAccessToken: 'unused', googleAccessToken: 'unused' });
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.reset());

function captured() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger('info', 'worker', { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}

function tracerTo(baseUrl: string, { logPii = false, publicKey = SANDBOX_LANGFUSE_PUBLIC_KEY, logger = captured().logger } = {}): AgentTracer {
  return createLangfuseTracer({ publicKey, secretKey: SANDBOX_LANGFUSE_SECRET_KEY, baseUrl, logPii, logger, serviceName: 'test-worker' });
}

/** A turn as two workers report it: one ran the activities (model and tool calls), the other the workflow's end. */
async function traceTurn(logPii: boolean, turnKey?: string) {
  const events = turnEvents(turnKey);
  const activities = tracerTo(sandbox.url, { logPii });
  const workflow = tracerTo(sandbox.url, { logPii });
  activities.observer.modelCall?.(events.firstCall);
  activities.observer.toolCall?.(events.booking);
  workflow.observer.toolCall?.(events.handover);
  activities.observer.modelCall?.(events.failedCall);
  activities.observer.modelCall?.(events.secondCall);
  workflow.observer.turnEnded?.(events.ended);
  await Promise.all([activities.shutdown(), workflow.shutdown()]);
  return events;
}

test('one trace per turn: the root with the outcome, a generation per model call and a span per tool call beneath it', async () => {
  const events = await traceTurn(false);
  const traces = sandbox.langfuse.list();
  expect(traces).toHaveLength(1);
  const [trace] = traces;
  const rootId = turnRootSpanId(events.ref.turnKey);
  // The ID anyone can find the trace by: Langfuse's own derivation from the turn key.
  expect(trace!.id).toBe(await createTraceId(events.ref.turnKey));
  expect(trace!.id).toBe(turnTraceId(events.ref.turnKey));
  expect(trace).toMatchObject({
    name: 'turn',
    userId: events.ref.customerKey,
    sessionId: 'conversation-cust-1',
    tags: expect.arrayContaining(['business:biz-1', `customer:${events.ref.customerKey}`]),
    metadata: { businessId: 'biz-1', outcome: 'replied' },
    output: { outcome: 'replied', summary: 'Booked Haircut Tue 10:30' },
  });

  const byName = Object.fromEntries(trace!.observations.map((o) => [o.name, o]));
  expect(Object.keys(byName).sort()).toEqual(['ask_for_a_person', 'book_appointment', 'model call 1', 'model call 2', 'model call 2 (attempt 2)', 'turn']);
  expect(byName.turn).toMatchObject({
    id: rootId,
    parentId: null,
    type: 'span',
    output: { outcome: 'replied', summary: 'Booked Haircut Tue 10:30' },
    metadata: { outcome: 'replied', modelCalls: 2, toolCalls: 2, errors: 0, promptTokens: 300, completionTokens: 70 },
    startTime: new Date(events.ended.startedAtMs).toISOString(),
    endTime: new Date(events.ended.endedAtMs).toISOString(),
  });
  for (const observation of trace!.observations.filter((o) => o.id !== rootId)) expect(observation.parentId).toBe(rootId);

  expect(byName['model call 1']).toMatchObject({
    type: 'generation',
    model: 'gpt-4o-mini',
    usage: { input: 120, output: 30, total: 150 },
    input: '[2 messages hidden]',
    output: { content: null, toolCalls: [{ name: 'book_appointment', arguments: { service: 'Haircut', start: '2026-12-01T10:30', customer_name: HIDDEN } }] },
    metadata: { iteration: 1, attempt: 1, tokensReported: true },
    startTime: new Date(events.firstCall.startedAtMs).toISOString(),
    endTime: new Date(events.firstCall.startedAtMs + 400).toISOString(),
  });
  expect(byName['model call 1']).not.toHaveProperty('level');
  expect(byName['model call 2']).toMatchObject({
    type: 'generation',
    level: 'ERROR',
    statusMessage: 'ModelRateLimited',
    usage: { input: 0, output: 0, total: 0 },
  });
  expect(byName['model call 2 (attempt 2)']).toMatchObject({
    usage: { input: 180, output: 40, total: 220 },
    output: { content: `[${[...REPLY_TEXT].length} chars hidden]`, toolCalls: [], finishReason: 'stop' },
  });
  expect(byName.book_appointment).toMatchObject({
    type: 'span',
    input: { service: 'Haircut', start: '2026-12-01T10:30', customer_name: HIDDEN },
    output: { ok: true, effect: { kind: 'booked', appointmentId: 'apt-1', service: 'Haircut', start: '2026-12-01T10:30' } },
    metadata: { inWorkflow: false, effect: 'booked' },
  });
  expect(byName.ask_for_a_person).toMatchObject({ input: { reason: HIDDEN }, metadata: { inWorkflow: true } });
});

test('without TRACE_LOG_PII nothing exported holds a phone number, wamid, name or message text', async () => {
  await traceTurn(false);
  const exported = JSON.stringify(sandbox.langfuse.list());
  for (const personal of PERSONAL_DATA) expect(exported).not.toContain(personal);
});

test('with TRACE_LOG_PII the generations carry the messages the model read and wrote', async () => {
  const events = await traceTurn(true);
  const observations = sandbox.langfuse.list()[0]!.observations;
  const first = observations.find((o) => o.name === 'model call 1');
  expect(first?.input).toEqual(events.firstCall.input);
  expect(JSON.stringify(first?.input)).toContain(MESSAGE_TEXT);
  expect(observations.find((o) => o.name === 'model call 2 (attempt 2)')?.output).toEqual({ content: REPLY_TEXT, toolCalls: [], finishReason: 'stop' });
  expect(observations.find((o) => o.name === 'book_appointment')?.input).toMatchObject({ customer_name: CUSTOMER_NAME });
});

test('two turns are two traces', async () => {
  await traceTurn(false, 'turn-message-a');
  await traceTurn(false, 'turn-message-b');
  expect(sandbox.langfuse.list().map((t) => t.id)).toEqual([turnTraceId('turn-message-a'), turnTraceId('turn-message-b')]);
});

test('a Langfuse that refuses the keys, fails or cannot be reached never throws into the turn, and is reported once without the keys', async () => {
  const closedPort = await new Promise<number>((resolve) => {
    const server = createNetServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
  let failedRequests = 0;
  const failing = createHttpServer((_request, response) => {
    failedRequests += 1;
    response.writeHead(503).end();
  });
  await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve));
  const failingUrl = `http://127.0.0.1:${(failing.address() as { port: number }).port}`;
  try {
    for (const [baseUrl, publicKey] of [
      [sandbox.url, 'pk-lf-not-this-one'],
      [failingUrl, SANDBOX_LANGFUSE_PUBLIC_KEY],
      [`http://127.0.0.1:${closedPort}`, SANDBOX_LANGFUSE_PUBLIC_KEY],
    ] as const) {
      const { logger, lines } = captured();
      const tracer = createLangfuseTracer({
        publicKey,
        secretKey: SANDBOX_LANGFUSE_SECRET_KEY,
        baseUrl,
        logPii: false,
        logger,
        serviceName: 'test-worker',
        flushIntervalSeconds: 0.05,
      });
      const events = turnEvents();
      const started = Date.now();
      tracer.observer.modelCall?.(events.firstCall);
      tracer.observer.toolCall?.(events.booking);
      expect(Date.now() - started).toBeLessThan(50);
      // The first batch goes after the flush interval, the second at shutdown: two failures, one line.
      await new Promise((resolve) => setTimeout(resolve, 500));
      tracer.observer.turnEnded?.(events.ended);
      await tracer.shutdown();

      const warnings = lines.filter((l) => l.level === 40);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]!.msg).toMatch(/Langfuse export failed/);
      expect(JSON.stringify(lines)).not.toContain(SANDBOX_LANGFUSE_SECRET_KEY);
    }
  } finally {
    failing.closeAllConnections();
    failing.close();
  }
  expect(failedRequests).toBe(2);
  expect(sandbox.langfuse.list()).toEqual([]);
});

describe('TRACER_TYPE', () => {
  const configWith = (env: Record<string, string>) => loadConfig({ NODE_ENV: 'development', ...env });

  test('console (the default) writes a line per event; none writes nothing', () => {
    const { logger, lines } = captured();
    const tracer = createAgentTracer({ config: configWith({}), logger });
    tracer.observer.turnEnded?.(turnEvents().ended);
    expect(lines).toEqual([expect.objectContaining({ trace: 'turn.end', outcome: 'replied' })]);
    expect(createAgentTracer({ config: configWith({ TRACER_TYPE: 'none' }), logger }).observer).toBe(NO_OBSERVER);
  });

  test('langfuse without both keys stops the process at start with a ConfigError', () => {
    const { logger } = captured();
    expect(() => createAgentTracer({ config: configWith({ TRACER_TYPE: 'langfuse' }), logger })).toThrow(ConfigError);
    expect(() => createAgentTracer({ config: configWith({ TRACER_TYPE: 'langfuse', LANGFUSE_PUBLIC_KEY: 'pk-lf-1' }), logger })).toThrow(/LANGFUSE_SECRET_KEY/);
  });

  test('langfuse exports to LANGFUSE_BASE_URL, else to LANGFUSE_HOST', async () => {
    const { logger } = captured();
    const keys = { TRACER_TYPE: 'langfuse', LANGFUSE_PUBLIC_KEY: SANDBOX_LANGFUSE_PUBLIC_KEY, LANGFUSE_SECRET_KEY: SANDBOX_LANGFUSE_SECRET_KEY };
    const byHost = createAgentTracer({ config: configWith({ ...keys, LANGFUSE_HOST: sandbox.url }), logger });
    byHost.observer.turnEnded?.(turnEvents('turn-by-host').ended);
    await byHost.shutdown();
    const bothSet = createAgentTracer({ config: configWith({ ...keys, LANGFUSE_HOST: 'http://127.0.0.1:9', LANGFUSE_BASE_URL: sandbox.url }), logger });
    bothSet.observer.turnEnded?.(turnEvents('turn-by-base-url').ended);
    await bothSet.shutdown();
    expect(sandbox.langfuse.list().map((t) => t.id)).toEqual([turnTraceId('turn-by-host'), turnTraceId('turn-by-base-url')]);
  });

  test('the settings npm run dev gives a worker without Langfuse keys export to the sandbox', async () => {
    const { logger } = captured();
    const tracer = createAgentTracer({ config: configWith({ TRACER_TYPE: 'langfuse', ...sandboxLangfuseSettings(sandbox.url) }), logger });
    tracer.observer.turnEnded?.(turnEvents().ended);
    await tracer.shutdown();
    expect(sandbox.langfuse.list()).toHaveLength(1);
  });
});
