// OpenTelemetry on and off: what is registered, what reaches an OTLP receiver,
// the workflow spans' conversion to the 2.x exporter, and the webhook's server span.
import { context, propagation, SpanKind, SpanStatusCode, trace, TraceFlags } from '@opentelemetry/api';
import type { SerializableSpan } from '@temporalio/interceptors-opentelemetry';
import type { WorkflowInfo } from '@temporalio/workflow';
import Fastify from 'fastify';
import { webhookRoutes } from '../../src/api/webhook-routes';
import { clientInterceptors, startOpenTelemetry, workerTelemetry, type OpenTelemetry } from '../../src/observability/opentelemetry';
import { traceRequests } from '../../src/observability/opentelemetry-http';
import { workflowSpanSink } from '../../src/observability/opentelemetry-workflow-spans';
import { startOtlpReceiver, type OtlpReceiver } from '../support/otlp-receiver';

const log = { warn: jest.fn() };

function isTracing(): boolean {
  const span = trace.getTracer('probe').startSpan('probe');
  const recording = span.isRecording();
  span.end();
  return recording;
}

function injected(): Record<string, string> {
  const carrier: Record<string, string> = {};
  const span = trace.getTracer('probe').startSpan('probe');
  propagation.inject(trace.setSpan(context.active(), span), carrier);
  span.end();
  return carrier;
}

describe('with OTEL_EXPORTER_OTLP_ENDPOINT unset', () => {
  test('nothing is registered, no interceptor or sink is installed, and spans record nothing', () => {
    expect(startOpenTelemetry({}, 'api', log)).toBeUndefined();
    expect(isTracing()).toBe(false);
    expect(injected()).toEqual({});
    expect(clientInterceptors(undefined)).toEqual({});
    expect(workerTelemetry(undefined)).toEqual({ interceptors: { activity: [] }, sinks: {}, workflowInterceptorModules: [] });
  });
});

describe('with OTEL_EXPORTER_OTLP_ENDPOINT set', () => {
  let receiver: OtlpReceiver;
  let otel: OpenTelemetry | undefined;

  beforeEach(async () => {
    log.warn.mockClear();
    receiver = await startOtlpReceiver({ requiredHeaders: { authorization: 'Bearer unit-otlp-token' } });
    // Read by the exporter itself, as the OTLP specification names it.
    process.env.OTEL_EXPORTER_OTLP_HEADERS = 'authorization=Bearer unit-otlp-token';
  });
  afterEach(async () => {
    delete process.env.OTEL_EXPORTER_OTLP_HEADERS;
    await stop();
    await receiver.close();
  });

  function start(process: 'api' | 'worker', config: { OTEL_EXPORTER_OTLP_ENDPOINT?: string; OTEL_SERVICE_NAME?: string } = {}): OpenTelemetry {
    otel = startOpenTelemetry({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, ...config }, process, log);
    if (!otel) throw new Error('OpenTelemetry did not start');
    return otel;
  }

  /** Shuts down, which exports everything still buffered. */
  async function stop(): Promise<void> {
    await otel?.shutdown();
    otel = undefined;
  }

  test('spans go to <endpoint>/v1/traces with the headers and the process as service.name; shutdown flushes and unregisters', async () => {
    const otel = start('worker', { OTEL_EXPORTER_OTLP_ENDPOINT: `${receiver.url}/` });
    expect(isTracing()).toBe(true);
    expect(injected()).toEqual({ traceparent: expect.stringMatching(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/) });
    expect(clientInterceptors(otel).workflow).toHaveLength(1);
    const telemetry = workerTelemetry(otel);
    expect(telemetry.interceptors.activity).toHaveLength(1);
    expect(Object.keys(telemetry.sinks)).toEqual(['exporter']);
    expect(telemetry.workflowInterceptorModules).toEqual([require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors')]);

    trace.getTracer('unit').startSpan('a unit span').end();
    await stop();

    expect(receiver.refused()).toBe(0);
    expect(receiver.spans().filter((s) => s.scope !== 'probe')).toEqual([
      expect.objectContaining({ name: 'a unit span', service: 'whatsapp-booking-worker', scope: 'unit' }),
    ]);
    expect(isTracing()).toBe(false);
    expect(log.warn).not.toHaveBeenCalled();
  });

  test('OTEL_SERVICE_NAME names the service', async () => {
    start('api', { OTEL_SERVICE_NAME: 'booking-api-eu' });
    trace.getTracer('unit').startSpan('named').end();
    await stop();
    expect(receiver.spans().map((s) => s.service)).toEqual(['booking-api-eu']);
  });

  test('a failed export is reported on the process log, not thrown', async () => {
    delete process.env.OTEL_EXPORTER_OTLP_HEADERS;
    start('api');
    trace.getTracer('unit').startSpan('refused').end();
    await stop();
    expect(receiver.refused()).toBe(1);
    expect(receiver.spans()).toEqual([]);
    expect(log.warn).toHaveBeenCalledWith({ otel: expect.any(String) }, 'OpenTelemetry problem');
  });

  test("the workflow sandbox's spans (1.x shape) are exported with their parent, scope and run", async () => {
    const otel = start('worker');
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const sandboxSpan = (name: string, spanId: string, parentSpanId: string): SerializableSpan => ({
      name,
      kind: SpanKind.INTERNAL,
      spanContext: { traceId, spanId, traceFlags: TraceFlags.SAMPLED, traceState: 'vendor=1' },
      parentSpanId,
      startTime: [1_700_000_000, 0],
      endTime: [1_700_000_001, 500],
      duration: [1, 500],
      status: { code: SpanStatusCode.OK },
      attributes: {},
      links: [],
      events: [],
      ended: true,
      droppedAttributesCount: 0,
      droppedEventsCount: 0,
      droppedLinksCount: 0,
      instrumentationLibrary: { name: '@temporalio/interceptor-workflow', version: '1.30.0' },
    });
    const info = { workflowId: 'wa-message-abc', runId: 'run-1', workflowType: 'handleInboundMessage' } as WorkflowInfo;
    void workflowSpanSink(otel.spanProcessor, otel.resource).exporter.export.fn(info, [
      sandboxSpan('RunWorkflow:handleInboundMessage', 'b7ad6b7169203331', '00f067aa0ba902b7'),
      sandboxSpan('StartActivity:recordInboundMessage', 'c7ad6b7169203332', 'b7ad6b7169203331'),
    ]);
    await stop();

    expect(receiver.spans()).toEqual([
      expect.objectContaining({
        traceId,
        spanId: 'b7ad6b7169203331',
        parentSpanId: '00f067aa0ba902b7',
        name: 'RunWorkflow:handleInboundMessage',
        scope: '@temporalio/interceptor-workflow',
        service: 'whatsapp-booking-worker',
        attributes: { temporalWorkflowId: 'wa-message-abc', run_id: 'run-1', temporalWorkflowType: 'handleInboundMessage' },
      }),
      expect.objectContaining({ spanId: 'c7ad6b7169203332', parentSpanId: 'b7ad6b7169203331', name: 'StartActivity:recordInboundMessage' }),
    ]);
  });

  test('each webhook request is a server span with its HTTP facts only; work run in it is its child', async () => {
    start('api');
    const app = Fastify({ logger: false });
    await app.register(async (scope) => {
      const inRequestSpan = traceRequests(scope);
      scope.get('/work', async (request) => inRequestSpan(request, async () => trace.getTracer('unit').startActiveSpan('inner', (span) => span.end())));
      scope.get('/broken', async (_request, reply) => reply.code(500).send({ error: 'broken' }));
    });
    await app.register(webhookRoutes, {
      appSecret: 'unit-app-secret',
      verifyToken: 'unit-verify-token',
      bodyLimit: 2048,
      maxInFlight: 10,
      taskQueue: 'unit-queue',
      db: {} as never,
      temporal: {} as never,
      businesses: {} as never,
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    // A caller's trace context is not adopted: the request starts a trace of its own.
    const foreign = '00-11111111111111111111111111111111-2222222222222222-01';
    expect((await fetch(`${base}/work?secret=query`, { headers: { traceparent: foreign } })).status).toBe(200);
    expect((await fetch(`${base}/broken`)).status).toBe(500);
    expect((await fetch(`${base}/webhook`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"phone":"34600111222"}' })).status).toBe(
      401,
    );
    expect((await fetch(`${base}/webhook?hub.mode=subscribe&hub.verify_token=unit-verify-token&hub.challenge=42`)).status).toBe(200);
    await app.close();
    await stop();

    const spans = receiver.spans();
    const byName = (name: string) => spans.find((s) => s.name === name)!;
    expect(byName('GET /work')).toMatchObject({
      kind: 2,
      attributes: { 'http.request.method': 'GET', 'http.route': '/work', 'url.path': '/work', 'url.scheme': 'http', 'http.response.status_code': 200 },
      statusCode: 0,
    });
    expect(byName('GET /work').parentSpanId).toBeUndefined();
    expect(byName('GET /work').traceId).not.toBe('11111111111111111111111111111111');
    expect(byName('inner')).toMatchObject({ traceId: byName('GET /work').traceId, parentSpanId: byName('GET /work').spanId });
    expect(byName('GET /broken')).toMatchObject({ attributes: { 'http.response.status_code': 500, 'error.type': '500' }, statusCode: 2 });
    expect(byName('POST /webhook')).toMatchObject({ attributes: { 'http.route': '/webhook', 'http.response.status_code': 401 }, statusCode: 0 });
    expect(byName('GET /webhook').attributes['url.path']).toBe('/webhook');
    const exported = JSON.stringify(spans);
    for (const secret of ['unit-verify-token', 'secret=query', '34600111222', 'hub.challenge']) expect(exported).not.toContain(secret);
  });
});
