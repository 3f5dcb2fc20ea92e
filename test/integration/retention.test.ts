// Messages older than a business's retention are deleted by the retention
// workflow, which a Temporal Schedule runs every day; each business by its own setting.
import { randomUUID } from 'node:crypto';
import { ensureRetentionSchedule, retentionScheduleId } from '../../src/worker/housekeeping-schedule';
import type { RetentionResult } from '../../src/workflows/retention';
import { useStack } from '../support/stack';

const stack = useStack(
  {},
  {
    async beforeStop() {
      await stack.temporal.schedule
        .getHandle(retentionScheduleId(stack.taskQueue))
        .delete()
        .catch(() => undefined);
    },
  },
);

const daysAgo = (days: number) => new Date(Date.now() - days * 24 * 60 * 60 * 1000);

async function customerWithHistory(businessId: string, ages: number[]) {
  const { db } = stack.database;
  const customer = await db.customer.create({ data: { businessId, waId: `3466${Math.floor(Math.random() * 1e7)}` }, select: { id: true } });
  for (const age of ages) {
    const createdAt = daysAgo(age);
    const key = `${customer.id}:${age}`;
    await db.message.create({
      data: { businessId, customerId: customer.id, direction: 'INBOUND', role: 'USER', text: `written ${age} days ago`, status: 'RECEIVED', createdAt },
    });
    await db.turn.create({
      data: { businessId, customerId: customer.id, turnKey: key, workflowId: 'conversation-x', runId: 'run', outcome: 'replied', createdAt },
    });
    await db.modelUsage.create({
      data: { businessId, customerId: customer.id, callKey: key, model: 'gpt-4o-mini', promptTokens: 10, completionTokens: 5, totalTokens: 15, createdAt },
    });
  }
  return customer.id;
}

test('the schedule is created once and runs the retention workflow every day', async () => {
  expect(await ensureRetentionSchedule(stack.temporal, stack.taskQueue)).toBe('created');
  expect(await ensureRetentionSchedule(stack.temporal, stack.taskQueue)).toBe('exists');
  const description = await stack.temporal.schedule.getHandle(retentionScheduleId(stack.taskQueue)).describe();
  expect(description.spec.intervals).toEqual([expect.objectContaining({ every: 86_400_000 })]);
  expect(description.action).toMatchObject({ type: 'startWorkflow', workflowType: 'retention', taskQueue: stack.taskQueue });
});

test("a run deletes each business's messages and turns older than its own retention, keeps the rest, and unlinks old usage from the customer", async () => {
  const { db } = stack.database;
  const other = await db.business.create({ data: { name: 'Short memory', phoneNumberId: '100000000000777', messageRetentionDays: 30 }, select: { id: true } });
  const demoCustomer = await customerWithHistory(stack.businessId, [400, 40]);
  const otherCustomer = await customerWithHistory(other.id, [40, 10]);

  const result = await stack.temporal.workflow.execute<() => Promise<RetentionResult>>('retention', {
    taskQueue: stack.taskQueue,
    workflowId: `retention-test-${randomUUID()}`,
  });

  expect(result).toEqual({ businesses: 2, messagesDeleted: 2, turnsDeleted: 2, modelUsageDetached: 2 });
  const texts = async (customerId: string) => (await db.message.findMany({ where: { customerId }, select: { text: true } })).map((m) => m.text);
  expect(await texts(demoCustomer)).toEqual(['written 40 days ago']);
  expect(await texts(otherCustomer)).toEqual(['written 10 days ago']);
  expect(
    await db.turn.findMany({ where: { customerId: { in: [demoCustomer, otherCustomer] } }, select: { turnKey: true }, orderBy: { turnKey: 'asc' } }),
  ).toEqual([{ turnKey: `${demoCustomer}:40` }, { turnKey: `${otherCustomer}:10` }].sort((a, b) => a.turnKey.localeCompare(b.turnKey)));
  // The cost stays with the business; only the old rows no longer say whose it was.
  expect(await db.modelUsage.count({ where: { businessId: { in: [stack.businessId, other.id] } } })).toBe(4);
  expect(await db.modelUsage.findMany({ where: { customerId: null }, select: { callKey: true }, orderBy: { callKey: 'asc' } })).toEqual(
    [{ callKey: `${demoCustomer}:400` }, { callKey: `${otherCustomer}:40` }].sort((a, b) => a.callKey.localeCompare(b.callKey)),
  );

  const again = await stack.temporal.workflow.execute<() => Promise<RetentionResult>>('retention', {
    taskQueue: stack.taskQueue,
    workflowId: `retention-test-${randomUUID()}`,
  });
  expect(again).toEqual({ businesses: 2, messagesDeleted: 0, turnsDeleted: 0, modelUsageDetached: 0 });
});
