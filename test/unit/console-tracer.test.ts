import { createLogger } from '../../src/observability/logger';
import { hashIdentifier } from '../../src/observability/privacy';
import { createConsoleTracer, REPLY_PREVIEW_CHARS, TRACE_MESSAGE } from '../../src/observability/tracing/console-tracer';
import { HIDDEN } from '../../src/observability/tracing/redact-arguments';
import type { TurnObserver } from '../../src/observability/turn-events';
import { CUSTOMER_NAME, MESSAGE_TEXT, PERSONAL_DATA, PHONE, REPLY_TEXT, turnEvents, WAMID } from '../support/turn-event-fixtures';

/** Runs one turn's events through a console tracer and returns what it wrote, raw and parsed. */
function traceTurn(logPii: boolean): { output: string; lines: Array<Record<string, unknown>> } {
  const written: string[] = [];
  const tracer: TurnObserver = createConsoleTracer({ logger: createLogger('info', 'worker', { write: (line: string) => written.push(line) }), logPii });
  const events = turnEvents();
  tracer.turnStarted?.(events.started);
  tracer.modelCall?.(events.firstCall);
  tracer.toolCall?.(events.booking);
  tracer.toolCall?.(events.handover);
  tracer.modelCall?.(events.failedCall);
  tracer.modelCall?.(events.secondCall);
  tracer.turnEnded?.(events.ended);
  return { output: written.join(''), lines: written.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

test('one line per event, each with the fixed message and its kind, tied together by the turn key', () => {
  const { lines } = traceTurn(false);
  expect(lines.map((l) => l.trace)).toEqual(['turn.start', 'model.call', 'tool.call', 'tool.call', 'model.call', 'model.call', 'turn.end']);
  for (const line of lines) {
    expect(line).toMatchObject({ msg: TRACE_MESSAGE, level: 30, turnKey: 'turn-message-3f2a9c', businessId: 'biz-1', customer: hashIdentifier(PHONE) });
  }
});

test('turn start: run, hashed customer, message workflows, and wamids hashed', () => {
  const [start] = traceTurn(false).lines;
  expect(start).toMatchObject({ runId: 'run-1', workflowId: 'conversation-cust-1', messageWorkflowIds: ['message-3f2a9c'], wamids: [hashIdentifier(WAMID)] });
});

test('model calls: iteration, attempt, tools requested, tokens, latency, and the failure class when one failed', () => {
  const calls = traceTurn(false).lines.filter((l) => l.trace === 'model.call');
  expect(calls[0]).toMatchObject({
    model: 'gpt-4o-mini',
    iteration: 1,
    attempt: 1,
    ok: true,
    toolCallsRequested: ['book_appointment'],
    promptTokens: 120,
    completionTokens: 30,
    tokensReported: true,
    latencyMs: 400,
  });
  expect(calls[1]).toMatchObject({ iteration: 2, attempt: 1, ok: false, error: 'ModelRateLimited', promptTokens: 0, latencyMs: 50 });
  expect(calls[2]).toMatchObject({ iteration: 2, attempt: 2, ok: true, promptTokens: 180, completionTokens: 40 });
  for (const call of calls) expect(call).not.toHaveProperty('reply');
});

test('tool calls: name, arguments without personal data, success, latency and what changed', () => {
  const [booking, handover] = traceTurn(false).lines.filter((l) => l.trace === 'tool.call');
  expect(booking).toMatchObject({
    tool: 'book_appointment',
    arguments: { service: 'Haircut', start: '2026-12-01T10:30', customer_name: HIDDEN },
    ok: true,
    effect: 'booked',
    latencyMs: 200,
    inWorkflow: false,
  });
  expect(handover).toMatchObject({ tool: 'ask_for_a_person', arguments: { reason: HIDDEN }, inWorkflow: true });
});

test('turn end: outcome, total latency, counts, tokens and the summary', () => {
  const end = traceTurn(false).lines.at(-1);
  expect(end).toMatchObject({
    trace: 'turn.end',
    runId: 'run-1',
    outcome: 'replied',
    latencyMs: 1500,
    modelCalls: 2,
    toolCalls: 2,
    errors: 0,
    promptTokens: 300,
    completionTokens: 70,
    totalTokens: 370,
    appointments: ['booked'],
    summary: 'Booked Haircut Tue 10:30',
  });
});

test('without TRACE_LOG_PII no phone number, wamid, name or message text is written anywhere', () => {
  const { output } = traceTurn(false);
  for (const personal of PERSONAL_DATA) expect(output).not.toContain(personal);
});

test('with TRACE_LOG_PII the wamids, the arguments as written and the start of the reply show, never the model input', () => {
  const { output, lines } = traceTurn(true);
  expect(lines[0]).toMatchObject({ wamids: [WAMID] });
  expect(lines.find((l) => l.tool === 'book_appointment')).toMatchObject({ arguments: { customer_name: CUSTOMER_NAME } });
  const withReply = lines.filter((l) => l.reply !== undefined);
  expect(withReply).toHaveLength(1);
  expect(withReply[0]!.reply).toBe(`${[...REPLY_TEXT].slice(0, REPLY_PREVIEW_CHARS).join('')}…`);
  expect(output).not.toContain(MESSAGE_TEXT);
  expect(output).not.toContain(REPLY_TEXT);
});
