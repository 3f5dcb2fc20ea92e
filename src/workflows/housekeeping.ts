// Periodic clean-up, started by a Temporal Schedule (worker/housekeeping-schedule.ts),
// so every run is visible in the Web UI with what it removed.
import { proxyActivities } from '@temporalio/workflow';
import type { LedgerActivities } from './activity-contracts';
import { HOUSEKEEPING_STEP } from './retry-policies';

const { expireParkedStatuses } = proxyActivities<LedgerActivities>(HOUSEKEEPING_STEP);

export interface HousekeepingResult {
  expiredParkedStatuses: number;
}

export async function housekeeping(): Promise<HousekeepingResult> {
  return { expiredParkedStatuses: await expireParkedStatuses() };
}
