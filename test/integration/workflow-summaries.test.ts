// The Temporal Web UI reads like the conversation: after a booking turn the
// customer's conversation workflow carries Outcome and TurnSummary search
// attributes (its latest turn), so the list reads "Booked Haircut Tue 8 Dec 10:30"
// and an operator can filter the failed turns of one business; the workflows carry
// static summaries and each step (activity or local activity) a summary of what it
// did. None of it names the customer except by keyed hash.
import { defaultPayloadConverter } from '@temporalio/common';
import { hashIdentifier } from '../../src/observability/privacy';
import { localTimeWords } from '../../src/workflows/summaries';
import { textAttributeValue } from '../../src/workflows/search-attributes';
import { conversationWorkflowId } from '../../src/workflows/conversation-id';
import { deliver } from '../support/deliver';
import { textMessagePayload } from '../support/payloads';
import { DEMO_PHONE_NUMBER_ID, TEST_DATA_CONVERTER, useStack } from '../support/stack';
import { until, upcomingWeekday } from '../support/waiting';

const stack = useStack();

beforeEach(() => stack.sandbox.reset());

async function decode(payload: unknown): Promise<string | undefined> {
  if (!payload) return undefined;
  const [decoded] = await TEST_DATA_CONVERTER.payloadCodecs![0]!.decode([payload as never]);
  return defaultPayloadConverter.fromPayload<string>(decoded!);
}

async function listIds(query: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const execution of stack.temporal.workflow.list({ query })) ids.push(execution.workflowId);
  return ids;
}

test('a booking turn is listed with its outcome and a sentence, and filtered by business, customer and outcome', async () => {
  const waId = `3466${Math.floor(Math.random() * 1e7)}`;
  const date = upcomingWeekday('tue');
  stack.sandbox.openai.enqueue(
    { toolCalls: [{ name: 'check_availability', arguments: { service: 'Haircut', date, days: null } }] },
    { toolCalls: [{ name: 'book_appointment', arguments: { service: 'Haircut', start: `${date}T10:30`, customer_name: 'Ana Lopez' } }] },
    { content: `Done! *Haircut* on ${date} at 10:30.` },
  );
  const payload = textMessagePayload({ phoneNumberId: DEMO_PHONE_NUMBER_ID, from: waId, text: 'Haircut Tuesday 10:30? I am Ana Lopez', name: 'Ana Lopez' });
  const result = await deliver(stack, payload);
  expect(result.outcome).toBe('replied');

  const customerKey = hashIdentifier(waId)!;
  const query = `BusinessId = "${stack.businessId}" AND CustomerKey = "${customerKey}"`;
  // The message's workflow: found by business and customer, with what it is in words.
  let messageWorkflowId = '';
  await until('the message workflow is visible', async () => {
    [messageWorkflowId = ''] = await listIds(`${query} AND WorkflowType = "handleInboundMessage"`);
    return messageWorkflowId !== '';
  });
  expect(await (await stack.temporal.workflow.getHandle(messageWorkflowId).describe()).staticSummary()).toBe('WhatsApp text message to Lumen Hair Studio');

  // The conversation: its latest turn's outcome and sentence, filterable.
  const conversationQuery = `${query} AND WorkflowType = "conversation"`;
  let conversationId = '';
  await until('the conversation is visible with its outcome', async () => {
    [conversationId = ''] = await listIds(`${conversationQuery} AND Outcome = "replied"`);
    return conversationId !== '';
  });
  expect(conversationId).toBe(conversationWorkflowId((await customerIdOf(waId))!));
  const conversation = stack.temporal.workflow.getHandle(conversationId);
  const described = await conversation.describe();
  expect(described.typedSearchAttributes.getAll().map(({ key, value }) => [key.name, value])).toEqual(
    expect.arrayContaining([
      ['BusinessId', stack.businessId],
      ['CustomerKey', customerKey],
      ['Outcome', 'replied'],
      ['TurnSummary', textAttributeValue(`Booked Haircut ${localTimeWords(`${date}T10:30`)}`)],
    ]),
  );
  expect(await listIds(`${conversationQuery} AND Outcome IN ("model-failed", "turn-failed", "send-failed")`)).toEqual([]);
  // TurnSummary is text: a word of it finds the turn.
  expect(await listIds(`${query} AND TurnSummary = "Booked"`)).toEqual([conversationId]);

  // Its summary names the customer by hash only; each step says what it was.
  expect(await described.staticSummary()).toBe(`Conversation with customer ${customerKey}`);
  const history = await conversation.fetchHistory();
  const steps: Array<[string, string | undefined]> = [];
  for (const event of history.events ?? []) {
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) steps.push([scheduled.activityType!.name!, await decode(event.userMetadata?.summary)]);
    const marker = event.markerRecordedEventAttributes;
    const data = marker?.markerName === 'core_local_activity' ? marker.details?.data?.payloads?.[0]?.data : undefined;
    if (data)
      steps.push([(JSON.parse(Buffer.from(data).toString('utf8')) as { activity_type: string }).activity_type, await decode(event.userMetadata?.summary)]);
  }
  expect(steps).toEqual([
    ['prepareTurn', undefined],
    ['callModel', 'Model call 1'],
    ['runTool', `check_availability: Haircut ${date}`],
    ['callModel', 'Model call 2'],
    ['runTool', `book_appointment: Haircut ${date}T10:30`],
    ['callModel', 'Model call 3'],
    ['replyAndRecordTurn', 'Reply'],
  ]);
  const everything = JSON.stringify(described.raw) + JSON.stringify(steps);
  expect(everything).not.toContain(waId);
  expect(everything).not.toContain('Ana');
});

async function customerIdOf(waId: string): Promise<string | undefined> {
  return (await stack.database.db.customer.findFirst({ where: { waId }, select: { id: true } }))?.id;
}
