// The activities as the workflows see them, each with a retry policy chosen for
// what it talks to. Deterministic code only.
import { proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities';

type Activities = ReturnType<typeof createActivities>;

// Database steps are short and safe to repeat; retry them for as long as an
// outage plausibly lasts rather than drop a customer's message.
export const { recordInboundMessage, loadConversation, enqueueInConversation } = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 30 },
});

// Model calls are slow and cost money: a generous timeout, a handful of tries.
// The openai client's own retries are off, so these are the only ones.
export const { callModel } = proxyActivities<Activities>({
  startToCloseTimeout: '90 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 5 },
});

export const { runTool, releaseBooking } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '20 seconds', maximumAttempts: 8 },
});

// Sending is retried patiently on throttling; permanent refusals are non-retryable failures.
export const { sendReply } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
});

// Blue ticks and "typing…" are a courtesy: a couple of quick tries, never a reason to delay the reply.
export const { markReadWithTyping } = proxyActivities<Activities>({
  startToCloseTimeout: '5 seconds',
  retry: { initialInterval: '500 milliseconds', maximumAttempts: 2 },
});
