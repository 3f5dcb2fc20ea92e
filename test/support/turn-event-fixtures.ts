// One booking turn's events as the worker reports them, full of the personal data
// tracers must hide: a phone number, a wamid that embeds it, the customer's name
// and what they wrote. For tests of the tracers without a stack.
import type { ModelCallEvent, ToolCallEvent, TurnEndedEvent, TurnRef, TurnStartedEvent } from '../../src/observability/turn-events';
import { hashIdentifier } from '../../src/observability/privacy';

export const PHONE = '34655000123';
/** A real wamid's shape: base64 of the sender's number, among other bytes. */
export const WAMID = `wamid.${Buffer.from(`\u001c\u0018\u000b${PHONE}\u0015\u0002\u0000`).toString('base64')}ABCDEF`;
export const CUSTOMER_NAME = 'Ana Lopez';
export const MESSAGE_TEXT = 'Hola, quiero un corte el martes a las 10:30';
export const REPLY_TEXT = `Listo ${CUSTOMER_NAME}, tu corte es el martes a las 10:30. Te esperamos en la peluqueria, trae paraguas que va a llover mucho.`;

export function turnEvents(turnKey = 'turn-message-3f2a9c') {
  const ref: TurnRef = {
    businessId: 'biz-1',
    customerKey: hashIdentifier(PHONE)!,
    turnKey,
    workflowId: 'conversation-cust-1',
    runId: 'run-1',
  };
  const t0 = Date.UTC(2026, 11, 1, 9, 0, 0);
  const bookingArguments = JSON.stringify({ service: 'Haircut', start: '2026-12-01T10:30', customer_name: CUSTOMER_NAME });
  const input = [
    { role: 'system' as const, content: 'You are the booking assistant of a hair salon.' },
    { role: 'user' as const, content: MESSAGE_TEXT },
  ];
  const started: TurnStartedEvent = { ...ref, messageWorkflowIds: ['message-3f2a9c'], wamids: [WAMID], startedAtMs: t0 };
  const firstCall: ModelCallEvent = {
    ...ref,
    model: 'gpt-4o-mini',
    iteration: 1,
    attempt: 1,
    ok: true,
    toolCallsRequested: ['book_appointment'],
    promptTokens: 120,
    completionTokens: 30,
    tokensReported: true,
    startedAtMs: t0 + 100,
    latencyMs: 400,
    input,
    output: { content: null, toolCalls: [{ id: 'call_1', name: 'book_appointment', arguments: bookingArguments }], finishReason: 'tool_calls' },
  };
  const failedCall: ModelCallEvent = {
    ...ref,
    model: 'gpt-4o-mini',
    iteration: 2,
    attempt: 1,
    ok: false,
    error: 'ModelRateLimited',
    toolCallsRequested: [],
    promptTokens: 0,
    completionTokens: 0,
    tokensReported: false,
    startedAtMs: t0 + 800,
    latencyMs: 50,
    input,
  };
  const secondCall: ModelCallEvent = {
    ...firstCall,
    iteration: 2,
    attempt: 2,
    toolCallsRequested: [],
    promptTokens: 180,
    completionTokens: 40,
    startedAtMs: t0 + 1000,
    latencyMs: 300,
    output: { content: REPLY_TEXT, toolCalls: [], finishReason: 'stop' },
  };
  const booking: ToolCallEvent = {
    ...ref,
    tool: 'book_appointment',
    arguments: bookingArguments,
    ok: true,
    effect: { kind: 'booked', appointmentId: 'apt-1', service: 'Haircut', start: '2026-12-01T10:30' },
    startedAtMs: t0 + 550,
    latencyMs: 200,
    inWorkflow: false,
  };
  const handover: ToolCallEvent = {
    ...ref,
    tool: 'ask_for_a_person',
    arguments: JSON.stringify({ reason: `${CUSTOMER_NAME} wants to pay by card` }),
    ok: true,
    startedAtMs: t0 + 760,
    latencyMs: 0,
    inWorkflow: true,
  };
  const ended: TurnEndedEvent = {
    ...ref,
    outcome: 'replied',
    startedAtMs: t0,
    endedAtMs: t0 + 1500,
    modelCalls: 2,
    toolCalls: 2,
    errors: 0,
    promptTokens: 300,
    completionTokens: 70,
    appointments: [booking.effect!],
    summary: 'Booked Haircut Tue 10:30',
  };
  return { ref, started, firstCall, failedCall, secondCall, booking, handover, ended };
}

/** Everything a tracer must not show without TRACE_LOG_PII=true. */
export const PERSONAL_DATA = [PHONE, WAMID, CUSTOMER_NAME, MESSAGE_TEXT, REPLY_TEXT.slice(0, 12)];
