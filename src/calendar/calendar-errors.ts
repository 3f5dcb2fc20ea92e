// What a Google Calendar failure means for retrying, from Google's documented
// error statuses and reasons (https://developers.google.com/workspace/calendar/api/guides/errors).
// The answers that mean success on a retried step (409 on a create with our own
// event ID, 410 on a delete, 412 on a move) are handled in google-calendar.ts and
// never reach here.
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../failures';
import { httpStatusOf } from './google-calendar';

export type CalendarFailureClass =
  /** Throttled or Google-side trouble: back off with jitter, as Google asks. */
  | { kind: 'back-off' }
  /** The credentials or the calendar's sharing were refused: retrying cannot help until someone reconnects. */
  | { kind: 'access-refused'; reason: string }
  /** A request Google will refuse the same way every time. */
  | { kind: 'invalid-request'; reason: string }
  /** No HTTP answer (network, DNS, timeout): the retry policy's ordinary backoff. */
  | { kind: 'unknown' };

const RATE_LIMIT_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded', 'quotaExceeded']);

export function classifyCalendarFailure(err: unknown): CalendarFailureClass {
  const status = httpStatusOf(err);
  const reason = googleReason(err);
  if (status === undefined) return { kind: 'unknown' };
  // Google's token endpoint, when the stored refresh token was revoked or has expired: only a new consent helps.
  if (status === 400 && oauthErrorOf(err) === 'invalid_grant')
    return { kind: 'access-refused', reason: 'Google refused the calendar credentials (invalid_grant: access was revoked or has expired)' };
  if (status === 429 || status >= 500 || (status === 403 && reason !== undefined && RATE_LIMIT_REASONS.has(reason))) return { kind: 'back-off' };
  if (status === 401 || status === 403)
    return { kind: 'access-refused', reason: `Google refused the calendar credentials (${status}${reason ? ` ${reason}` : ''})` };
  // A 404 for the calendar itself means it was deleted or unshared; it is a connection problem too.
  if (status === 404 && isCalendarNotFound(err))
    return { kind: 'access-refused', reason: 'Google says the calendar does not exist or is not shared with us (404)' };
  if (status === 400) return { kind: 'invalid-request', reason: `Google rejected the request (400${reason ? ` ${reason}` : ''})` };
  return { kind: 'unknown' };
}

/** The first throttled retry waits half to all of this; each next one twice as long, up to the maximum. */
export const CALENDAR_BACKOFF_FIRST_MS = 1_000;
export const CALENDAR_BACKOFF_MAX_MS = 32_000;

/**
 * Truncated exponential backoff with jitter, as Google recommends, so many
 * workers throttled at once do not all come back in the same instant.
 * `attempt` is Temporal's attempt number (1 for the first try).
 */
export function calendarBackoffMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(CALENDAR_BACKOFF_MAX_MS, CALENDAR_BACKOFF_FIRST_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** Turns a calendar failure into the activity failure that makes Temporal do the right thing. */
export function toCalendarActivityFailure(err: unknown, attempt: number): unknown {
  const failure = classifyCalendarFailure(err);
  switch (failure.kind) {
    case 'access-refused':
      return ApplicationFailure.create({ message: failure.reason, type: FailureType.CalendarAccessRefused, nonRetryable: true });
    case 'invalid-request':
      return ApplicationFailure.create({ message: failure.reason, type: FailureType.CalendarRequestInvalid, nonRetryable: true });
    case 'back-off':
      return ApplicationFailure.create({
        message: `Google Calendar is throttling or unavailable (${httpStatusOf(err)}${googleReason(err) ? ` ${googleReason(err)}` : ''})`,
        type: FailureType.CalendarUnavailable,
        nextRetryDelay: calendarBackoffMs(attempt),
      });
    case 'unknown':
      return err;
  }
}

function googleReason(err: unknown): string | undefined {
  const data = (err as { response?: { data?: { error?: { errors?: Array<{ reason?: unknown }> } } } } | null)?.response?.data;
  const reason = data?.error?.errors?.[0]?.reason;
  return typeof reason === 'string' ? reason : undefined;
}

function oauthErrorOf(err: unknown): unknown {
  return (err as { response?: { data?: { error?: unknown } } } | null)?.response?.data?.error;
}

function isCalendarNotFound(err: unknown): boolean {
  // Events are addressed under /calendars/<id>/events/<eventId>; a 404 without an event ID in the URL is the calendar.
  // gaxios 7 (googleapis 178) gives the request URL as a URL object; older versions as a string.
  const url = (err as { config?: { url?: unknown } } | null)?.config?.url;
  const href = url instanceof URL ? url.href : typeof url === 'string' ? url : undefined;
  return href !== undefined && /\/calendars\/[^/]+(\/events)?$/.test(new URL(href, 'http://x').pathname);
}
