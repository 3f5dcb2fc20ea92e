// The message workflow's agent loop on the real Temporal server, with the model
// and the Graph API served by the sandbox and the conversation in PostgreSQL.
import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../src/activities';
import { createOpenAIModel } from '../../src/activities/model';
import { createGraphClient } from '../../src/whatsapp/graph-client';
import { FALLBACK_REPLY } from '../../src/workflows/handle-inbound-message';
import { messageWorkflowId } from '../../src/api/message-workflow-id';
import type { InboundMessageInput, TurnResult } from '../../src/workflows/types';
import { DEMO_PHONE_NUMBER_ID, useStack, TEST_ACCESS_TOKEN, TEST_SECRETS } from '../support/stack';
import { inboundText, messageResultOf, runMessage } from '../support/deliver';

// Room for a reply longer than one WhatsApp message (4096 characters), which the default max_tokens would cut.
const stack = useStack({ maxIterations: 3, modelMaxOutputTokens: 4000 });

beforeEach(() => stack.sandbox.reset());

function inbound(text: string, overrides: Partial<InboundMessageInput> = {}): InboundMessageInput {
  return inboundText(stack, text, { customer: { waId: '34611000001', profileName: 'Lucía' }, ...overrides });
}

async function run(input: InboundMessageInput, workflowId = messageWorkflowId(input.wamid)): Promise<TurnResult> {
  await stack.temporal.workflow.execute('handleInboundMessage', { taskQueue: stack.taskQueue, workflowId, args: [input] });
  return messageResultOf(stack, workflowId);
}

test('a tool call is dispatched and its result fed back to the model before the reply', async () => {
  stack.sandbox.openai.enqueue({ toolCalls: [{ name: 'check_availability', arguments: { day: 'saturday' } }] }, { content: 'We open at *9:00* on Saturday.' });
  const result = await run(inbound('Are you open Saturday morning?', { customer: { waId: '34611000101' } }));

  expect(result).toMatchObject({ outcome: 'replied', replyText: 'We open at *9:00* on Saturday.', modelCalls: 2, toolCalls: [{ name: 'check_availability' }] });
  const second = stack.sandbox.openai.requests[1]!;
  const toolMessage = second.messages.find((m) => m.role === 'tool') as { content: string } | undefined;
  // The model's arguments are validated before anything runs; the problem goes back to the model.
  expect(JSON.parse(toolMessage!.content)).toEqual({ ok: false, error: expect.stringMatching(/^Invalid arguments: service: .*date: /) });
  expect(stack.sandbox.graph.sent.map((m) => m.text)).toEqual(['We open at *9:00* on Saturday.']);
});

test('the loop stops at the iteration limit with a polite fallback', async () => {
  const loop = { toolCalls: [{ name: 'lookup_everything', arguments: {} }] };
  stack.sandbox.openai.enqueue(loop, loop, loop);
  const result = await run(inbound('Loop forever', { customer: { waId: '34611000102' } }));

  expect(result).toMatchObject({ outcome: 'iteration-limit', modelCalls: 3, replyText: FALLBACK_REPLY });
  expect(stack.sandbox.graph.sent.map((m) => m.text)).toEqual([FALLBACK_REPLY]);
});

test('a model request the API refuses (400) is not retried and ends with an apology and a recorded outcome', async () => {
  stack.sandbox.openai.enqueue({ error: { status: 400, message: 'Invalid schema for function', type: 'invalid_request_error' } });
  const result = await run(inbound('Hello', { customer: { waId: '34611000103' } }));

  expect(result.outcome).toBe('model-failed');
  expect(result.error).toMatch(/ModelRequestRefused/);
  expect(stack.sandbox.openai.requests).toHaveLength(1);
  expect(stack.sandbox.graph.sent.map((m) => m.text)).toEqual([FALLBACK_REPLY]);
});

test('a transient model error (500) is retried by Temporal and the turn succeeds', async () => {
  stack.sandbox.openai.enqueue({ error: { status: 500, message: 'The server had an error' } }, { content: 'Back on track!' });
  const result = await run(inbound('Hello again', { customer: { waId: '34611000104' } }));

  expect(result).toMatchObject({ outcome: 'replied', replyText: 'Back on track!' });
  expect(stack.sandbox.openai.requests).toHaveLength(2);
});

test('history holds the last messages of this customer with this business only', async () => {
  const waId = '34611000105';
  const other = await stack.database.db.business.create({ data: { name: 'Other Clinic', phoneNumberId: '100000000000777' } });
  await run(inbound('Secret for the other business', { businessId: other.id, phoneNumberId: '100000000000777', customer: { waId } }));
  for (let i = 1; i <= 6; i++) await run(inbound(`message ${i}`, { customer: { waId } }));

  const last = stack.sandbox.openai.requests.at(-1)!;
  const conversation = last.messages.slice(1);
  expect(conversation).toHaveLength(10);
  expect(conversation.at(-1)).toEqual({ role: 'user', content: 'message 6' });
  expect(conversation.filter((m) => m.role === 'user').map((m) => m.content)).toEqual(['message 2', 'message 3', 'message 4', 'message 5', 'message 6']);
  expect(JSON.stringify(last.messages)).not.toContain('Secret for the other business');
  expect(last.messages[0]?.content).toContain('Lumen Hair Studio');
});

test('a change to the business in the database shows in the very next turn, without a restart', async () => {
  await stack.database.db.business.update({
    where: { id: stack.businessId },
    data: { personality: 'Speak like a pirate.', policies: 'No dogs in the studio.' },
  });
  await stack.database.db.service.create({ data: { businessId: stack.businessId, name: 'Scalp massage', durationMinutes: 20, priceCents: 1800 } });
  await run(inbound('Anything new?', { customer: { waId: '34611000110' } }));

  const system = stack.sandbox.openai.requests.at(-1)!.messages[0]!.content as string;
  expect(system).toContain('Personality and tone: Speak like a pirate.');
  expect(system).toContain('No dogs in the studio.');
  expect(system).toContain('- Scalp massage: 20 min, €18.00');
});

test('a message Temporal no longer remembers is still answered once: the database keeps the wamid', async () => {
  const input = inbound('Redelivered days later', { customer: { waId: '34611000106' } });
  await run(input);
  // Same wamid, a workflow ID Temporal has never seen (as after retention expired).
  const late = await run(input, `${messageWorkflowId(input.wamid)}-after-retention`);

  expect(late.outcome).toBe('duplicate');
  expect(late.duplicateOf).toContain(messageWorkflowId(input.wamid));
  expect(stack.sandbox.graph.sent).toHaveLength(1);
  expect(await stack.database.db.message.count({ where: { wamid: input.wamid } })).toBe(1);
});

test('a reply longer than 4096 characters is sent as several WhatsApp messages, each recorded', async () => {
  const paragraph = 'Our studio offers cuts, colour and styling for every hair type. '.repeat(40).trim();
  const long = `${paragraph}\n\n${paragraph}`;
  stack.sandbox.openai.enqueue({ content: long });
  const result = await run(inbound('Tell me everything', { customer: { waId: '34611000107' } }));

  expect(result.sentMessageIds).toHaveLength(2);
  const texts = stack.sandbox.graph.sent.map((m) => m.text!);
  expect(texts.every((t) => t.length <= 4096)).toBe(true);
  expect(texts.join('\n\n')).toBe(long);
  const rows = await stack.database.db.message.findMany({ where: { wamid: { in: result.sentMessageIds } } });
  expect(rows.map((r) => r.status)).toEqual(['SENT', 'SENT']);
});

describe('sending', () => {
  test('a retried send step does not send again what an earlier attempt already sent', async () => {
    const activities = createActivities({
      db: stack.database.db,
      temporal: stack.temporal,
      model: createOpenAIModel({ apiKey: 'unused', baseURL: `${stack.sandbox.url}/v1`, model: 'gpt-4o-mini', maxOutputTokens: 600 }),
      whatsapp: createGraphClient({ baseUrl: stack.sandbox.url, version: 'v23.0', accessToken: TEST_ACCESS_TOKEN }),
      calendarAccess: {},
      secrets: TEST_SECRETS,
      maxIterations: 3,
    });
    const customer = await stack.database.db.customer.create({ data: { businessId: stack.businessId, waId: '34611000108' } });
    const step = {
      businessId: stack.businessId,
      customerId: customer.id,
      phoneNumberId: DEMO_PHONE_NUMBER_ID,
      text: 'See you on Friday!',
      replyKey: `wf-${randomUUID()}`,
      workflowId: 'wf',
      runId: 'run',
    };
    const env = new MockActivityEnvironment();
    const first = await env.run(activities.sendReply, step);
    const retry = await env.run(activities.sendReply, step);

    expect(retry).toEqual(first);
    expect(stack.sandbox.graph.sent).toHaveLength(1);
  });
});

describe('when WhatsApp refuses the access token', () => {
  const refused = useStack({ workerAccessToken: 'expired-token' });

  test("the send is not retried and the reply is recorded as failed with Meta's code", async () => {
    const input = { ...inbound('Hi'), businessId: refused.businessId, customer: { waId: '34611000109' } };
    const result = await runMessage(refused, input);

    expect(result.outcome).toBe('send-failed');
    expect(result.error).toMatch(/code 190/);
    expect(refused.sandbox.graph.sent).toHaveLength(0);
    const outbound = await refused.database.db.message.findFirstOrThrow({ where: { direction: 'OUTBOUND' } });
    expect(outbound).toMatchObject({ status: 'FAILED', errorCode: 190 });
  });
});
