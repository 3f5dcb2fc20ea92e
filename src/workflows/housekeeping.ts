// Periodic clean-up, started by a Temporal Schedule (worker/housekeeping-schedule.ts),
// so every run is visible in the Web UI with what it removed.
import { proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities';

const { expireParkedStatuses } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
});

export interface HousekeepingResult {
  expiredParkedStatuses: number;
}

export async function housekeeping(): Promise<HousekeepingResult> {
  return { expiredParkedStatuses: await expireParkedStatuses() };
}
