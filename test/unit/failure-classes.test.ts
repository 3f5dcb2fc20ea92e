// The tables that decide what is retried. The same classes are exercised through
// the real clients against injected faults in test/integration/fault-injection.test.ts.
import { ApplicationFailure } from '@temporalio/common';
import OpenAI from 'openai';
import { calendarBackoffMs, classifyCalendarFailure } from '../../src/calendar/calendar-errors';
import { classifyModelError, MAX_RETRY_AFTER_MS, retryAfterMs } from '../../src/activities/model';
import { classifyGraphError } from '../../src/whatsapp/graph-errors';

describe('Graph API error codes', () => {
  test.each([1, 2, 4, 80007, 130429, 131000, 131016, 131056, 133004])('code %i is backed off and retried', (code) => {
    expect(classifyGraphError(400, code).retryable).toBe(true);
  });

  test.each([100, 190, 368, 131026, 131031, 131047, 131051, 131048])('code %i is never retried', (code) => {
    const { retryable, reason } = classifyGraphError(400, code);
    expect(retryable).toBe(false);
    expect(reason.length).toBeGreaterThan(20);
  });

  test('131047 explains the 24-hour window', () => {
    expect(classifyGraphError(400, 131047).reason).toMatch(/24 hours/);
  });

  test('unknown codes follow the HTTP status: 5xx and 429 retry, other 4xx do not', () => {
    expect(classifyGraphError(503, undefined).retryable).toBe(true);
    expect(classifyGraphError(429, 999999).retryable).toBe(true);
    expect(classifyGraphError(400, 999999).retryable).toBe(false);
    expect(classifyGraphError(403, undefined).retryable).toBe(false);
  });
});

describe('OpenAI errors', () => {
  const apiError = (status: number, code: string | null, headers: Record<string, string> = {}) =>
    OpenAI.APIError.generate(status, { error: { message: 'boom', type: 'x', code } }, undefined, new Headers(headers));

  test('a 429 asks Temporal to wait as long as retry-after-ms says', () => {
    const failure = classifyModelError(apiError(429, 'rate_limit_exceeded', { 'retry-after-ms': '1500' }));
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect((failure as ApplicationFailure).nonRetryable).toBe(false);
    expect((failure as ApplicationFailure).nextRetryDelay).toBe(1500);
  });

  test('a 429 with retry-after in seconds, and one asking for too long is capped', () => {
    expect((classifyModelError(apiError(429, null, { 'retry-after': '3' })) as ApplicationFailure).nextRetryDelay).toBe(3000);
    expect((classifyModelError(apiError(429, null, { 'retry-after': '3600' })) as ApplicationFailure).nextRetryDelay).toBe(MAX_RETRY_AFTER_MS);
  });

  test('a 429 without a hint uses the retry policy', () => {
    const failure = classifyModelError(apiError(429, null)) as ApplicationFailure;
    expect(failure.nonRetryable).toBe(false);
    expect(failure.nextRetryDelay).toBeUndefined();
  });

  test('insufficient_quota, 400 and 401 are not retried', () => {
    for (const err of [apiError(429, 'insufficient_quota'), apiError(400, 'invalid_request_error'), apiError(401, 'invalid_api_key')]) {
      const failure = classifyModelError(err);
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect((failure as ApplicationFailure).nonRetryable).toBe(true);
    }
  });

  test('5xx and connection errors pass through to the retry policy', () => {
    const serverError = apiError(503, null);
    expect(classifyModelError(serverError)).toBe(serverError);
    const timeout = new OpenAI.APIConnectionTimeoutError();
    expect(classifyModelError(timeout)).toBe(timeout);
  });

  test('retry-after as an HTTP date', () => {
    const now = Date.parse('2026-11-28T10:00:00Z');
    expect(retryAfterMs(new Headers({ 'retry-after': 'Sat, 28 Nov 2026 10:00:05 GMT' }), now)).toBe(5000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
  });
});

describe('Google Calendar errors', () => {
  const googleError = (status: number, reason?: string, url = 'https://www.googleapis.com/calendar/v3/calendars/c%40x/events/e1') => ({
    response: { status, data: { error: { code: status, errors: reason ? [{ reason }] : [] } } },
    config: { url },
  });

  test('throttling and server errors back off', () => {
    expect(classifyCalendarFailure(googleError(403, 'rateLimitExceeded')).kind).toBe('back-off');
    expect(classifyCalendarFailure(googleError(403, 'userRateLimitExceeded')).kind).toBe('back-off');
    expect(classifyCalendarFailure(googleError(429, 'rateLimitExceeded')).kind).toBe('back-off');
    expect(classifyCalendarFailure(googleError(503)).kind).toBe('back-off');
  });

  test('refused credentials and a missing calendar are access problems', () => {
    expect(classifyCalendarFailure(googleError(401, 'authError')).kind).toBe('access-refused');
    expect(classifyCalendarFailure(googleError(403, 'forbidden')).kind).toBe('access-refused');
    expect(classifyCalendarFailure(googleError(404, 'notFound', 'https://x/calendar/v3/calendars/gone%40x/events')).kind).toBe('access-refused');
    // As googleapis 178 (gaxios 7) reports it: the URL as an object, with the query string of a list call.
    const listed = new URL('https://x/calendar/v3/calendars/gone%40x/events?timeMin=2026-12-01T00%3A00%3A00Z&singleEvents=true');
    expect(classifyCalendarFailure({ ...googleError(404, 'notFound'), config: { url: listed } }).kind).toBe('access-refused');
    // A refresh token Google no longer honours, as its token endpoint answers.
    const revoked = { response: { status: 400, data: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' } } };
    expect(classifyCalendarFailure(revoked)).toEqual({ kind: 'access-refused', reason: expect.stringContaining('invalid_grant') });
    // A missing event is not a connection problem.
    expect(classifyCalendarFailure(googleError(404, 'notFound')).kind).toBe('unknown');
  });

  test('a 400 is not retried; an error without a status is left to the policy', () => {
    expect(classifyCalendarFailure(googleError(400, 'badRequest')).kind).toBe('invalid-request');
    expect(classifyCalendarFailure(new TypeError('fetch failed')).kind).toBe('unknown');
  });

  test('backoff grows, is capped at 32 s and is jittered within the upper half', () => {
    expect(calendarBackoffMs(1, () => 0)).toBe(500);
    expect(calendarBackoffMs(1, () => 1)).toBe(1000);
    expect(calendarBackoffMs(4, () => 0.5)).toBe(6000);
    expect(calendarBackoffMs(20, () => 1)).toBe(32_000);
    const draws = new Set(Array.from({ length: 20 }, () => calendarBackoffMs(3)));
    expect(draws.size).toBeGreaterThan(1);
  });
});
