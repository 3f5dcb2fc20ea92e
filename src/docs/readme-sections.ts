// README sections rendered from the code they describe, so a number or an
// outcome is written once: `npm run docs` rewrites them between their markers,
// and a unit test fails when the README is behind the code.
import { MODEL_CLIENT_TIMEOUT_MS, MAX_RETRY_AFTER_MS } from '../activities/model';
import { READ_RECEIPT_WAIT_MS } from '../activities/turn-steps';
import { CALENDAR_BACKOFF_FIRST_MS, CALENDAR_BACKOFF_MAX_MS } from '../calendar/calendar-errors';
import { CALENDAR_CLIENT_TIMEOUT_MS } from '../calendar/google-calendar';
import { GRAPH_CLIENT_TIMEOUT_MS } from '../whatsapp/graph-client';
import { graphCodes } from '../whatsapp/graph-errors';
import { CALENDAR_STEP, DATABASE_STEP, HOUSEKEEPING_STEP, MODEL_CALL, SEND_REPLY, totalBackoffMs, type StepPolicy } from '../workflows/retry-policies';
import type { TurnOutcome } from '../workflows/types';
import { API_METRICS, WEBHOOK_RESULTS, WORKER_METRICS, type MetricDefinition } from '../observability/metrics-definitions';

/** "200 ms" → "0.2 s", "90000" → "90 s", "60000" → "1 min". */
export function duration(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms >= 120_000) return `${Math.round(ms / 60_000)} min`;
  return `${Number((ms / 1000).toFixed(1))} s`;
}

function tries({ retry }: StepPolicy): string {
  const growth = retry.backoffCoefficient === 1 ? 'apart' : `doubling${retry.maximumInterval ? ` to ${duration(retry.maximumInterval)}` : ''}`;
  if (retry.maximumAttempts <= 2) return `${retry.maximumAttempts} tries, ${duration(retry.initialInterval)} apart`;
  return `${retry.maximumAttempts} tries, ${duration(retry.initialInterval)} ${growth}`;
}

const codes = (list: number[]) => list.join(', ');

interface RetryRow {
  step: string;
  policy: StepPolicy;
  clientTimeoutMs?: number;
  retried?: string;
  notRetried: string;
}

const RETRY_ROWS: RetryRow[] = [
  {
    step: 'Database steps (`admitMessage`: record and enqueue; `prepareTurn`: limits, load; `recordTurn`), local',
    policy: DATABASE_STEP,
    retried: `(about ${duration(totalBackoffMs(DATABASE_STEP))} in all)`,
    notRetried: `– (\`prepareTurn\`'s read receipt is a courtesy: waited for at most ${duration(READ_RECEIPT_WAIT_MS)}, its failure logged, never retried)`,
  },
  {
    step: '`callModel`, local',
    policy: MODEL_CALL,
    clientTimeoutMs: MODEL_CLIENT_TIMEOUT_MS,
    retried: `; a 429 waits what \`retry-after-ms\`/\`retry-after\` asks (capped at ${duration(MAX_RETRY_AFTER_MS)}); 5xx and timeouts back off`,
    notRetried: '400s, 401/403, `insufficient_quota`: outcome `model-failed`, the customer gets an apology',
  },
  {
    step: '`runTool`, `releaseBooking`',
    policy: CALENDAR_STEP,
    clientTimeoutMs: CALENDAR_CLIENT_TIMEOUT_MS,
    retried:
      `; Google 429, 403 \`rateLimitExceeded\`/\`userRateLimitExceeded\` and 5xx back off with jitter ` +
      `(${duration(CALENDAR_BACKOFF_FIRST_MS / 2)}–${duration(CALENDAR_BACKOFF_FIRST_MS)} doubling to ${duration(CALENDAR_BACKOFF_MAX_MS)}); other failures (network) use the policy's backoff`,
    notRetried:
      '401/403, a missing calendar and a revoked refresh token: the business is flagged (`calendar_access_error`, shown in the console) until a call succeeds or the calendar is connected again; other 400s. ' +
      'The model is told, and a half-made booking is released (a release that fails is logged; the turn still answers)',
  },
  {
    step: "`replyAndRecordTurn` (the turn's reply, local, then its record), `sendReply` (a person's reply)",
    policy: SEND_REPLY,
    clientTimeoutMs: GRAPH_CLIENT_TIMEOUT_MS,
    retried: `, for Graph codes ${codes(graphCodes(true))}, and unknown codes with 5xx/429`,
    notRetried: `Graph codes ${codes(graphCodes(false))} (131047: 24-hour window; 131048: spam limit, no blind retry) and other 4xx: outcome \`send-failed\`, stored on the message with its reason`,
  },
  { step: '`expireParkedStatuses` (hourly housekeeping)', policy: HOUSEKEEPING_STEP, notRetried: '– (the next hourly run tries again)' },
];

export function renderRetryTable(): string {
  const lines = ['| Activity | Timeout | Retries | Not retried (recorded outcome) |', '|---|---|---|---|'];
  for (const row of RETRY_ROWS) {
    const timeout = duration(row.policy.startToCloseTimeout) + (row.clientTimeoutMs ? ` (client ${duration(row.clientTimeoutMs)})` : '');
    const retried = tries(row.policy) + (row.retried ? (row.retried.startsWith('(') ? ` ${row.retried}` : row.retried) : '');
    lines.push(`| ${row.step} | ${timeout} | ${retried} | ${row.notRetried} |`);
  }
  return lines.join('\n');
}

/** Everything that can become of a message (its result from the conversation); the type makes this list complete. */
const OUTCOME_MEANINGS: Record<TurnOutcome, string> = {
  replied: 'the turn answered this message (and any earlier ones of the burst); the reply text and WhatsApp IDs are in the result',
  recorded: 'stored, with nothing to answer (a reaction)',
  'answered-with-later-message': 'answered in the turn of a later message of the same burst, whose workflow the result names (`answeredBy`)',
  duplicate: 'Meta delivered a message that another run already handled, after Temporal had forgotten the workflow ID (`duplicateOf`)',
  'iteration-limit': 'the model was still calling tools after `AGENT_MAX_ITERATIONS` calls; the customer got the polite fallback',
  'model-failed': 'the model could not be reached or refused the request through every retry; the customer got the polite fallback',
  'turn-failed': 'another step of the turn failed through every retry (the database, for example); the customer got the polite fallback',
  'send-failed': 'the reply could not be sent (a refusal from Meta, or every retry used up); the reason is stored on the message',
  'held-for-person':
    'a person from the team had taken the conversation over: the message is recorded and shown to them, and the bot does not answer it (unless it is handed back before the person replies)',
  'rate-limited':
    "the customer had reached the business's turns per minute or per day: the message is stored, the model is not called, and the customer is told once per window (the turn that told them has the notice as `replyText`)",
  'budget-exceeded':
    "the business's daily model-token budget was spent: no model call, the customer got a short honest answer, the conversation is marked for a person and the owner sees the flag in the console",
};

export function renderOutcomes(): string {
  return Object.entries(OUTCOME_MEANINGS)
    .map(([outcome, meaning]) => `- \`${outcome}\`: ${meaning}.`)
    .join('\n');
}

function metricsTable(definitions: Record<string, MetricDefinition>): string[] {
  const lines = ['| metric | type | labels | what it counts |', '|---|---|---|---|'];
  for (const metric of Object.values(definitions)) {
    const labels = Object.entries(metric.labels)
      .map(([label, values]) => `\`${label}\`: ${values}`)
      .join('; ');
    lines.push(`| \`${metric.name}\` | ${metric.type} | ${labels} | ${metric.help} |`);
  }
  return lines;
}

/** Every metric the API and the worker serve, from their definitions, and what each webhook result means. */
export function renderMetrics(): string {
  return [
    'API (`API_METRICS_PORT`):',
    '',
    ...metricsTable(API_METRICS),
    '',
    'Worker (`WORKER_METRICS_PORT`):',
    '',
    ...metricsTable(WORKER_METRICS),
    '',
    `Webhook results (\`result\` of \`${API_METRICS.webhookRequests.name}\` and \`${API_METRICS.webhookDuration.name}\`):`,
    '',
    ...Object.entries(WEBHOOK_RESULTS).map(([result, meaning]) => `- \`${result}\`: ${meaning}.`),
  ].join('\n');
}

const SECTIONS: Record<string, () => string> = { 'retry-table': renderRetryTable, outcomes: renderOutcomes, metrics: renderMetrics };

/** The README with every generated section rendered anew; throws if a marker is missing. */
export function renderReadme(readme: string): string {
  let text = readme;
  for (const [name, render] of Object.entries(SECTIONS)) {
    const start = `<!-- generated:${name} (npm run docs) -->`;
    const end = `<!-- /generated:${name} -->`;
    const from = text.indexOf(start);
    const to = text.indexOf(end);
    if (from < 0 || to < from) throw new Error(`README.md has no ${start} … ${end} section`);
    text = `${text.slice(0, from + start.length)}\n${render()}\n${text.slice(to)}`;
  }
  return text;
}
