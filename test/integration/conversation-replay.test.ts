// A conversation's history must replay on the code that wrote it, or the next
// worker to pick it up (after a crash, a deploy, a cache eviction) fails it with a
// nondeterminism error. A flood is the hardest case: hundreds of signals arriving
// while turns run their local activities, quiet-window timers, limit notices.
// The history it leaves is fed to Temporal's replayer.
import { Worker } from '@temporalio/worker';
import type { IntakeReport } from '../../src/api/intake';
import { NO_OBSERVER } from '../../src/observability/turn-events';
import { turnSinks } from '../../src/worker/turn-sinks';
import { conversationWorkflowId } from '../../src/workflows/conversation-id';
import { messageResultOf } from '../support/deliver';
import { newWamid, postSigned, textMessagePayload } from '../support/payloads';
import { DEMO_PHONE_NUMBER_ID, TEST_APP_SECRET, TEST_DATA_CONVERTER, useStack, workflowBundle } from '../support/stack';

const stack = useStack();

async function post(from: string, text: string, timestamp: number): Promise<string> {
  for (;;) {
    const payload = textMessagePayload({ phoneNumberId: DEMO_PHONE_NUMBER_ID, from, text, wamid: newWamid(), timestamp });
    const response = await postSigned(stack.webhookUrl, payload, TEST_APP_SECRET);
    // A full webhook answers 503 with Retry-After, and Meta delivers again.
    if (response.status === 503) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      continue;
    }
    expect(response.status).toBe(200);
    return ((await response.json()) as IntakeReport).messages[0]!.workflowId!;
  }
}

test("a flood's conversation history replays without a nondeterminism error", async () => {
  await stack.database.db.business.update({
    where: { id: stack.businessId },
    data: { customerTurnsPerMinute: 3, customerTurnsPerDay: 3, replyQuietWindowMs: 50, replyMaxWaitMs: 400 },
  });
  stack.sandbox.openai.respondWith(() => ({ content: 'Happy to help!' }));
  const from = '34699200001';
  const first = Math.floor(Date.now() / 1000) - 1000;
  for (let wave = 0; wave < 3; wave++) {
    const ids = await Promise.all(Array.from({ length: 100 }, (_, i) => post(from, `message ${wave * 100 + i}`, first + wave * 100 + i)));
    const results = await Promise.all(ids.map((id) => messageResultOf(stack, id)));
    expect(results.every((r) => ['replied', 'answered-with-later-message', 'rate-limited'].includes(r.outcome))).toBe(true);
  }

  const customer = await stack.database.db.customer.findFirstOrThrow({ where: { waId: from } });
  const history = await stack.temporal.workflow.getHandle(conversationWorkflowId(customer.id)).fetchHistory();
  expect((history.events ?? []).filter((event) => event.workflowTaskFailedEventAttributes)).toEqual([]);
  // The turn sinks are registered as on a worker (a replay calls none of them), so the replay checks only determinism.
  await Worker.runReplayHistory({ workflowBundle: await workflowBundle(), dataConverter: TEST_DATA_CONVERTER, sinks: turnSinks(NO_OBSERVER) }, history);
}, 240_000);
