// Meta delivers at least once, and sometimes many times at once. One message is
// handled once whatever arrives: the workflow ID taken while Temporal remembers
// it, and the database's unique wamid after Temporal has forgotten it. Real
// stack: Fastify on a port, the Temporal dev server, PostgreSQL, the sandbox.
import { WorkflowNotFoundError } from '@temporalio/client';
import type { IntakeReport, MessageIntakeStatus } from '../../src/api/intake';
import { signBody } from '../../src/whatsapp/signature';
import { messageWorkflowId } from '../../src/api/message-workflow-id';
import type { TurnResult } from '../../src/workflows/types';
import { newWamid, textMessagePayload } from '../support/payloads';
import { DEMO_PHONE_NUMBER_ID, useStack, TEST_APP_SECRET } from '../support/stack';
import { messageResultOf } from '../support/deliver';

const stack = useStack();

/** POSTs the same signed bytes `times` times at once; every answer must be a 200 with an intake report. */
async function storm(body: string, times: number): Promise<MessageIntakeStatus[][]> {
  const headers = { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, TEST_APP_SECRET) };
  const answers = await Promise.all(Array.from({ length: times }, () => fetch(stack.webhookUrl, { method: 'POST', headers, body })));
  expect(answers.map((a) => a.status)).toEqual(Array(times).fill(200));
  const reports = (await Promise.all(answers.map((a) => a.json()))) as IntakeReport[];
  return reports.map((r) => r.messages.map((m) => m.status));
}

const count = (statuses: MessageIntakeStatus[][], status: MessageIntakeStatus) => statuses.flat().filter((s) => s === status).length;

/**
 * The runs Temporal's visibility lists for a workflow ID, once it lists `expectedRunId`
 * (visibility lags behind describe(), so we wait for the run we know of, then look at all).
 */
async function listedRuns(workflowId: string, expectedRunId: string): Promise<string[]> {
  for (;;) {
    const runs: string[] = [];
    for await (const execution of stack.temporal.workflow.list({ query: `WorkflowId = "${workflowId}"` })) runs.push(execution.runId);
    if (runs.includes(expectedRunId)) return runs;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** What one message left behind: its inbound rows, the replies to its customer, the read receipts for it. */
async function traces(wamid: string, customer: string) {
  return {
    inboundRows: await stack.database.db.message.count({ where: { wamid, direction: 'INBOUND' } }),
    replies: stack.sandbox.graph.sent.filter((m) => m.to === customer).length,
    readReceipts: stack.sandbox.graph.readReceipts.filter((r) => r.messageId === wamid).length,
  };
}

describe('one message delivered over and over', () => {
  const customer = '34622000001';
  const wamid = newWamid();
  const workflowId = messageWorkflowId(wamid);
  // The same bytes every time, as Meta redelivers them.
  const body = JSON.stringify(textMessagePayload({ phoneNumberId: DEMO_PHONE_NUMBER_ID, from: customer, text: 'Hi! Are you open on Saturday?', wamid }));
  let firstRunId: string | undefined;

  test('50 identical deliveries at once: one run, one inbound row, one reply', async () => {
    const statuses = await storm(body, 50);
    expect([count(statuses, 'started'), count(statuses, 'duplicate')]).toEqual([1, 49]);

    const result: TurnResult = await messageResultOf(stack, workflowId);
    expect(result.outcome).toBe('replied');
    expect(result.sentMessageIds).toHaveLength(1);
    firstRunId = (await stack.temporal.workflow.getHandle(workflowId).describe()).runId;

    expect(await listedRuns(workflowId, firstRunId)).toEqual([firstRunId]);
    expect(await traces(wamid, customer)).toEqual({ inboundRows: 1, replies: 1, readReceipts: 1 });
    const inbound = await stack.database.db.message.findUniqueOrThrow({ where: { wamid } });
    expect(inbound).toMatchObject({ workflowId, workflowRunId: firstRunId, text: 'Hi! Are you open on Saturday?' });
  });

  test('delivered again after its workflow finished: the same run, nothing new', async () => {
    expect(firstRunId).toBeDefined();
    const modelCallsBefore = stack.sandbox.openai.requests.length;
    const historyBefore = (await stack.temporal.workflow.getHandle(workflowId).describe()).historyLength;

    const statuses = await storm(body, 10);
    expect(count(statuses, 'duplicate')).toBe(10);

    const description = await stack.temporal.workflow.getHandle(workflowId).describe();
    expect([description.runId, description.status.name, description.historyLength]).toEqual([firstRunId, 'COMPLETED', historyBefore]);
    expect(await listedRuns(workflowId, firstRunId!)).toEqual([firstRunId]);
    expect(await traces(wamid, customer)).toEqual({ inboundRows: 1, replies: 1, readReceipts: 1 });
    expect(stack.sandbox.openai.requests).toHaveLength(modelCallsBefore);
  });

  test('delivered again after Temporal forgot the workflow ID: a new run ends as a duplicate of the first, nothing new', async () => {
    expect(firstRunId).toBeDefined();
    const modelCallsBefore = stack.sandbox.openai.requests.length;

    // What retention does to a closed workflow, done now (the server deletes it in the background).
    await stack.temporal.workflowService.deleteWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId } });
    for (;;) {
      const gone = await stack.temporal.workflow
        .getHandle(workflowId)
        .describe()
        .then(
          () => false,
          (err: unknown) => err instanceof WorkflowNotFoundError,
        );
      if (gone) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    // Still a storm: Temporal lets exactly one of them start the ID again.
    const statuses = await storm(body, 10);
    expect([count(statuses, 'started'), count(statuses, 'duplicate')]).toEqual([1, 9]);

    const result: TurnResult = await messageResultOf(stack, workflowId);
    const secondRunId = (await stack.temporal.workflow.getHandle(workflowId).describe()).runId;
    expect(secondRunId).not.toBe(firstRunId);
    expect(result).toEqual({
      outcome: 'duplicate',
      duplicateOf: `${workflowId}/${firstRunId}`,
      sentMessageIds: [],
      toolCalls: [],
      appointments: [],
      modelCalls: 0,
    });

    expect(await listedRuns(workflowId, secondRunId)).toEqual([secondRunId]);
    expect(await traces(wamid, customer)).toEqual({ inboundRows: 1, replies: 1, readReceipts: 1 });
    expect(stack.sandbox.openai.requests).toHaveLength(modelCallsBefore);
    // The stored message still names the run that handled it.
    expect(await stack.database.db.message.findUniqueOrThrow({ where: { wamid } })).toMatchObject({ workflowRunId: firstRunId });
    // The dev server deletes a closed execution only after its visibility record has caught up, about 30 s here.
  }, 120_000);
});

test('the same message twice in one webhook starts it once', async () => {
  const customer = '34622000002';
  const wamid = newWamid();
  const message = { phoneNumberId: DEMO_PHONE_NUMBER_ID, from: customer, text: 'twice in one delivery', wamid };
  const statuses = await storm(JSON.stringify(textMessagePayload(message, message)), 1);
  expect(statuses[0]?.slice().sort()).toEqual(['duplicate', 'started']);

  const result: TurnResult = await messageResultOf(stack, messageWorkflowId(wamid));
  expect(result.outcome).toBe('replied');
  expect(await traces(wamid, customer)).toEqual({ inboundRows: 1, replies: 1, readReceipts: 1 });
});
