// What each event a turn reports does to the worker's metrics, what the intake's
// report does to the API's, and how a failed activity attempt is classed.
import { ApplicationFailure } from '@temporalio/common';
import type { Context } from '@temporalio/activity';
import { createApiMetrics, createWorkerMetrics, type WorkerMetrics } from '../../src/observability/metrics';
import { metricsObserver } from '../../src/observability/metrics-observer';
import { activityFailureMetrics } from '../../src/observability/metrics-activity-failures';
import { API_METRICS, WORKER_METRICS } from '../../src/observability/metrics-definitions';
import type { ModelCallEvent, ToolCallEvent, TurnRef } from '../../src/observability/turn-events';
import { parseWebhookPayload } from '../../src/whatsapp/webhook-payload';
import { sampleSum } from '../support/prometheus';

const turn: TurnRef = { businessId: 'b-1', customerKey: 'k', turnKey: 't', workflowId: 'w', runId: 'r' };
const modelCall = (overrides: Partial<ModelCallEvent>): ModelCallEvent => ({
  ...turn,
  model: 'gpt-4o-mini',
  iteration: 1,
  attempt: 1,
  ok: true,
  toolCallsRequested: [],
  promptTokens: 120,
  completionTokens: 30,
  tokensReported: true,
  startedAtMs: 0,
  latencyMs: 1500,
  input: [],
  ...overrides,
});
const toolCall = (overrides: Partial<ToolCallEvent>): ToolCallEvent => ({
  ...turn,
  tool: 'book_appointment',
  arguments: '{}',
  ok: true,
  startedAtMs: 0,
  latencyMs: 10,
  inWorkflow: false,
  ...overrides,
});

let metrics: WorkerMetrics;
let read: (name: string, labels?: Record<string, string>) => Promise<number>;
beforeEach(() => {
  metrics = createWorkerMetrics();
  read = async (name, labels) => sampleSum(await metrics.registry.metrics(), name, labels);
});

test('a model call that answered counts once with its tokens and latency, by business and model', async () => {
  metricsObserver(metrics).modelCall!(modelCall({}));
  const labels = { business: 'b-1', model: 'gpt-4o-mini' };
  expect(await read('wa_model_calls_total', { ...labels, result: 'ok' })).toBe(1);
  expect(await read('wa_model_tokens_total', { ...labels, kind: 'prompt' })).toBe(120);
  expect(await read('wa_model_tokens_total', { ...labels, kind: 'completion' })).toBe(30);
  expect(await read('wa_model_call_duration_seconds_sum', labels)).toBe(1.5);
  expect(await read('wa_model_call_duration_seconds_bucket', { ...labels, le: '1' })).toBe(0);
  expect(await read('wa_model_call_duration_seconds_bucket', { ...labels, le: '2' })).toBe(1);
});

test('a failed model call counts under its class, with no tokens', async () => {
  metricsObserver(metrics).modelCall!(modelCall({ ok: false, error: 'ModelRateLimited', promptTokens: 0, completionTokens: 0 }));
  expect(await read('wa_model_calls_total', { result: 'ModelRateLimited' })).toBe(1);
  expect(await read('wa_model_calls_total', { result: 'ok' })).toBe(0);
  expect(await read('wa_model_tokens_total')).toBe(0);
  expect(await read('wa_model_call_duration_seconds_count')).toBe(1);
});

test.each<[string, Partial<ToolCallEvent>, { tool: string; result: string }]>([
  ['a tool that worked', {}, { tool: 'book_appointment', result: 'ok' }],
  ['a tool that answered ok: false', { ok: false }, { tool: 'book_appointment', result: 'refused' }],
  ['a tool that failed', { ok: false, error: 'CalendarUnavailable' }, { tool: 'book_appointment', result: 'CalendarUnavailable' }],
  ['a tool run in the workflow', { tool: 'present_options', inWorkflow: true }, { tool: 'present_options', result: 'ok' }],
  ['a tool the model made up', { tool: 'drop_all_tables', ok: false }, { tool: 'unknown', result: 'refused' }],
])('%s', async (_what, event, labels) => {
  metricsObserver(metrics).toolCall!(toolCall(event));
  expect(await read('wa_tool_calls_total', labels)).toBe(1);
  expect(await read('wa_tool_calls_total')).toBe(1);
});

test('sends count by result and Meta error code', async () => {
  const observer = metricsObserver(metrics);
  observer.replySent!({ businessId: 'b-1', ok: true });
  observer.replySent!({ businessId: 'b-1', ok: true });
  observer.replySent!({ businessId: 'b-1', ok: false, errorCode: '131047' });
  expect(await read('wa_whatsapp_sends_total', { business: 'b-1', result: 'sent', code: '' })).toBe(2);
  expect(await read('wa_whatsapp_sends_total', { business: 'b-1', result: 'failed', code: '131047' })).toBe(1);
});

test('a turn counts by outcome, and its duration from start to end', async () => {
  metricsObserver(metrics).turnEnded!({
    ...turn,
    outcome: 'replied',
    startedAtMs: 1_000,
    endedAtMs: 4_500,
    modelCalls: 2,
    toolCalls: 1,
    errors: 0,
    promptTokens: 0,
    completionTokens: 0,
    appointments: [],
    summary: 'Answered',
  });
  expect(await read('wa_turns_total', { business: 'b-1', outcome: 'replied' })).toBe(1);
  expect(await read('wa_turn_duration_seconds_sum', { business: 'b-1' })).toBe(3.5);
});

test('appointment changes count by kind and by whom', async () => {
  const observer = metricsObserver(metrics);
  observer.appointmentChanged!({ businessId: 'b-1', kind: 'booked', by: 'customer' });
  observer.appointmentChanged!({ businessId: 'b-1', kind: 'cancelled', by: 'owner' });
  expect(await read('wa_appointment_changes_total', { business: 'b-1', change: 'booked', by: 'customer' })).toBe(1);
  expect(await read('wa_appointment_changes_total', { business: 'b-1', change: 'cancelled', by: 'owner' })).toBe(1);
  expect(await read('wa_appointment_changes_total')).toBe(2);
});

describe('activityFailureMetrics', () => {
  const execute = (activityType: string, outcome: () => Promise<unknown>) =>
    activityFailureMetrics(metrics)({ info: { activityType } } as Context).inbound!.execute!({ args: [], headers: {} }, outcome);

  test.each<[string, Error, string]>([
    ['an ApplicationFailure by its type', ApplicationFailure.retryable('busy', 'CalendarUnavailable'), 'CalendarUnavailable'],
    ['an ApplicationFailure without a type by its name', ApplicationFailure.create({ message: 'x' }), 'ApplicationFailure'],
    ['any other error by its name', new TypeError('fetch failed'), 'TypeError'],
  ])('counts %s and lets it through', async (_what, error, failureClass) => {
    await expect(execute('runTool', () => Promise.reject(error))).rejects.toBe(error);
    expect(await read('wa_activity_failures_total', { activity: 'runTool', class: failureClass })).toBe(1);
  });

  test('counts nothing for an attempt that succeeds', async () => {
    await expect(execute('sendReply', () => Promise.resolve('done'))).resolves.toBe('done');
    expect(await read('wa_activity_failures_total')).toBe(0);
  });
});

test('the intake counts each message and status under its business; an unknown number under none', async () => {
  const api = createApiMetrics();
  const value = (phoneNumberId: string) => ({ metadata: { phone_number_id: phoneNumberId } });
  const parsed = parseWebhookPayload({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: 'waba',
        changes: [
          { field: 'messages', value: { ...value('111'), messages: [{ id: 'm1', from: '34600111222', timestamp: '1', type: 'text', text: { body: 'a' } }] } },
          { field: 'messages', value: { ...value('999'), messages: [{ id: 'm2', from: '34600111222', timestamp: '1', type: 'text', text: { body: 'b' } }] } },
          { field: 'messages', value: { ...value('111'), statuses: [{ id: 's1', status: 'delivered', timestamp: '1', recipient_id: '34600111222' }] } },
        ],
      },
    ],
  })!;
  await api.intakeReported(
    parsed,
    {
      messages: [
        { id: 'm1', status: 'started', workflowId: 'w' },
        { id: 'm2', status: 'unknown-business' },
      ],
      statuses: [{ id: 's1', status: 'delivered', recorded: 'pending' }],
    },
    async (phoneNumberId) => (phoneNumberId === '111' ? 'b-1' : undefined),
  );
  const text = await api.registry.metrics();
  expect(sampleSum(text, 'wa_webhook_messages_total', { business: 'b-1', status: 'started' })).toBe(1);
  expect(sampleSum(text, 'wa_webhook_messages_total', { business: '', status: 'unknown-business' })).toBe(1);
  expect(sampleSum(text, 'wa_webhook_statuses_total', { business: 'b-1', status: 'delivered', recorded: 'pending' })).toBe(1);
});

test('every metric is named wa_…, never twice, and no label can hold a phone number', () => {
  const definitions = [...Object.values(API_METRICS), ...Object.values(WORKER_METRICS)];
  const names = definitions.map((d) => d.name);
  expect(names.filter((n) => !n.startsWith('wa_'))).toEqual([]);
  expect(new Set(names).size).toBe(names.length);
  const labels = new Set(definitions.flatMap((d) => Object.keys(d.labels)));
  expect([...labels].filter((l) => /^(phone.*|wa_?id|wamid|bsuid|customer.*|from|to|recipient)$/i.test(l))).toEqual([]);
});
