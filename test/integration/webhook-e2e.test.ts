// End to end over HTTP: a signed webhook POSTed to the running app becomes a
// workflow on the real Temporal server that answers through the Graph API
// stand-in, with the conversation stored in the real PostgreSQL.
import fs from 'node:fs';
import path from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { IntakeReport } from '../../src/api/intake';
import { messageWorkflowId } from '../../src/api/message-workflow-id';
import type { TurnResult } from '../../src/workflows/types';
import { newWamid, postSigned, statusPayload, textMessagePayload } from '../support/payloads';
import { DEMO_PHONE_NUMBER_ID, useStack, TEST_APP_SECRET, TEST_VERIFY_TOKEN } from '../support/stack';
import { messageResultOf } from '../support/deliver';

const stack = useStack();

async function resultOf(workflowId: string): Promise<TurnResult> {
  return messageResultOf(stack, workflowId);
}

test('a signed fixture is answered exactly once, and a redelivery adds nothing', async () => {
  const fixture = fs.readFileSync(path.join(__dirname, '../../fixtures/simple_greeting.json'), 'utf8');
  const wamid = JSON.parse(fixture).entry[0].changes[0].value.messages[0].id as string;

  const first = await postSigned(stack.webhookUrl, fixture, TEST_APP_SECRET);
  expect(first.status).toBe(200);
  const report = (await first.json()) as IntakeReport;
  expect(report.messages).toEqual([{ id: wamid, workflowId: messageWorkflowId(wamid), status: 'started' }]);

  const result = await resultOf(messageWorkflowId(wamid));
  expect(result.outcome).toBe('replied');
  const sent = stack.sandbox.graph.sent;
  expect(sent).toHaveLength(1);
  expect(sent[0]).toMatchObject({ to: '34600111222', phoneNumberId: DEMO_PHONE_NUMBER_ID, wamid: result.sentMessageIds[0] });
  expect(sent[0]?.text).toContain('Hi! Are you open on Saturday?');

  // The model saw the business's configuration and the customer's message.
  const request = stack.sandbox.openai.requests.at(-1);
  expect(request?.messages[0]?.content).toContain('Lumen Hair Studio');
  expect(request?.messages.at(-1)).toEqual({ role: 'user', content: 'Hi! Are you open on Saturday?' });

  // Meta redelivers: same answer, no second run, no second reply.
  const description = await stack.temporal.workflow.getHandle(messageWorkflowId(wamid)).describe();
  const again = await postSigned(stack.webhookUrl, fixture, TEST_APP_SECRET);
  expect(again.status).toBe(200);
  expect(((await again.json()) as IntakeReport).messages[0]?.status).toBe('duplicate');
  const afterRedelivery = await stack.temporal.workflow.getHandle(messageWorkflowId(wamid)).describe();
  expect(afterRedelivery.runId).toBe(description.runId);
  expect(stack.sandbox.graph.sent).toHaveLength(1);

  // The conversation is stored: the inbound message and the reply with its wamid.
  const stored = await stack.database.db.message.findMany({ orderBy: { createdAt: 'asc' } });
  expect(stored.map((m) => [m.direction, m.status, m.wamid])).toEqual([
    ['INBOUND', 'RECEIVED', wamid],
    ['OUTBOUND', 'SENT', result.sentMessageIds[0]],
  ]);
  expect(description.typedSearchAttributes.getAll().map((p) => [p.key.name, p.value])).toContainEqual(['BusinessId', stack.businessId]);
});

test('a wrong or missing signature is refused with 401 and starts nothing', async () => {
  const wamid = newWamid();
  const body = JSON.stringify(textMessagePayload({ phoneNumberId: DEMO_PHONE_NUMBER_ID, from: '34600999888', text: 'hello', wamid }));
  const wrong = await postSigned(stack.webhookUrl, body, 'not-the-app-secret');
  const missing = await fetch(stack.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  expect([wrong.status, missing.status]).toEqual([401, 401]);

  await expect(stack.temporal.workflow.getHandle(messageWorkflowId(wamid)).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
  expect(await stack.database.db.message.count({ where: { wamid } })).toBe(0);
  expect(await stack.database.db.customer.count({ where: { waId: '34600999888' } })).toBe(0);
});

test('malformed JSON with a valid signature is a 400; a payload of another kind is a 400', async () => {
  expect((await postSigned(stack.webhookUrl, '{"object": ', TEST_APP_SECRET)).status).toBe(400);
  expect((await postSigned(stack.webhookUrl, { object: 'page', entry: [] }, TEST_APP_SECRET)).status).toBe(400);
});

test('a body over the limit is refused before anything is processed', async () => {
  const huge = JSON.stringify(textMessagePayload({ phoneNumberId: DEMO_PHONE_NUMBER_ID, from: '34600111000', text: 'x'.repeat(2 * 1024 * 1024) }));
  const response = await postSigned(stack.webhookUrl, huge, TEST_APP_SECRET);
  expect(response.status).toBe(413);
});

test('a message for an unknown phone_number_id is acknowledged and nothing else happens', async () => {
  const wamid = newWamid();
  const sentBefore = stack.sandbox.graph.sent.length;
  const response = await postSigned(
    stack.webhookUrl,
    textMessagePayload({ phoneNumberId: '999999999999999', from: '34600111333', text: 'hi', wamid }),
    TEST_APP_SECRET,
  );
  expect(response.status).toBe(200);
  expect(((await response.json()) as IntakeReport).messages).toEqual([{ id: wamid, status: 'unknown-business' }]);
  await expect(stack.temporal.workflow.getHandle(messageWorkflowId(wamid)).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
  expect(stack.sandbox.graph.sent.length).toBe(sentBefore);
});

test('every message of every entry starts its own workflow', async () => {
  const messages = [
    { phoneNumberId: DEMO_PHONE_NUMBER_ID, from: '34600200001', text: 'first customer', wamid: newWamid() },
    { phoneNumberId: DEMO_PHONE_NUMBER_ID, from: '34600200002', text: 'second customer', wamid: newWamid() },
  ];
  const response = await postSigned(stack.webhookUrl, textMessagePayload(...messages), TEST_APP_SECRET);
  const report = (await response.json()) as IntakeReport;
  expect(report.messages.map((m) => m.status)).toEqual(['started', 'started']);
  const results = await Promise.all(messages.map((m) => resultOf(messageWorkflowId(m.wamid))));
  expect(results.map((r) => r.outcome)).toEqual(['replied', 'replied']);
  for (const m of messages) expect(stack.sandbox.graph.sent.filter((s) => s.to === m.from)).toHaveLength(1);
});

test('delivery statuses are recorded on the reply and never move backwards', async () => {
  const wamid = newWamid();
  await postSigned(
    stack.webhookUrl,
    textMessagePayload({ phoneNumberId: DEMO_PHONE_NUMBER_ID, from: '34600300001', text: 'status please', wamid }),
    TEST_APP_SECRET,
  );
  const { sentMessageIds } = await resultOf(messageWorkflowId(wamid));
  const replyId = sentMessageIds[0]!;

  const t = Math.floor(Date.now() / 1000);
  // read arrives before delivered, as Meta sometimes does.
  const response = await postSigned(
    stack.webhookUrl,
    statusPayload(DEMO_PHONE_NUMBER_ID, { wamid: replyId, status: 'read', timestamp: t + 20 }, { wamid: replyId, status: 'delivered', timestamp: t + 10 }),
    TEST_APP_SECRET,
  );
  expect(response.status).toBe(200);
  const reply = await stack.database.db.message.findUniqueOrThrow({ where: { wamid: replyId } });
  expect(reply.status).toBe('READ');
  expect(reply.readAt?.getTime()).toBe((t + 20) * 1000);
  expect(reply.deliveredAt?.getTime()).toBe((t + 10) * 1000);
});

test('the verification handshake answers the challenge only with the right token', async () => {
  const base = stack.webhookUrl;
  const ok = await fetch(`${base}?hub.mode=subscribe&hub.verify_token=${TEST_VERIFY_TOKEN}&hub.challenge=1158201444`);
  expect(ok.status).toBe(200);
  expect(await ok.text()).toBe('1158201444');
  const wrong = await fetch(`${base}?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1158201444`);
  expect(wrong.status).toBe(403);
});

test('readiness reports the database and Temporal', async () => {
  const response = await fetch(stack.webhookUrl.replace('/webhook', '/readyz'));
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ status: 'ready', checks: { database: 'ok', temporal: 'ok' } });
});
