// The activities as the workflows see them, each with a retry policy chosen for
// what it talks to. Deterministic code only.
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities';

type Activities = ReturnType<typeof createActivities>;

// Database steps are short and safe to repeat; retry them for as long as an
// outage plausibly lasts rather than drop a customer's message. They run as
// local activities, inside the workflow task on the worker that has the
// workflow: no round trip through the Temporal server to schedule, dispatch and
// complete each one, which is most of a turn's server work. Local activities
// may run again if the worker dies before the task completes; these are
// idempotent (unique wamid, read-only load, signal-with-start with dedup).
export const { recordInboundMessage, loadConversation, enqueueInConversation } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 30 },
});

// Model calls are slow and cost money: a generous timeout, a handful of tries.
// The openai client's own retries are off, so these are the only ones. A 429
// waits as long as OpenAI's retry-after asks (the failure's next-retry delay);
// 5xx and timeouts back off; 400s and insufficient_quota are non-retryable and
// end the turn with an apology (see activities/model.ts).
export const { callModel } = proxyActivities<Activities>({
  startToCloseTimeout: '90 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 5 },
});

// Calendar steps: Google's throttling (429, 403 rateLimitExceeded) and 5xx come
// back with a jittered next-retry delay of their own, as Google asks; network
// errors use this backoff; refused credentials and 400s are non-retryable
// (calendar/calendar-errors.ts). Eight tries span about two minutes.
export const { runTool, releaseBooking } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '20 seconds', maximumAttempts: 8 },
});

// Sending is retried patiently on Meta's throttling and transient codes (1, 2, 4,
// 80007, 130429, 131000, 131056…); refusals such as 131047 (outside the 24-hour
// window) or 190 (bad token) are non-retryable and recorded with their reason
// (whatsapp/graph-errors.ts). A send whose answer was lost is retried too: Meta
// offers no idempotency key, so this is the one at-least-once step (README).
export const { sendReply } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
});

// Blue ticks and "typing…" are a courtesy: a couple of quick tries, never a reason
// to delay the reply. Local, as it is short and repeating it is harmless.
export const { markReadWithTyping } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '5 seconds',
  retry: { initialInterval: '500 milliseconds', maximumAttempts: 2 },
});
