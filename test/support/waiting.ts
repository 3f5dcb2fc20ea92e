// Small helpers the integration tests share: dates to book on, waiting for a
// condition, and reading a step's attempts from a workflow's history.
import type { Client } from '@temporalio/client';
import { addDays, localDateOf, weekdayOf } from '../../src/booking/time';

/** The next given weekday at least three days from now, in the zone given (the demo business's by default). */
export function upcomingWeekday(weekday: 'mon' | 'tue' | 'wed' | 'thu' | 'fri', timeZone = 'Europe/Madrid'): string {
  let date = addDays(localDateOf(new Date(), timeZone), 3);
  while (weekdayOf(date) !== weekday) date = addDays(date, 1);
  return date;
}

/** Polls until the condition holds, or fails naming what it waited for. */
export async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface ActivityStart {
  /** The attempt that finished: history records one started event per activity (a marker per local activity), written when it completes. */
  attempt: number;
  /** Regular activities only: the failure of the attempt before, with the retry delay it asked for. */
  lastFailure?: { message?: string | null; applicationFailureInfo?: { nextRetryDelay?: { seconds?: unknown; nanos?: number | null } | null } | null } | null;
  local?: boolean;
}

/** What the Temporal core records in a local activity's marker (plain JSON, not through the data converter). */
interface LocalActivityMarkerData {
  activity_type?: string;
  attempt?: number;
}

/**
 * The workflow's history once no workflow task is in flight. A turn's local activities write the database
 * (where the tests learn its outcome) before their workflow task completes and records their markers.
 */
async function settledHistory(temporal: Client, workflowId: string) {
  const handle = temporal.workflow.getHandle(workflowId);
  let history = await handle.fetchHistory();
  await until(`a workflow task of ${workflowId} to complete`, async () => {
    history = await handle.fetchHistory();
    const last = history.events?.at(-1);
    return !last?.workflowTaskScheduledEventAttributes && !last?.workflowTaskStartedEventAttributes;
  });
  return history;
}

/** The runs of one activity type in a workflow's history: regular activities' started events and local activities' markers. */
export async function activityStarts(temporal: Client, workflowId: string, activityType: string): Promise<ActivityStart[]> {
  const history = await settledHistory(temporal, workflowId);
  const scheduled = new Map<string, string>();
  const starts: ActivityStart[] = [];
  for (const event of history.events ?? []) {
    if (event.activityTaskScheduledEventAttributes) scheduled.set(String(event.eventId), event.activityTaskScheduledEventAttributes.activityType?.name ?? '');
    const started = event.activityTaskStartedEventAttributes;
    if (started && scheduled.get(String(started.scheduledEventId)) === activityType)
      starts.push({ attempt: started.attempt ?? 1, lastFailure: started.lastFailure });
    const marker = event.markerRecordedEventAttributes;
    const data = marker?.markerName === 'core_local_activity' ? marker.details?.data?.payloads?.[0]?.data : undefined;
    if (data) {
      const parsed = JSON.parse(Buffer.from(data).toString('utf8')) as LocalActivityMarkerData;
      if (parsed.activity_type === activityType) starts.push({ attempt: parsed.attempt ?? 1, local: true });
    }
  }
  return starts;
}
