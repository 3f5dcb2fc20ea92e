// The Temporal Schedule that runs the housekeeping workflow every hour. Created
// by each worker at start; creating it again is a no-op, so any number of
// workers can start in any order.
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';

export function housekeepingScheduleId(taskQueue: string): string {
  return `housekeeping-${taskQueue}`;
}

export async function ensureHousekeepingSchedule(client: Client, taskQueue: string): Promise<'created' | 'exists'> {
  const scheduleId = housekeepingScheduleId(taskQueue);
  try {
    await client.schedule.create({
      scheduleId,
      spec: { intervals: [{ every: '1 hour' }] },
      action: { type: 'startWorkflow', workflowType: 'housekeeping', taskQueue, workflowId: scheduleId, args: [] },
      // A run still going when the next is due (database down) makes the next one pointless.
      policies: { overlap: ScheduleOverlapPolicy.SKIP },
    });
    return 'created';
  } catch (err) {
    if (err instanceof ScheduleAlreadyRunning) return 'exists';
    throw err;
  }
}
