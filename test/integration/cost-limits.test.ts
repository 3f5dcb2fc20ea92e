// The abuse and cost limits on the real stack (signed webhooks through the app,
// the Temporal dev server, PostgreSQL, the sandbox's model): one customer's
// flood costs at most the configured turns, the customer is told once and
// every message is still stored; a business's daily token budget is counted
// from the usage ledger, and once spent customers get an honest answer with no
// model call while the owner sees the flag; every model call carries max_tokens.
import type { IntakeReport } from '../../src/api/intake';
import { tokenUsageToday, type TokenUsageView } from '../../src/db/usage';
import type { BusinessSummary } from '../../src/db/business-admin';
import { BUDGET_SPENT_REPLY, LIMIT_NOTICES } from '../../src/workflows/turn';
import type { TurnResult } from '../../src/workflows/types';
import { signedInUser } from '../support/console-client';
import { deliver, messageResultOf } from '../support/deliver';
import { newWamid, postSigned, textMessagePayload } from '../support/payloads';
import { DEMO_PHONE_NUMBER_ID, TEST_APP_SECRET, TEST_MODEL_MAX_OUTPUT_TOKENS, useStack } from '../support/stack';

const stack = useStack();

async function limitTurns(limits: { customerTurnsPerMinute: number; customerTurnsPerDay: number }): Promise<void> {
  await stack.database.db.business.update({ where: { id: stack.businessId }, data: limits });
}

/** Runs `work` on every item, at most `concurrency` at once, and returns the results in order. */
async function inParallel<T, R>(items: T[], concurrency: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i]!);
      }
    }),
  );
  return results;
}

/** Posts one signed message as Meta does, retrying the 503 a full webhook answers (as Meta would), and returns its workflow's ID. */
async function post(from: string, text: string, timestamp: number): Promise<string> {
  const payload = textMessagePayload({ phoneNumberId: DEMO_PHONE_NUMBER_ID, from, text, wamid: newWamid(), timestamp });
  for (;;) {
    const response = await postSigned(stack.webhookUrl, payload, TEST_APP_SECRET);
    if (response.status === 503) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      continue;
    }
    if (response.status !== 200) throw new Error(`The webhook answered ${response.status}: ${await response.text()}`);
    const [message] = ((await response.json()) as IntakeReport).messages;
    if (message?.status !== 'started' || !message.workflowId) throw new Error(`Not started: ${JSON.stringify(message)}`);
    return message.workflowId;
  }
}

const say = (from: string, text: string) => deliver(stack, textMessagePayload({ phoneNumberId: DEMO_PHONE_NUMBER_ID, from, text }));
const repliesTo = (to: string) => stack.sandbox.graph.sent.filter((m) => m.to === to);
const modelCalls = () => stack.sandbox.openai.requests.length;
const tokensUsedToday = async () => (await tokenUsageToday(stack.database.db, stack.businessId))!.usedToday;

afterEach(() => stack.sandbox.openai.reset());

test('one number sends 1,000 messages: all stored, the model called for at most the day’s turns, one notice', async () => {
  // The day's limit is the one reached (the minute's is as high), so a slow machine makes no difference.
  await limitTurns({ customerTurnsPerMinute: 3, customerTurnsPerDay: 3 });
  await stack.database.db.business.update({ where: { id: stack.businessId }, data: { replyQuietWindowMs: 50, replyMaxWaitMs: 400 } });
  stack.sandbox.openai.respondWith(() => ({ content: 'Happy to help!' }));
  const from = '34699100001';
  const before = modelCalls();
  const first = Math.floor(Date.now() / 1000) - 1000;

  // In ten waves, each answered (or not) before the next: a wave sent during a turn would only join the next one.
  const results: TurnResult[] = [];
  for (let wave = 0; wave < 10; wave++) {
    const numbers = Array.from({ length: 100 }, (_, i) => wave * 100 + i);
    const workflowIds = await inParallel(numbers, 16, (n) => post(from, `message number ${n}`, first + n));
    results.push(...(await inParallel(workflowIds, 50, (id) => messageResultOf(stack, id) as Promise<TurnResult>)));
  }

  const customer = await stack.database.db.customer.findFirstOrThrow({ where: { businessId: stack.businessId, waId: from } });
  expect(await stack.database.db.message.count({ where: { customerId: customer.id, direction: 'INBOUND' } })).toBe(1000);
  const calls = modelCalls() - before;
  expect(calls).toBeGreaterThanOrEqual(1);
  expect(calls).toBeLessThanOrEqual(3);
  const answeredTurns = await stack.database.db.turn.count({ where: { customerId: customer.id, modelCalls: { gt: 0 } } });
  expect(answeredTurns).toBe(calls);
  // The later waves' turns were stopped, each recorded for the console; only the first of them said anything.
  expect(await stack.database.db.turn.count({ where: { customerId: customer.id, outcome: 'rate-limited' } })).toBeGreaterThanOrEqual(10 - calls);
  const notices = repliesTo(from).filter((m) => m.text === LIMIT_NOTICES.day);
  expect(notices).toHaveLength(1);
  expect(repliesTo(from)).toHaveLength(calls + 1);
  // Every message workflow ended, each with an outcome the inbox explains.
  const outcomes = new Set(results.map((r) => r.outcome));
  expect(['answered-with-later-message', 'rate-limited', 'replied']).toEqual(expect.arrayContaining([...outcomes]));
  expect(outcomes.has('rate-limited')).toBe(true);
  expect(results.filter((r) => r.outcome === 'rate-limited' && r.replyText === LIMIT_NOTICES.day)).toHaveLength(1);
}, 300_000);

test('past the turns a minute: told once that answers resume in minutes, then silence, and no model call', async () => {
  await limitTurns({ customerTurnsPerMinute: 1, customerTurnsPerDay: 100 });
  stack.sandbox.openai.respondWith(() => ({ content: 'Sure.' }));
  const from = '34699100002';
  const before = modelCalls();

  expect(await say(from, 'Hi')).toMatchObject({ outcome: 'replied', modelCalls: 1 });
  expect(await say(from, 'Are you there?')).toMatchObject({ outcome: 'rate-limited', replyText: LIMIT_NOTICES.minute, modelCalls: 0 });
  expect(await say(from, 'Hello??')).toMatchObject({ outcome: 'rate-limited', sentMessageIds: [], modelCalls: 0 });
  expect(modelCalls() - before).toBe(1);
  expect(repliesTo(from).map((m) => m.text)).toEqual(['Sure.', LIMIT_NOTICES.minute]);
  // The console's turn list has the stopped turns with their outcome.
  const customer = await stack.database.db.customer.findFirstOrThrow({ where: { businessId: stack.businessId, waId: from } });
  const turns = await stack.database.db.turn.findMany({ where: { customerId: customer.id }, orderBy: { createdAt: 'asc' } });
  expect(turns.map((t) => t.outcome)).toEqual(['replied', 'rate-limited', 'rate-limited']);
  expect(customer.limitNoticeSentAt).not.toBeNull();
});

test('a tiny daily budget: one turn spends it, the next gets an honest answer without the model, and the owner sees it', async () => {
  await limitTurns({ customerTurnsPerMinute: 60, customerTurnsPerDay: 1000 });
  const db = stack.database.db;
  const owner = await signedInUser(stack, 'budget-owner@example.com', 'owner', DEMO_PHONE_NUMBER_ID);
  const settingsPath = `/admin/api/businesses/${stack.businessId}/settings`;
  const usedSoFar = (await owner.request<{ tokenUsage: TokenUsageView }>('GET', settingsPath)).body.tokenUsage.usedToday;
  // Whatever earlier tests used, one more token is left: the next turn may call the model, and spends it.
  await db.business.update({ where: { id: stack.businessId }, data: { dailyTokenBudget: usedSoFar + 1, tokenBudgetExceededAt: null } });
  const from = '34699100003';
  stack.sandbox.openai.respondWith(() => ({ content: 'We open at ten.' }));

  expect(await say(from, 'When do you open?')).toMatchObject({ outcome: 'replied', modelCalls: 1 });
  const customer = await db.customer.findFirstOrThrow({ where: { businessId: stack.businessId, waId: from } });
  const [usage] = await db.modelUsage.findMany({ where: { customerId: customer.id } });
  const [request] = stack.sandbox.openai.requests;
  // The tokens the sandbox reported for that call, as OpenAI reports them; the first attempt of its step.
  expect(usage).toMatchObject({
    businessId: stack.businessId,
    model: 'gpt-4o-mini',
    promptTokens: request!.usage!.prompt_tokens,
    completionTokens: request!.usage!.completion_tokens,
    totalTokens: request!.usage!.total_tokens,
    callKey: expect.stringMatching(/\/1$/),
  });
  expect(usage!.promptTokens).toBeGreaterThan(100);

  const callsBefore = modelCalls();
  const honest = await say(from, 'And on Sunday?');
  expect(honest).toMatchObject({ outcome: 'budget-exceeded', replyText: BUDGET_SPENT_REPLY, modelCalls: 0 });
  expect(modelCalls()).toBe(callsBefore);
  expect(repliesTo(from).at(-1)!.text).toBe(BUDGET_SPENT_REPLY);
  expect(await db.customer.findUniqueOrThrow({ where: { id: customer.id } })).toMatchObject({ needsPersonReason: expect.stringMatching(/budget/) });
  const flagged = await db.business.findUniqueOrThrow({ where: { id: stack.businessId } });
  expect(flagged.tokenBudgetExceededAt).not.toBeNull();

  const shown = (await owner.request<{ tokenUsage: TokenUsageView }>('GET', settingsPath)).body.tokenUsage;
  expect(shown).toEqual({ usedToday: usedSoFar + usage!.totalTokens, dailyBudget: usedSoFar + 1, spentAt: flagged.tokenBudgetExceededAt!.toISOString() });
  const listed = (await owner.request<{ business: BusinessSummary }>('GET', `/admin/api/businesses/${stack.businessId}`)).body.business;
  expect(listed.tokenBudgetSpentAt).toBe(flagged.tokenBudgetExceededAt!.toISOString());

  // Raising the budget lets the next turn call the model again and takes the flag down.
  await db.business.update({ where: { id: stack.businessId }, data: { dailyTokenBudget: 100_000_000 } });
  expect(await say(from, 'Thanks!')).toMatchObject({ outcome: 'replied', modelCalls: 1 });
  expect((await db.business.findUniqueOrThrow({ where: { id: stack.businessId } })).tokenBudgetExceededAt).toBeNull();
});

test('a budget that runs out between two model calls of one turn stops the turn there, with the honest answer', async () => {
  await limitTurns({ customerTurnsPerMinute: 60, customerTurnsPerDay: 1000 });
  const db = stack.database.db;
  const usedSoFar = await tokensUsedToday();
  // One token left: the turn's first call may go (it spends far more), its second must not.
  await db.business.update({ where: { id: stack.businessId }, data: { dailyTokenBudget: usedSoFar + 1, tokenBudgetExceededAt: null } });
  const from = '34699100005';
  stack.sandbox.openai.respondWith((messages) =>
    messages.some((m) => m.role === 'tool') ? { content: 'You have no appointments.' } : { toolCalls: [{ name: 'list_my_appointments', arguments: {} }] },
  );
  const callsBefore = modelCalls();

  try {
    const result = await say(from, 'What have I booked?');
    expect(result).toMatchObject({ outcome: 'budget-exceeded', replyText: BUDGET_SPENT_REPLY });
    expect(result.toolCalls.map((c) => c.name)).toEqual(['list_my_appointments']);
    // The second call was refused before it reached the model.
    expect(modelCalls() - callsBefore).toBe(1);
    const customer = await db.customer.findFirstOrThrow({ where: { businessId: stack.businessId, waId: from } });
    expect(customer.needsPersonReason).toMatch(/budget/);
  } finally {
    await db.business.update({ where: { id: stack.businessId }, data: { dailyTokenBudget: 100_000_000, tokenBudgetExceededAt: null } });
  }
});

test('every model call carries max_tokens, and a longer answer is cut with finish_reason "length"', async () => {
  stack.sandbox.openai.respondWith(() => ({ content: 'word '.repeat(5000) }));
  const response = await fetch(`${stack.sandbox.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: 'Bearer x', 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o-mini', max_tokens: 50, messages: [{ role: 'user', content: 'Talk a lot' }] }),
  });
  const completion = (await response.json()) as { choices: Array<{ finish_reason: string }>; usage: { completion_tokens: number } };
  expect(completion.choices[0]!.finish_reason).toBe('length');
  expect(completion.usage.completion_tokens).toBeLessThanOrEqual(50);

  stack.sandbox.openai.reset();
  await limitTurns({ customerTurnsPerMinute: 60, customerTurnsPerDay: 1000 });
  await say('34699100004', 'Can I book a haircut tomorrow at 11?');
  const requests = stack.sandbox.openai.requests;
  expect(requests.length).toBeGreaterThan(0);
  for (const request of requests) expect(request.max_tokens).toBe(TEST_MODEL_MAX_OUTPUT_TOKENS);
});
