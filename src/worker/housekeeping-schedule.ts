// The Temporal Schedules of periodic clean-up: housekeeping every hour, message
// retention every day. Created by each worker at start; creating one again is a
// no-op, so any number of workers can start in any order. (An existing schedule
// keeps the spec it was created with: a changed spec needs the schedule deleted.)
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { Duration } from '@temporalio/common';

export function housekeepingScheduleId(taskQueue: string): string {
  return `housekeeping-${taskQueue}`;
}

export function retentionScheduleId(taskQueue: string): string {
  return `retention-${taskQueue}`;
}

async function ensureSchedule(
  client: Client,
  { scheduleId, every, workflowType, taskQueue }: { scheduleId: string; every: Duration; workflowType: string; taskQueue: string },
): Promise<'created' | 'exists'> {
  try {
    await client.schedule.create({
      scheduleId,
      spec: { intervals: [{ every }] },
      action: { type: 'startWorkflow', workflowType, taskQueue, workflowId: scheduleId, args: [] },
      // A run still going when the next is due (database down) makes the next one pointless.
      policies: { overlap: ScheduleOverlapPolicy.SKIP },
    });
    return 'created';
  } catch (err) {
    if (err instanceof ScheduleAlreadyRunning) return 'exists';
    throw err;
  }
}

export function ensureHousekeepingSchedule(client: Client, taskQueue: string): Promise<'created' | 'exists'> {
  return ensureSchedule(client, { scheduleId: housekeepingScheduleId(taskQueue), every: '1 hour', workflowType: 'housekeeping', taskQueue });
}

export function ensureRetentionSchedule(client: Client, taskQueue: string): Promise<'created' | 'exists'> {
  return ensureSchedule(client, { scheduleId: retentionScheduleId(taskQueue), every: '1 day', workflowType: 'retention', taskQueue });
}
