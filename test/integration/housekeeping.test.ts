// Parked delivery statuses that no send ever claims are removed by the
// housekeeping workflow, which a Temporal Schedule runs every hour.
import type { ScheduleExecutionResult } from '@temporalio/client';
import { recordStatus, PARKED_STATUS_TTL_MS } from '../../src/db/messages';
import { ensureHousekeepingSchedule, housekeepingScheduleId } from '../../src/worker/housekeeping-schedule';
import { newWamid } from '../support/payloads';
import { useStack } from '../support/stack';
import { until } from '../support/waiting';

const stack = useStack(
  {},
  {
    async beforeStop() {
      await stack.temporal.schedule
        .getHandle(housekeepingScheduleId(stack.taskQueue))
        .delete()
        .catch(() => undefined);
    },
  },
);

test('the schedule is created once, however many workers start, and runs every hour', async () => {
  expect(await ensureHousekeepingSchedule(stack.temporal, stack.taskQueue)).toBe('created');
  expect(await ensureHousekeepingSchedule(stack.temporal, stack.taskQueue)).toBe('exists');
  const description = await stack.temporal.schedule.getHandle(housekeepingScheduleId(stack.taskQueue)).describe();
  expect(description.spec.intervals).toEqual([expect.objectContaining({ every: 3_600_000 })]);
  expect(description.action).toMatchObject({ type: 'startWorkflow', workflowType: 'housekeeping', taskQueue: stack.taskQueue });
});

test('a scheduled run expires statuses parked longer than the TTL and keeps younger ones', async () => {
  const { db } = stack.database;
  const [old, young] = [newWamid(), newWamid()];
  for (const wamid of [old, young]) await recordStatus(db, { businessId: stack.businessId, wamid, status: 'DELIVERED', occurredAt: new Date() });
  await db.pendingStatus.updateMany({ where: { wamid: old }, data: { createdAt: new Date(Date.now() - PARKED_STATUS_TTL_MS - 60_000) } });

  await ensureHousekeepingSchedule(stack.temporal, stack.taskQueue);
  const schedule = stack.temporal.schedule.getHandle(housekeepingScheduleId(stack.taskQueue));
  await schedule.trigger();
  let runs: ScheduleExecutionResult[] = [];
  await until('the triggered run', async () => {
    runs = (await schedule.describe()).info.recentActions;
    return runs.length > 0;
  });
  const run = runs.at(-1)!.action.workflow;
  const result = await stack.temporal.workflow.getHandle(run.workflowId, run.firstExecutionRunId).result();
  expect(result).toEqual({ expiredParkedStatuses: 1 });
  expect(await db.pendingStatus.findMany({ select: { wamid: true } })).toEqual([{ wamid: young }]);
});
