// Every Prometheus metric the API and the worker serve, written once: the
// registries are built from these definitions and the README's table is
// rendered from them (src/docs/readme-sections.ts). Labels name businesses by
// their ID, never by a phone number, and take values from closed lists, so a
// flood of odd input cannot grow the number of series.
import { TOOL_DEFINITIONS } from '../agent/tools';
import { statusSchema } from '../whatsapp/webhook-payload';
import { TURN_OUTCOMES } from '../workflows/types';
import type { IntakeReport, MessageIntakeStatus } from '../api/intake';

/** What became of a request to /webhook, one value per way it can end. */
export const WEBHOOK_RESULTS = {
  accepted: 'a signed delivery taken in; 200 (its messages and statuses are counted one by one, by what became of each)',
  verified: "Meta's verification handshake, answered with its challenge",
  'verify-refused': 'a handshake with the wrong token or mode; 403',
  'bad-signature': 'a missing or wrong `X-Hub-Signature-256`, or no body; 401',
  'bad-json': 'signed, but not JSON; 400',
  'bad-payload': 'signed JSON that is not a WhatsApp Business Account payload; 400',
  'too-large': 'larger than `WEBHOOK_BODY_LIMIT_BYTES`; 413',
  overloaded: '`WEBHOOK_MAX_IN_FLIGHT` webhooks were already in flight; 503',
  'business-overloaded': "the business's share of them (`WEBHOOK_MAX_IN_FLIGHT_PER_BUSINESS`) was taken; 503",
  unavailable: 'a workflow could not be started or a status recorded (Temporal or the database unreachable); 503, and Meta delivers it again',
  error: 'anything else Fastify refused (a malformed request)',
} as const;

export type WebhookResult = keyof typeof WEBHOOK_RESULTS;

/** The intake statuses, complete by type. */
const MESSAGE_INTAKE_STATUSES: Record<MessageIntakeStatus, true> = {
  started: true,
  duplicate: true,
  'unknown-business': true,
  'inactive-business': true,
  'no-sender': true,
};

const STATUS_RECORDED: Record<IntakeReport['statuses'][number]['recorded'], true> = { applied: true, pending: true, 'unknown-business': true };

export type MetricType = 'counter' | 'histogram';

export interface MetricDefinition {
  name: string;
  type: MetricType;
  help: string;
  /** Each label and the values it takes, as the README shows them. */
  labels: Record<string, string>;
  /** Histogram bucket bounds, in seconds. */
  buckets?: readonly number[];
}

const listed = (values: readonly string[]) => values.map((v) => `\`${v}\``).join(', ');

/** Names a business: its ID in the database (as in the console's URLs), never a phone number. */
const BUSINESS = "the business's ID";
const MODEL = 'the model as configured (`OPENAI_MODEL`)';
const FAILURE_CLASS = "the ApplicationFailure type (`CalendarUnavailable`, `ModelRateLimited`, …), else the error's name (`TimeoutError`)";
/** Tool names come from the model; any it invents counts as `unknown`. */
export const TOOL_NAMES = TOOL_DEFINITIONS.map((t) => t.name);

/** Seconds a webhook is answered in: mostly a few milliseconds, up to the 5 s workflow-start deadline. */
const WEBHOOK_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;
/** A model call takes from a fraction of a second to its client timeout. */
const MODEL_BUCKETS = [0.25, 0.5, 1, 2, 4, 8, 15, 30, 60] as const;
/** A turn waits for the quiet window, the model calls and the calendar. */
const TURN_BUCKETS = [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300] as const;

export const API_METRICS = {
  webhookRequests: {
    name: 'wa_webhook_requests_total',
    type: 'counter',
    help: 'Requests to /webhook, by what became of them.',
    labels: { result: 'what became of the request (listed below the table)' },
  },
  webhookDuration: {
    name: 'wa_webhook_request_duration_seconds',
    type: 'histogram',
    help: 'Time to answer a request to /webhook; an accepted one includes starting its workflows.',
    labels: { result: 'as above' },
    buckets: WEBHOOK_BUCKETS,
  },
  webhookMessages: {
    name: 'wa_webhook_messages_total',
    type: 'counter',
    help: 'Messages in signed webhooks, by what the intake did with them.',
    labels: { business: `${BUSINESS} (empty for an unknown number)`, status: listed(Object.keys(MESSAGE_INTAKE_STATUSES)) },
  },
  webhookStatuses: {
    name: 'wa_webhook_statuses_total',
    type: 'counter',
    help: 'Delivery statuses in signed webhooks, by status and whether they matched a sent message yet.',
    labels: {
      business: `${BUSINESS} (empty for an unknown number)`,
      status: listed(statusSchema.shape.status.options),
      recorded: `${listed(Object.keys(STATUS_RECORDED))} (\`pending\`: parked until its message is known)`,
    },
  },
} as const satisfies Record<string, MetricDefinition>;

export const WORKER_METRICS = {
  turns: {
    name: 'wa_turns_total',
    type: 'counter',
    help: 'Turns run, by outcome (explained under Architecture); messages of a burst answered together are one turn.',
    labels: { business: BUSINESS, outcome: listed(TURN_OUTCOMES) },
  },
  turnDuration: {
    name: 'wa_turn_duration_seconds',
    type: 'histogram',
    help: 'Time a turn took, from its first step (after the quiet window) to its end.',
    labels: { business: BUSINESS },
    buckets: TURN_BUCKETS,
  },
  modelCalls: {
    name: 'wa_model_calls_total',
    type: 'counter',
    help: 'Model calls, each attempt once.',
    labels: { business: BUSINESS, model: MODEL, result: `\`ok\`, or ${FAILURE_CLASS}` },
  },
  modelTokens: {
    name: 'wa_model_tokens_total',
    type: 'counter',
    help: 'Tokens of the model calls that answered, as the provider reported them (estimated when it did not); the usage ledger holds the same numbers.',
    labels: { business: BUSINESS, model: MODEL, kind: listed(['prompt', 'completion']) },
  },
  modelDuration: {
    name: 'wa_model_call_duration_seconds',
    type: 'histogram',
    help: 'Time a model call took, failed attempts included.',
    labels: { business: BUSINESS, model: MODEL },
    buckets: MODEL_BUCKETS,
  },
  toolCalls: {
    name: 'wa_tool_calls_total',
    type: 'counter',
    help: 'Tool calls the model made, each attempt once.',
    labels: {
      tool: `${listed(TOOL_NAMES)}, \`unknown\``,
      result: `\`ok\`; \`refused\` when its answer to the model said \`ok: false\`; or, when it failed, ${FAILURE_CLASS}`,
    },
  },
  whatsappSends: {
    name: 'wa_whatsapp_sends_total',
    type: 'counter',
    help: 'Reply parts handed to the Graph API, each attempt once.',
    labels: {
      business: BUSINESS,
      result: listed(['sent', 'failed']),
      code: "Meta's error code (`131047`; `http-503` when Meta gave none) or the transport failure's class (`TimeoutError`); empty when sent",
    },
  },
  appointmentChanges: {
    name: 'wa_appointment_changes_total',
    type: 'counter',
    help: 'Appointments booked, moved and cancelled.',
    labels: { business: BUSINESS, change: listed(['booked', 'moved', 'cancelled']), by: '`customer` (through the bot), `owner` (from the console)' },
  },
  activityFailures: {
    name: 'wa_activity_failures_total',
    type: 'counter',
    help: 'Failed activity attempts, retried or not.',
    labels: { activity: 'the activity (`callModel`, `sendReply`, …)', class: FAILURE_CLASS },
  },
} as const satisfies Record<string, MetricDefinition>;
