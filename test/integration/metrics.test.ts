// The metrics as Prometheus reads them: turns run through signed webhooks on the
// real stack, then both /metrics endpoints are scraped over HTTP and each counter
// must have moved by exactly what the turn did (model calls and tokens as the
// usage ledger recorded them, parts as the Graph stand-in received them).
import { createApiMetrics, createWorkerMetrics } from '../../src/observability/metrics';
import { metricsObserver } from '../../src/observability/metrics-observer';
import { activityFailureMetrics } from '../../src/observability/metrics-activity-failures';
import { startMetricsServer, type MetricsServer } from '../../src/observability/metrics-server';
import { runtimeMetricsEndpoint, runtimeMetricsOptions, runtimeMetricsText } from '../../src/observability/metrics-runtime';
import { postSigned, statusPayload, textMessagePayload } from '../support/payloads';
import { deliver } from '../support/deliver';
import { parseSamples, sampleSum } from '../support/prometheus';
import { DEMO_PHONE_NUMBER_ID, startStack, TEST_APP_SECRET, type Stack } from '../support/stack';
import { until, upcomingWeekday } from '../support/waiting';

const workerMetrics = createWorkerMetrics();
const apiMetrics = createApiMetrics();
let stack: Stack;
let servers: MetricsServer[] = [];
let workerUrl: string;
let apiUrl: string;

beforeAll(async () => {
  // The SDK's exporter is set when the runtime is installed, once per process: by this file's only stack.
  const sdk = await runtimeMetricsEndpoint();
  stack = await startStack({
    observer: metricsObserver(workerMetrics),
    workerInterceptors: { activity: [activityFailureMetrics(workerMetrics)] },
    runtimeMetrics: runtimeMetricsOptions(sdk),
    apiMetrics,
  });
  servers = await Promise.all([
    startMetricsServer({ host: '127.0.0.1', port: 0, registry: workerMetrics.registry, extra: runtimeMetricsText(sdk) }),
    startMetricsServer({ host: '127.0.0.1', port: 0, registry: apiMetrics.registry }),
  ]);
  workerUrl = `http://127.0.0.1:${servers[0]!.port}/metrics`;
  apiUrl = `http://127.0.0.1:${servers[1]!.port}/metrics`;
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await stack?.stop();
});

beforeEach(() => stack.sandbox.reset());

async function scrape(url: string): Promise<string> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return response.text();
}

/** What a scrape now reads minus what it read at `before`, for one series (or the sum of those matching). */
function moved(before: string, after: string, name: string, labels: Record<string, string> = {}): number {
  return sampleSum(after, name, labels) - sampleSum(before, name, labels);
}

let customers = 0;
const newCustomer = () => `3466${Date.now() % 1e6}${customers++}`;

/** Delivers one text message through the signed webhook and waits for its turn to be counted as ended. */
async function turn(text: string, waId: string, before: string): Promise<{ outcome: string; after: string }> {
  const result = await deliver(stack, textMessagePayload({ phoneNumberId: DEMO_PHONE_NUMBER_ID, from: waId, text }));
  // The turn's end reaches the metrics through a workflow sink, right after the workflow's task.
  let after = '';
  await until('the turn to be counted', async () => {
    after = await scrape(workerUrl);
    return moved(before, after, 'wa_turns_total') >= 1;
  });
  return { outcome: result.outcome, after };
}

test('a booking turn moves each counter by what the turn did', async () => {
  const [workerBefore, apiBefore] = await Promise.all([scrape(workerUrl), scrape(apiUrl)]);
  const date = upcomingWeekday('tue');
  stack.sandbox.openai.enqueue(
    { toolCalls: [{ name: 'check_availability', arguments: { service: 'Haircut', date, days: null } }] },
    { toolCalls: [{ name: 'book_appointment', arguments: { service: 'Haircut', start: `${date}T10:30`, customer_name: 'Ana' } }] },
    { content: `Booked: *Haircut* on ${date} at 10:30.` },
  );
  const waId = newCustomer();
  const { outcome, after } = await turn('Haircut Tuesday 10:30?', waId, workerBefore);
  expect(outcome).toBe('replied');
  const business = { business: stack.businessId };

  expect(moved(workerBefore, after, 'wa_turns_total', { ...business, outcome: 'replied' })).toBe(1);
  expect(moved(workerBefore, after, 'wa_turns_total')).toBe(1);
  expect(moved(workerBefore, after, 'wa_turn_duration_seconds_count', business)).toBe(1);

  // Model calls and tokens, as the usage ledger recorded them for this turn.
  const usage = await stack.database.db.modelUsage.findMany({ where: { customer: { waId } } });
  expect(usage).toHaveLength(3);
  expect(new Set(usage.map((row) => row.turnKey)).size).toBe(1);
  const model = { ...business, model: usage[0]!.model };
  expect(moved(workerBefore, after, 'wa_model_calls_total', { ...model, result: 'ok' })).toBe(usage.length);
  expect(moved(workerBefore, after, 'wa_model_calls_total')).toBe(usage.length);
  const tokens = (kind: 'promptTokens' | 'completionTokens') => usage.reduce((sum, row) => sum + row[kind], 0);
  expect(moved(workerBefore, after, 'wa_model_tokens_total', { ...model, kind: 'prompt' })).toBe(tokens('promptTokens'));
  expect(moved(workerBefore, after, 'wa_model_tokens_total', { ...model, kind: 'completion' })).toBe(tokens('completionTokens'));
  expect(tokens('promptTokens')).toBeGreaterThan(0);
  expect(moved(workerBefore, after, 'wa_model_call_duration_seconds_count', model)).toBe(usage.length);

  expect(moved(workerBefore, after, 'wa_tool_calls_total', { tool: 'check_availability', result: 'ok' })).toBe(1);
  expect(moved(workerBefore, after, 'wa_tool_calls_total', { tool: 'book_appointment', result: 'ok' })).toBe(1);
  expect(moved(workerBefore, after, 'wa_tool_calls_total')).toBe(2);
  expect(moved(workerBefore, after, 'wa_appointment_changes_total', { ...business, change: 'booked', by: 'customer' })).toBe(1);
  expect(moved(workerBefore, after, 'wa_appointment_changes_total')).toBe(1);

  const parts = stack.sandbox.graph.sent.filter((m) => m.to === waId);
  expect(parts.length).toBeGreaterThan(0);
  expect(moved(workerBefore, after, 'wa_whatsapp_sends_total', { ...business, result: 'sent', code: '' })).toBe(parts.length);
  expect(moved(workerBefore, after, 'wa_whatsapp_sends_total')).toBe(parts.length);
  expect(moved(workerBefore, after, 'wa_activity_failures_total')).toBe(0);

  // Meta reports the reply delivered: a second accepted webhook, carrying a status.
  const status = await postSigned(
    stack.webhookUrl,
    statusPayload(DEMO_PHONE_NUMBER_ID, { wamid: parts[0]!.wamid, status: 'delivered', timestamp: Math.floor(Date.now() / 1000) }),
    TEST_APP_SECRET,
  );
  expect(status.status).toBe(200);
  let apiAfter = '';
  await until('both webhooks to be counted', async () => {
    apiAfter = await scrape(apiUrl);
    return moved(apiBefore, apiAfter, 'wa_webhook_requests_total') >= 2;
  });
  expect(moved(apiBefore, apiAfter, 'wa_webhook_requests_total', { result: 'accepted' })).toBe(2);
  expect(moved(apiBefore, apiAfter, 'wa_webhook_requests_total')).toBe(2);
  expect(moved(apiBefore, apiAfter, 'wa_webhook_request_duration_seconds_count', { result: 'accepted' })).toBe(2);
  expect(moved(apiBefore, apiAfter, 'wa_webhook_messages_total', { ...business, status: 'started' })).toBe(1);
  expect(moved(apiBefore, apiAfter, 'wa_webhook_statuses_total', { ...business, status: 'delivered', recorded: 'applied' })).toBe(1);
});

test("an owner's cancellation from the console counts as cancelled by the owner", async () => {
  // The appointment the booking turn above made.
  const appointment = await stack.database.db.appointment.findFirstOrThrow({ where: { businessId: stack.businessId, status: 'BOOKED' } });
  const owner = await stack.database.db.adminUser.create({ data: { email: `owner-${Date.now()}@example.com`, passwordHash: 'not-used' } });
  const before = await scrape(workerUrl);
  // As the console starts it (src/api/admin/appointment-routes.ts).
  const result = await stack.temporal.workflow.execute('ownerAppointmentChange', {
    taskQueue: stack.taskQueue,
    workflowId: `owner-appointment-change-${stack.businessId}-${appointment.id}`,
    args: [{ businessId: stack.businessId, appointmentId: appointment.id, change: { kind: 'cancel' }, actor: { userId: owner.id, email: owner.email } }],
  });
  expect(result).toMatchObject({ ok: true });
  const after = await scrape(workerUrl);

  expect(moved(before, after, 'wa_appointment_changes_total', { business: stack.businessId, change: 'cancelled', by: 'owner' })).toBe(1);
  expect(moved(before, after, 'wa_appointment_changes_total')).toBe(1);
  // The customer is told, through the same sends.
  expect(moved(before, after, 'wa_whatsapp_sends_total', { result: 'sent' })).toBe(1);
});

test('a reply Meta refuses counts under its code, and the failed attempt under its class', async () => {
  stack.sandbox.faults.inject({
    endpoint: 'whatsapp.send',
    respond: { status: 400, body: { error: { message: 'Re-engagement', type: 'OAuthException', code: 131047 } } },
  });
  stack.sandbox.openai.enqueue({ content: 'This will not arrive.' });
  const before = await scrape(workerUrl);
  const { outcome, after } = await turn('hi', newCustomer(), before);

  expect(outcome).toBe('send-failed');
  expect(moved(before, after, 'wa_whatsapp_sends_total', { business: stack.businessId, result: 'failed', code: '131047' })).toBe(1);
  expect(moved(before, after, 'wa_whatsapp_sends_total')).toBe(1);
  expect(moved(before, after, 'wa_activity_failures_total', { activity: 'replyAndRecordTurn', class: 'WhatsAppSendRefused' })).toBe(1);
  expect(moved(before, after, 'wa_turns_total', { business: stack.businessId, outcome: 'send-failed' })).toBe(1);
});

test('a model call retried after a rate limit counts the failed attempt under its class, and the turn still replies', async () => {
  stack.sandbox.faults.inject({
    endpoint: 'openai.chat',
    respond: {
      status: 429,
      body: { error: { message: 'slow down', type: 'requests', param: null, code: 'rate_limit_exceeded' } },
      headers: { 'retry-after-ms': '100' },
    },
  });
  stack.sandbox.openai.enqueue({ content: 'Hello after the wait.' });
  const before = await scrape(workerUrl);
  const { outcome, after } = await turn('hi', newCustomer(), before);

  expect(outcome).toBe('replied');
  expect(moved(before, after, 'wa_activity_failures_total', { activity: 'callModel', class: 'ModelRateLimited' })).toBe(1);
  expect(moved(before, after, 'wa_activity_failures_total')).toBe(1);
  expect(moved(before, after, 'wa_model_calls_total', { business: stack.businessId, result: 'ModelRateLimited' })).toBe(1);
  expect(moved(before, after, 'wa_model_calls_total', { business: stack.businessId, result: 'ok' })).toBe(1);
});

test("the worker's endpoint also serves the Temporal SDK's metrics, and no family twice", async () => {
  const text = await scrape(workerUrl);
  const sdk = parseSamples(text).filter((s) => s.name.startsWith('temporal_'));
  expect(sdk.map((s) => s.name)).toEqual(expect.arrayContaining(['temporal_workflow_completed', 'temporal_activity_execution_latency_count']));
  const families = [...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]);
  expect(families.length).toBeGreaterThan(0);
  expect(families.filter((name, i) => families.indexOf(name) !== i)).toEqual([]);
  // Process metrics come with ours.
  expect(sampleSum(text, 'process_cpu_seconds_total')).toBeGreaterThan(0);
});
