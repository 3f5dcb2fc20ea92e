// The one vocabulary of failures. Activities raise ApplicationFailures with
// these types; the workflows read them back through the guards below to decide
// a turn's outcome. Pure: imported by activities and workflow code alike.
import { ActivityFailure, ApplicationFailure, TemporalFailure } from '@temporalio/common';
import type { Activities } from './workflows/activity-contracts';

export const FailureType = {
  /** OpenAI asked us to slow down; retried after the delay it asked for. */
  ModelRateLimited: 'ModelRateLimited',
  /** OpenAI refused the request (400, 401, insufficient quota): retrying cannot help. */
  ModelRequestRefused: 'ModelRequestRefused',
  /** Google refused the business's calendar credentials or sharing; the business must reconnect. */
  CalendarAccessRefused: 'CalendarAccessRefused',
  /** Google will refuse this request the same way every time (400). */
  CalendarRequestInvalid: 'CalendarRequestInvalid',
  /** Google is throttling or failing; retried with jitter. */
  CalendarUnavailable: 'CalendarUnavailable',
  /** Meta refused the reply for a reason a retry cannot change (24-hour window, bad token, …). */
  WhatsAppSendRefused: 'WhatsAppSendRefused',
  /** The customer has no ID we can send to. */
  RecipientUnknown: 'RecipientUnknown',
  /** The business's daily model-token budget ran out during the turn: the model is not called again today. */
  TokenBudgetSpent: 'TokenBudgetSpent',
} as const;

export type FailureType = (typeof FailureType)[keyof typeof FailureType];

/** Which system a failure belongs to. */
export type FailureSource = 'model' | 'calendar' | 'whatsapp';

const SOURCE_OF: Record<FailureType, FailureSource> = {
  ModelRateLimited: 'model',
  ModelRequestRefused: 'model',
  CalendarAccessRefused: 'calendar',
  CalendarRequestInvalid: 'calendar',
  CalendarUnavailable: 'calendar',
  WhatsAppSendRefused: 'whatsapp',
  RecipientUnknown: 'whatsapp',
  TokenBudgetSpent: 'model',
};

/** The ApplicationFailure behind a failure: an activity's failure wraps it; a local activity's arrives as it is. */
function applicationFailureOf(err: unknown): ApplicationFailure | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure ? cause : undefined;
}

/** The failure's type in our vocabulary, or undefined for anything else (a network error, a bug). */
export function failureTypeOf(err: unknown): FailureType | undefined {
  const type = applicationFailureOf(err)?.type;
  return type && Object.hasOwn(SOURCE_OF, type) ? (type as FailureType) : undefined;
}

/**
 * Which system failed: from the failure's type when it has one of ours, else
 * from the activity that failed (a timeout or a network error has no type of ours).
 */
export function failureSourceOf(err: unknown): FailureSource | 'database' | undefined {
  const type = failureTypeOf(err);
  if (type) return SOURCE_OF[type];
  // A local activity's failure arrives unwrapped, without the activity's name: no source then.
  return err instanceof ActivityFailure && Object.hasOwn(ACTIVITY_SOURCES, err.activityType)
    ? ACTIVITY_SOURCES[err.activityType as keyof Activities]
    : undefined;
}

/** What each activity talks to, for failures that carry no type of ours; complete by type. */
const ACTIVITY_SOURCES: Record<keyof Activities, FailureSource | 'database'> = {
  callModel: 'model',
  runTool: 'calendar',
  releaseBooking: 'calendar',
  sendReply: 'whatsapp',
  markReadWithTyping: 'whatsapp',
  recordInboundMessage: 'database',
  loadConversation: 'database',
  admitMessage: 'database',
  prepareTurn: 'database',
  replyAndRecordTurn: 'whatsapp',
  expireParkedStatuses: 'database',
  retentionPolicies: 'database',
  purgeExpired: 'database',
  mirrorConversationState: 'database',
  handBackDelay: 'database',
  recordTurn: 'database',
  recordHeldMessages: 'database',
  checkTurnLimits: 'database',
  findAppointmentForChange: 'database',
  changeAppointmentAsOwner: 'calendar',
};

export const isModelFailure = (err: unknown): boolean => failureSourceOf(err) === 'model';
export const isCalendarFailure = (err: unknown): boolean => failureSourceOf(err) === 'calendar';
export const isWhatsAppFailure = (err: unknown): boolean => failureSourceOf(err) === 'whatsapp';

/** One line for a workflow result or a log: the failure's type and message, never its payloads. */
export function describeFailure(err: TemporalFailure): string {
  const application = applicationFailureOf(err);
  if (application) return `${application.type ?? 'Error'}: ${application.message}`;
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause?.message ?? err.message;
}

/**
 * A failure's class for traces and metrics: the ApplicationFailure's type, else the error's class
 * (some clients throw errors whose `name` is the generic "Error", such as openai's APIError subclasses).
 */
export function failureClass(err: unknown): string {
  if (err instanceof ApplicationFailure && err.type) return err.type;
  if (!(err instanceof Error)) return 'Unknown';
  return err.name !== 'Error' ? err.name : err.constructor.name;
}
