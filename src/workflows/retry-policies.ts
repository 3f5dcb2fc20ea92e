// Every activity's timeout and retry policy, in one place: the workflows use
// them and the README's retry table is rendered from them (src/docs/), so the
// numbers are written once. Durations in milliseconds. Deterministic data only.

export interface StepPolicy {
  startToCloseTimeout: number;
  retry: { initialInterval: number; backoffCoefficient: number; maximumInterval?: number; maximumAttempts: number };
}

// Database steps are short and safe to repeat; retry them for as long as an
// outage plausibly lasts rather than drop a customer's message. They run as
// local activities, inside the workflow task on the worker that has the
// workflow: no round trip through the Temporal server to schedule, dispatch and
// complete each one, which is most of a turn's server work. Local activities
// may run again if the worker dies before the task completes; these are
// idempotent (unique wamid, read-only load, signal-with-start with dedup,
// the turn's record by its key).
export const DATABASE_STEP: StepPolicy = {
  startToCloseTimeout: 10_000,
  retry: { initialInterval: 200, backoffCoefficient: 2, maximumInterval: 10_000, maximumAttempts: 30 },
};

// Model calls are slow and cost money: a generous timeout, a handful of tries.
// The openai client's own retries are off, so these are the only ones. Local
// (activities.ts says why); a retry past a minute's wait becomes a timer. A 429
// waits as long as OpenAI's retry-after asks (the failure's next-retry delay);
// 5xx and timeouts back off; 400s and insufficient_quota are non-retryable and
// end the turn with an apology (see activities/model.ts).
export const MODEL_CALL: StepPolicy = {
  startToCloseTimeout: 90_000,
  retry: { initialInterval: 1_000, backoffCoefficient: 2, maximumInterval: 30_000, maximumAttempts: 5 },
};

// Calendar steps: Google's throttling (429, 403 rateLimitExceeded) and 5xx come
// back with a jittered next-retry delay of their own, as Google asks; network
// errors use this backoff; refused credentials and 400s are non-retryable
// (calendar/calendar-errors.ts).
export const CALENDAR_STEP: StepPolicy = {
  startToCloseTimeout: 30_000,
  retry: { initialInterval: 500, backoffCoefficient: 2, maximumInterval: 20_000, maximumAttempts: 8 },
};

// Sending is retried patiently on Meta's throttling and transient codes;
// refusals such as 131047 (outside the 24-hour window) or 190 (bad token) are
// non-retryable and recorded with their reason (whatsapp/graph-errors.ts). A
// send whose answer was lost is retried too: Meta offers no idempotency key, so
// this is the one at-least-once step (README). The turn's reply is local; a
// person's reply, sent from an update handler, is a regular activity.
export const SEND_REPLY: StepPolicy = {
  startToCloseTimeout: 30_000,
  retry: { initialInterval: 1_000, backoffCoefficient: 2, maximumInterval: 60_000, maximumAttempts: 10 },
};

// Housekeeping runs every hour; a database outage is simply tried again by the next run.
export const HOUSEKEEPING_STEP: StepPolicy = {
  startToCloseTimeout: 60_000,
  retry: { initialInterval: 5_000, backoffCoefficient: 2, maximumInterval: 60_000, maximumAttempts: 5 },
};

/** How long a step keeps trying at most: its attempts' timeouts aside, the sum of the waits between them. */
export function totalBackoffMs({ retry }: StepPolicy): number {
  let total = 0;
  for (let attempt = 1; attempt < retry.maximumAttempts; attempt++) {
    const wait = retry.initialInterval * retry.backoffCoefficient ** (attempt - 1);
    total += retry.maximumInterval === undefined ? wait : Math.min(wait, retry.maximumInterval);
  }
  return total;
}
