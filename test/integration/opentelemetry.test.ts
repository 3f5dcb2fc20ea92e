// OpenTelemetry across processes, end to end: a signed webhook for a booking turn
// becomes ONE trace, from the webhook request through the workflow start, the
// message workflow and its activities, the signal-with-start of the conversation,
// and the conversation's model calls, tool calls and reply, exported over
// OTLP/HTTP to a collector stand-in. No span carries personal data.
import type { IntakeReport } from '../../src/api/intake';
import { startOpenTelemetry, type OpenTelemetry } from '../../src/observability/opentelemetry';
import { conversationWorkflowId } from '../../src/workflows/conversation-id';
import type { TurnResult } from '../../src/workflows/types';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver';
import { newWamid, postSigned, textMessagePayload } from '../support/payloads';
import { DEMO_PHONE_NUMBER_ID, startStack, TEST_APP_SECRET, type Stack } from '../support/stack';
import { until, upcomingWeekday } from '../support/waiting';
import { messageResultOf } from '../support/deliver';

let receiver: OtlpReceiver;
let otel: OpenTelemetry;
let stack: Stack;
const exportProblems: unknown[] = [];

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  const started = startOpenTelemetry({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url }, 'worker', { warn: (fields) => exportProblems.push(fields) });
  if (!started) throw new Error('OpenTelemetry did not start');
  otel = started;
  // A short idle time ends the conversation run soon after the turn, so its own span ends and is exported too.
  stack = await startStack({ openTelemetry: otel, conversationTiming: { idleMs: 500 } });
});

afterAll(async () => {
  await stack?.stop();
  await otel?.shutdown();
  await receiver?.close();
});

/** The names from a span up to the root of its trace. */
function ancestry(span: ReceivedSpan, spans: ReceivedSpan[]): string[] {
  const names = [span.name];
  for (let parent = spans.find((s) => s.spanId === span.parentSpanId); parent; parent = spans.find((s) => s.spanId === parent!.parentSpanId)) {
    names.push(parent.name);
  }
  return names;
}

test('a booking turn is one trace from the webhook request to the reply, with no personal data in it', async () => {
  const phone = '34655987123';
  const name = 'Lucía Ferrández';
  const text = 'Hola, ¿corte de pelo el martes a las 10:30?';
  const wamid = newWamid();
  const date = upcomingWeekday('tue');
  stack.sandbox.openai.enqueue(
    { toolCalls: [{ name: 'check_availability', arguments: { service: 'Haircut', date, days: null } }] },
    { toolCalls: [{ name: 'book_appointment', arguments: { service: 'Haircut', start: `${date}T10:30`, customer_name: name } }] },
    { content: `¡Hecho! Corte el ${date} a las 10:30.` },
  );

  const response = await postSigned(
    stack.webhookUrl,
    textMessagePayload({ phoneNumberId: DEMO_PHONE_NUMBER_ID, from: phone, name, text, wamid }),
    TEST_APP_SECRET,
  );
  expect(response.status).toBe(200);
  const { messages } = (await response.json()) as IntakeReport;
  const messageWorkflowId = messages[0]!.workflowId!;
  const result: TurnResult = await messageResultOf(stack, messageWorkflowId);
  expect(result.appointments).toEqual([expect.objectContaining({ kind: 'booked', service: 'Haircut' })]);
  const customer = await stack.database.db.customer.findFirstOrThrow({ where: { waId: phone } });
  const conversationId = conversationWorkflowId(customer.id);
  await stack.temporal.workflow.getHandle(conversationId).result();
  // The batch processor exports every few seconds.
  await until('the conversation run span to be exported', () => receiver.spans().some((s) => s.name === 'RunWorkflow:conversation'), 30_000);

  const all = receiver.spans();
  const webhook = all.filter((s) => s.name === 'POST /webhook');
  expect(webhook).toHaveLength(1);
  const root = webhook[0]!;
  expect(root).toMatchObject({ kind: 2, attributes: { 'http.route': '/webhook', 'http.response.status_code': 200 } });
  expect(root.parentSpanId).toBeUndefined();

  // One trace: every span of both workflows belongs to the webhook's.
  const ofTheseWorkflows = all.filter((s) => [messageWorkflowId, conversationId].includes(s.attributes.temporalWorkflowId as string));
  expect(ofTheseWorkflows.length).toBeGreaterThan(10);
  expect(new Set(ofTheseWorkflows.map((s) => s.traceId))).toEqual(new Set([root.traceId]));
  const trace = all.filter((s) => s.traceId === root.traceId);
  expect(new Set(trace.map((s) => s.service))).toEqual(new Set(['whatsapp-booking-worker']));

  // Parent links are whole: every span but the root has its parent in the trace.
  const ids = new Set(trace.map((s) => s.spanId));
  expect(trace.filter((s) => s !== root && !ids.has(s.parentSpanId!)).map((s) => s.name)).toEqual([]);

  const named = (name: string): ReceivedSpan => {
    const found = trace.find((s) => s.name === name);
    if (!found) throw new Error(`No ${name} span in the trace; it has ${[...new Set(trace.map((s) => s.name))].join(', ')}`);
    return found;
  };
  const intoMessageWorkflow = ['RunWorkflow:handleInboundMessage', 'StartWorkflow:handleInboundMessage', 'POST /webhook'];
  // The message workflow's one step (a local activity) stores the message and starts or signals the conversation.
  expect(ancestry(named('RunActivity:admitMessage'), trace)).toEqual(['RunActivity:admitMessage', 'StartActivity:admitMessage', ...intoMessageWorkflow]);
  const intoConversation = [
    'RunWorkflow:conversation',
    'SignalWithStartWorkflow:conversation',
    'RunActivity:admitMessage',
    'StartActivity:admitMessage',
    ...intoMessageWorkflow,
  ];
  // The turn's steps, local activities and the calendar's regular ones alike.
  for (const activity of ['prepareTurn', 'callModel', 'runTool', 'replyAndRecordTurn']) {
    expect(ancestry(named(`RunActivity:${activity}`), trace)).toEqual([`RunActivity:${activity}`, `StartActivity:${activity}`, ...intoConversation]);
  }
  expect(trace.filter((s) => s.name === 'RunActivity:callModel')).toHaveLength(3);
  expect(trace.filter((s) => s.name === 'RunActivity:runTool')).toHaveLength(2);
  expect(named('RunActivity:replyAndRecordTurn').attributes).toMatchObject({ temporalWorkflowId: conversationId });
  expect(named('RunWorkflow:conversation').attributes).toMatchObject({ temporalWorkflowId: conversationId, temporalWorkflowType: 'conversation' });

  const exported = JSON.stringify(all);
  for (const personal of [phone, wamid, text, name, 'Lucía', '¡Hecho!']) expect(exported).not.toContain(personal);
  expect(exportProblems).toEqual([]);
});
