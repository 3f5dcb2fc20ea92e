// A person's reply survives a worker killed with SIGKILL in the middle of
// sending it: the update was accepted and recorded, a new worker process takes
// the workflow over, and the reply reaches the customer exactly once.
import { randomUUID } from 'node:crypto';
import { signedInUser } from '../support/console-client';
import { inboundText, startMessage, messageResultOf } from '../support/deliver';
import { startWorkerProcess, type ServiceProcess } from '../support/processes';
import { Worker } from '@temporalio/worker';
import { NO_OBSERVER } from '../../src/observability/turn-events';
import { turnSinks } from '../../src/worker/turn-sinks';
import { DEMO_PHONE_NUMBER_ID, TEST_DATA_CONVERTER, useStack, workflowBundle } from '../support/stack';
import { activityStarts, until } from '../support/waiting';
import { conversationWorkflowId } from '../../src/workflows/conversation-id';

jest.setTimeout(240_000);

const workers: ServiceProcess[] = [];
const stack = useStack(
  { inProcessWorker: false, statusWebhooks: true },
  {
    async beforeStop() {
      for (const worker of workers) worker.kill('SIGKILL');
      await Promise.all(workers.map((w) => w.exited));
    },
  },
);

test("a person's reply in flight when the worker is killed is sent once by the next worker", async () => {
  const { sandbox, database } = stack;
  workers.push(await startWorkerProcess(stack.workerProcessEnv()));
  const staff = await signedInUser(stack, 'staff@example.com', 'staff', DEMO_PHONE_NUMBER_ID);
  const waId = '34611000077';
  sandbox.openai.enqueue({ content: 'Hello!' });
  const first = await startMessage(stack, inboundText(stack, 'hi', { customer: { waId } }));
  expect((await messageResultOf(stack, first.workflowId)).outcome).toBe('replied');
  const customer = await database.db.customer.findFirstOrThrow({ where: { waId } });
  const path = `/admin/api/businesses/${stack.businessId}/conversations/${customer.id}`;
  expect((await staff.request('POST', `${path}/take-over`)).status).toBe(200);

  // The send never answers: the worker is killed while the reply's activity waits on Meta.
  sandbox.faults.inject({ endpoint: 'whatsapp.send', hang: 'before' });
  const replying = staff.request('POST', `${path}/replies`, { text: 'Sam here, I can help.', requestId: randomUUID() });
  await until('the reply to reach Meta', () => sandbox.faults.hits.some((h) => h.endpoint === 'whatsapp.send'));
  workers[0]!.kill('SIGKILL');
  expect(await workers[0]!.exited).toBe('SIGKILL');
  workers.push(await startWorkerProcess(stack.workerProcessEnv()));

  const answer = await replying;
  expect(answer.status).toBe(201);
  expect(sandbox.graph.sent.filter((m) => m.to === waId).map((m) => m.text)).toEqual(['Hello!', 'Sam here, I can help.']);
  const recorded = await database.db.message.findMany({ where: { customerId: customer.id, sentByUserId: { not: null } } });
  expect(recorded).toHaveLength(1);
  expect(recorded[0]!.wamid).not.toBeNull();
  // The kill really interrupted the send: the new worker finished it on a later attempt.
  const attempts = (await activityStarts(stack.temporal, conversationWorkflowId(customer.id), 'sendReply')).map((s) => s.attempt);
  expect(attempts.at(-1)).toBeGreaterThan(1);

  // The history a new worker took over replays without a nondeterminism error, as any later worker must.
  const history = await stack.temporal.workflow.getHandle(conversationWorkflowId(customer.id)).fetchHistory();
  // The turn sinks are registered as on a worker (a replay calls none of them), so the replay checks only determinism.
  await Worker.runReplayHistory({ workflowBundle: await workflowBundle(), dataConverter: TEST_DATA_CONVERTER, sinks: turnSinks(NO_OBSERVER) }, history);
});
