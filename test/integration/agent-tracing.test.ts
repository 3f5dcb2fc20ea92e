// Agent-run traces from a real booking turn: the worker's Langfuse tracer exports
// to the sandbox's Langfuse stand-in, and the trace is checked against what the
// turn recorded in PostgreSQL (its model_usage rows). Then the turn events under
// replay: a worker without a workflow cache replays every history from the start,
// and still reports each turn's start and end once.
import { createLogger } from '../../src/observability/logger';
import { hashIdentifier } from '../../src/observability/privacy';
import type { AgentTracer } from '../../src/observability/tracing/agent-tracer';
import { createLangfuseTracer, ROOT_OBSERVATION_NAME, turnRootSpanId, turnTraceId } from '../../src/observability/tracing/langfuse-tracer';
import { HIDDEN } from '../../src/observability/tracing/redact-arguments';
import type { ModelCallEvent, TurnEndedEvent, TurnObserver, TurnStartedEvent } from '../../src/observability/turn-events';
import { SANDBOX_LANGFUSE_PUBLIC_KEY, SANDBOX_LANGFUSE_SECRET_KEY } from '../../src/sandbox/langfuse';
import { deliver } from '../support/deliver';
import { textMessagePayload, newWamid } from '../support/payloads';
import { DEMO_PHONE_NUMBER_ID, useStack, type Stack } from '../support/stack';
import { until, upcomingWeekday } from '../support/waiting';

const CUSTOMER_NAME = 'Ana Lopez';

/** What the worker reported, and the tracer under test (swapped per test: the stack starts before the sandbox URL is known). */
function recordingObserver() {
  const seen = { started: [] as TurnStartedEvent[], ended: [] as TurnEndedEvent[], modelCalls: [] as ModelCallEvent[] };
  let tracer: AgentTracer | undefined;
  const observer: TurnObserver = {
    turnStarted(event) {
      seen.started.push(event);
      tracer?.observer.turnStarted?.(event);
    },
    modelCall(event) {
      seen.modelCalls.push(event);
      tracer?.observer.modelCall?.(event);
    },
    toolCall: (event) => tracer?.observer.toolCall?.(event),
    turnEnded(event) {
      seen.ended.push(event);
      tracer?.observer.turnEnded?.(event);
    },
  };
  return { observer, seen, use: (next: AgentTracer) => (tracer = next) };
}

/** A customer asks for a haircut; the scripted model checks availability, books under their name and confirms. */
async function bookingTurn(stack: Stack, phone: string, text: string) {
  const date = upcomingWeekday('tue');
  stack.sandbox.openai.enqueue(
    { toolCalls: [{ name: 'check_availability', arguments: { service: 'Haircut', date, days: null } }] },
    { toolCalls: [{ name: 'book_appointment', arguments: { service: 'Haircut', start: `${date}T10:30`, customer_name: CUSTOMER_NAME } }] },
    { content: `Done, ${CUSTOMER_NAME}! *Haircut* on ${date} at 10:30.` },
  );
  const wamid = newWamid();
  const result = await deliver(stack, textMessagePayload({ phoneNumberId: DEMO_PHONE_NUMBER_ID, from: phone, wamid, text, name: CUSTOMER_NAME }));
  const customer = await stack.database.db.customer.findFirstOrThrow({ where: { businessId: stack.businessId, waId: phone } });
  const turn = await stack.database.db.turn.findFirstOrThrow({ where: { customerId: customer.id }, orderBy: { createdAt: 'desc' } });
  return { result, wamid, turnKey: turn.turnKey, reply: stack.sandbox.graph.sent.at(-1)?.text ?? '' };
}

describe('Langfuse traces of a booking turn', () => {
  const recording = recordingObserver();
  const stack = useStack({ observer: recording.observer });

  beforeEach(() => stack.sandbox.reset());

  /** Runs a booking turn with a Langfuse tracer on the worker, and returns the traces the stand-in received once it flushed. */
  async function tracedBookingTurn(logPii: boolean, phone: string, text: string) {
    const tracer = createLangfuseTracer({
      publicKey: SANDBOX_LANGFUSE_PUBLIC_KEY,
      secretKey: SANDBOX_LANGFUSE_SECRET_KEY,
      baseUrl: stack.sandbox.url,
      logPii,
      logger: createLogger('warn', 'worker'),
      serviceName: 'test-worker',
    });
    recording.use(tracer);
    const turn = await bookingTurn(stack, phone, text);
    // The workflow reports the turn's end through a sink, after its task completes: possibly after the reply.
    await until('the turn end is reported', () => recording.seen.ended.some((e) => e.turnKey === turn.turnKey));
    await tracer.shutdown();
    return { ...turn, traces: stack.sandbox.langfuse.list() };
  }

  test('one trace per turn: a generation per model call with the tokens of its model_usage row, a span per tool call, the root with the outcome', async () => {
    const phone = '34655000201';
    const { result, turnKey, traces } = await tracedBookingTurn(false, phone, 'Haircut on Tuesday at 10:30?');
    expect(result.outcome).toBe('replied');

    expect(traces).toHaveLength(1);
    const trace = traces[0]!;
    expect(trace.id).toBe(turnTraceId(turnKey));
    const rootId = turnRootSpanId(turnKey);
    const customerKey = hashIdentifier(phone);
    expect(trace).toMatchObject({
      name: ROOT_OBSERVATION_NAME,
      userId: customerKey,
      sessionId: expect.stringMatching(/^conversation-/),
      tags: expect.arrayContaining([`business:${stack.businessId}`, `customer:${customerKey}`]),
      metadata: { businessId: stack.businessId, outcome: 'replied' },
      output: { outcome: 'replied', summary: expect.any(String) },
    });

    const root = trace.observations.find((o) => o.id === rootId);
    expect(root).toMatchObject({ name: ROOT_OBSERVATION_NAME, parentId: null, output: { outcome: 'replied' }, metadata: { modelCalls: 3, toolCalls: 2 } });
    const children = trace.observations.filter((o) => o.id !== rootId).sort((a, b) => a.startTime.localeCompare(b.startTime));
    for (const child of children) expect(child.parentId).toBe(rootId);

    const generations = children.filter((o) => o.type === 'generation');
    const usage = await stack.database.db.modelUsage.findMany({ where: { turnKey } });
    expect(usage).toHaveLength(3);
    const tokens = (rows: Array<{ input: number; output: number }>) => rows.map((r) => `${r.input}/${r.output}`).sort();
    expect(tokens(generations.map((g) => g.usage as { input: number; output: number }))).toEqual(
      tokens(usage.map((u) => ({ input: u.promptTokens, output: u.completionTokens }))),
    );
    for (const generation of generations) expect(generation).toMatchObject({ model: 'gpt-4o-mini', input: expect.stringMatching(/^\[\d+ messages hidden\]$/) });
    expect(root!.metadata).toMatchObject({
      promptTokens: usage.reduce((sum, u) => sum + u.promptTokens, 0),
      completionTokens: usage.reduce((sum, u) => sum + u.completionTokens, 0),
    });

    const tools = children.filter((o) => o.type === 'span');
    expect(tools.map((t) => t.name)).toEqual(['check_availability', 'book_appointment']);
    expect(tools[1]).toMatchObject({
      input: { service: 'Haircut', customer_name: HIDDEN },
      output: { ok: true, effect: { kind: 'booked', service: 'Haircut' } },
    });
  });

  test('without TRACE_LOG_PII the export holds no phone number, wamid, name or message text; with it the model input is there', async () => {
    const hiddenText = 'Haircut on Tuesday at 10:30 please, it is for my wedding';
    const hidden = await tracedBookingTurn(false, '34655000202', hiddenText);
    const exported = JSON.stringify(hidden.traces);
    for (const personal of ['34655000202', hidden.wamid, CUSTOMER_NAME, hiddenText, hidden.reply]) expect(exported).not.toContain(personal);
    expect(hidden.reply).toContain(CUSTOMER_NAME);

    stack.sandbox.reset();
    const shownText = 'Haircut on Tuesday at 10:30, my sister recommended you';
    const shown = await tracedBookingTurn(true, '34655000203', shownText);
    const generations = shown.traces[0]!.observations.filter((o) => o.type === 'generation');
    expect(generations).toHaveLength(3);
    for (const generation of generations) expect(JSON.stringify(generation.input)).toContain(shownText);
    expect(shown.traces[0]!.observations.find((o) => o.name === 'book_appointment')?.input).toMatchObject({ customer_name: CUSTOMER_NAME });
  });
});

describe('turn events under replay', () => {
  const recording = recordingObserver();
  const stack = useStack({ observer: recording.observer, maxCachedWorkflows: 0 });

  test('a worker that replays every workflow task from the start reports each turn start and end once', async () => {
    const phone = '34655000204';
    const first = await bookingTurn(stack, phone, 'Haircut on Tuesday at 10:30?');
    stack.sandbox.openai.enqueue({ content: 'You are welcome!' });
    const second = await deliver(stack, textMessagePayload({ phoneNumberId: DEMO_PHONE_NUMBER_ID, from: phone, text: 'Thanks!' }));
    expect([first.result.outcome, second.outcome]).toEqual(['replied', 'replied']);
    const turns = await stack.database.db.turn.findMany({ where: { businessId: stack.businessId }, orderBy: { createdAt: 'asc' } });
    const turnKeys = turns.map((t) => t.turnKey);
    expect(turnKeys).toHaveLength(2);

    await until('both turn ends are reported', () => turnKeys.every((key) => recording.seen.ended.some((e) => e.turnKey === key)));
    // Later workflow tasks (the conversation waiting, the message workflows closing) would report again if replays did.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(recording.seen.started.map((e) => e.turnKey)).toEqual(turnKeys);
    expect(recording.seen.ended.map((e) => e.turnKey)).toEqual(turnKeys);
    expect(recording.seen.ended.map((e) => e.modelCalls)).toEqual([3, 1]);
    // Activities are not replayed either: one model-call event per billed call.
    expect(recording.seen.modelCalls).toHaveLength(await stack.database.db.modelUsage.count({ where: { turnKey: { in: turnKeys } } }));
  });
});
