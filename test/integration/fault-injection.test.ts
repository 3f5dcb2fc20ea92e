// Every failure class of every external system, injected at the HTTP layer of the
// stand-ins so the real openai, fetch and googleapis clients see what the real
// services send, with the workflows running on a real Temporal server.
import { fromLocal, parseLocalDateTime } from '../../src/booking/time';
import type { Fault } from '../../src/sandbox/faults';
import { messageWorkflowId } from '../../src/api/message-workflow-id';
import { FALLBACK_REPLY } from '../../src/workflows/turn';
import type { TurnResult } from '../../src/workflows/types';
import { useStack, TEST_APP_SECRET } from '../support/stack';
import { upcomingWeekday as upcoming, activityStarts, type ActivityStart } from '../support/waiting';
import { inboundText, runMessage } from '../support/deliver';

// Short client timeouts so a hanging stand-in turns into a retry within the test.
const stack = useStack({ modelTimeoutMs: 1500, graphTimeoutMs: 1500, calendarTimeoutMs: 1500 });
const TZ = 'Europe/Madrid';

beforeEach(async () => {
  stack.sandbox.reset();
  await stack.database.db.appointment.deleteMany();
  await stack.database.db.business.update({ where: { id: stack.businessId }, data: { calendarAccessError: null, calendarAccessErrorAt: null } });
});

function fault(f: Fault): void {
  stack.sandbox.faults.inject(f);
}

const newCustomer = () =>
  `3466${Math.floor(Math.random() * 1e7)
    .toString()
    .padStart(7, '0')}`;

async function turn(text: string, waId = newCustomer()): Promise<{ result: TurnResult; workflowId: string; waId: string }> {
  const input = inboundText(stack, text, { customer: { waId } });
  const result = await runMessage(stack, input);
  return { result, workflowId: messageWorkflowId(input.wamid), waId };
}

/** The conversation workflow that ran the turn: its history holds the activities' attempts. */
async function activityAttempts(waId: string, activityType: string): Promise<ActivityStart[]> {
  const customer = await stack.database.db.customer.findFirstOrThrow({ where: { businessId: stack.businessId, waId } });
  return activityStarts(stack.temporal, `conversation-${customer.id}`, activityType);
}

const sentTo = (waId: string) => stack.sandbox.graph.sent.filter((m) => m.to === waId);

const openAIError = (status: number, code: string | null, type = 'requests') => ({ error: { message: `injected ${status}`, type, param: null, code } });

describe('OpenAI', () => {
  test('a 429 with retry-after-ms is retried after exactly the delay OpenAI asked for', async () => {
    // Longer than the policy's first backoff (1 s), so honouring it shows.
    fault({ endpoint: 'openai.chat', respond: { status: 429, body: openAIError(429, 'rate_limit_exceeded'), headers: { 'retry-after-ms': '2500' } } });
    stack.sandbox.openai.enqueue({ content: 'Hello after the rate limit.' });
    const { result, waId } = await turn('hi');

    expect(result.outcome).toBe('replied');
    expect(sentTo(waId).map((m) => m.text)).toEqual(['Hello after the rate limit.']);
    const attempts = await activityAttempts(waId, 'callModel');
    expect(attempts).toEqual([{ attempt: 2, local: true }]);
    // The retry came when OpenAI said, measured where OpenAI would see it.
    const refusedAt = Date.parse(stack.sandbox.faults.hits.find((h) => h.endpoint === 'openai.chat')!.at);
    const retriedAt = Date.parse(stack.sandbox.openai.requests.at(-1)!.receivedAt);
    expect(retriedAt - refusedAt).toBeGreaterThanOrEqual(2500);
    expect(retriedAt - refusedAt).toBeLessThan(3500);
  });

  test('5xx answers are backed off and retried', async () => {
    fault({ endpoint: 'openai.chat', times: 2, respond: { status: 503, body: openAIError(503, null, 'server_error') } });
    stack.sandbox.openai.enqueue({ content: 'Back again.' });
    const { result, waId } = await turn('hi');
    expect(result.outcome).toBe('replied');
    expect(sentTo(waId).map((m) => m.text)).toEqual(['Back again.']);
    expect((await activityAttempts(waId, 'callModel'))[0]!.attempt).toBe(3);
  });

  test('a request that times out is retried', async () => {
    fault({ endpoint: 'openai.chat', hang: 'before' });
    stack.sandbox.openai.enqueue({ content: 'Sorry for the wait.' });
    const { result, waId } = await turn('hi');
    expect(result.outcome).toBe('replied');
    expect(sentTo(waId).map((m) => m.text)).toEqual(['Sorry for the wait.']);
    expect(stack.sandbox.faults.hits.map((h) => h.behaviour)).toEqual(['hang-before']);
  });

  test.each([
    ['insufficient_quota (429)', 429, 'insufficient_quota'],
    ['a bad request (400)', 400, 'invalid_request_error'],
    ['a refused key (401)', 401, 'invalid_api_key'],
  ])('%s is not retried: the customer gets an apology and the outcome says why', async (_name, status, code) => {
    fault({ endpoint: 'openai.chat', times: 5, respond: { status, body: openAIError(status, code) } });
    const { result, waId } = await turn('hi');

    expect(result.outcome).toBe('model-failed');
    expect(result.error).toMatch(new RegExp(`ModelRequestRefused: .*${status}`));
    expect(sentTo(waId).map((m) => m.text)).toEqual([FALLBACK_REPLY]);
    expect(stack.sandbox.faults.hits).toHaveLength(1);
  });
});

describe('Graph API', () => {
  const graphError = (code: number, message = `injected ${code}`) => ({ error: { message, type: 'OAuthException', code, fbtrace_id: 'AbCdEf' } });

  test.each([1, 2, 4, 80007, 130429, 131000, 131056])('code %i is backed off and the reply goes out once', async (code) => {
    fault({ endpoint: 'whatsapp.send', respond: { status: code === 130429 || code === 80007 || code === 4 ? 429 : 500, body: graphError(code) } });
    stack.sandbox.openai.enqueue({ content: `Reply after ${code}.` });
    const { result, waId } = await turn('hi');

    expect(result.outcome).toBe('replied');
    expect(sentTo(waId).map((m) => m.text)).toEqual([`Reply after ${code}.`]);
    expect(stack.sandbox.faults.hits).toHaveLength(1);
    const stored = await stack.database.db.message.findMany({ where: { direction: 'OUTBOUND', customer: { waId } } });
    expect(stored.map((m) => [m.status, m.wamid])).toEqual([['SENT', result.sentMessageIds[0]]]);
  });

  test.each([
    [131047, /24 hours/],
    [131026, /can't be delivered/],
    [131051, /not supported/],
    [100, /invalid parameter/],
    [190, /access token/],
    [368, /policy/],
    [131031, /locked/],
    [131048, /spam/],
  ])('code %i is not retried and is recorded with its reason', async (code, reason) => {
    fault({ endpoint: 'whatsapp.send', times: 3, respond: { status: 400, body: graphError(code) } });
    stack.sandbox.openai.enqueue({ content: 'This will not arrive.' });
    const { result, waId } = await turn('hi');

    expect(result.outcome).toBe('send-failed');
    expect(result.error).toMatch(reason);
    expect(stack.sandbox.faults.hits).toHaveLength(1);
    expect(sentTo(waId)).toEqual([]);
    const stored = await stack.database.db.message.findFirstOrThrow({ where: { direction: 'OUTBOUND', customer: { waId } } });
    expect(stored).toMatchObject({ status: 'FAILED', errorCode: code });
    expect(stored.errorTitle).toMatch(reason);
  });

  test('a send that times out before reaching Meta is retried and arrives once', async () => {
    fault({ endpoint: 'whatsapp.send', hang: 'before' });
    stack.sandbox.openai.enqueue({ content: 'Eventually.' });
    const { result, waId } = await turn('hi');
    expect(result.outcome).toBe('replied');
    expect(sentTo(waId).map((m) => m.text)).toEqual(['Eventually.']);
  });

  test('a failing read receipt never blocks the reply', async () => {
    fault({ endpoint: 'whatsapp.read', times: 5, respond: { status: 500, body: graphError(131000) } });
    stack.sandbox.openai.enqueue({ content: 'Still answered.' });
    const { result, waId } = await turn('hi');
    expect(result.outcome).toBe('replied');
    expect(sentTo(waId).map((m) => m.text)).toEqual(['Still answered.']);
  });
});

describe('Google Calendar', () => {
  const googleError = (code: number, reason: string) => ({
    error: { code, message: `injected ${reason}`, errors: [{ domain: 'usageLimits', reason, message: reason }] },
  });

  function bookingScript(date: string) {
    stack.sandbox.openai.enqueue(
      { toolCalls: [{ name: 'book_appointment', arguments: { service: 'Haircut', start: `${date}T11:00`, customer_name: 'Ana' } }] },
      { content: 'Booked.' },
    );
  }

  async function botEventsOn(date: string) {
    return stack.sandbox.calendar.allEvents().filter((e) => e.status !== 'cancelled' && String(e.start?.dateTime ?? '').startsWith(date));
  }

  test.each([
    ['403 rateLimitExceeded', 403, 'rateLimitExceeded'],
    ['403 userRateLimitExceeded', 403, 'userRateLimitExceeded'],
    ['429', 429, 'rateLimitExceeded'],
    ['503', 503, 'backendError'],
  ])('%s is backed off with jitter and the booking is made once', async (_name, status, reason) => {
    const date = upcoming('wed');
    fault({ endpoint: 'calendar.insert', times: 2, respond: { status, body: googleError(status, reason) } });
    bookingScript(date);
    const { result, waId } = await turn('Haircut Wednesday 11:00');

    expect(result.outcome).toBe('replied');
    expect(result.appointments).toEqual([{ kind: 'booked', appointmentId: expect.any(String), service: 'Haircut', start: `${date}T11:00` }]);
    expect(await botEventsOn(date)).toHaveLength(1);
    expect(await stack.database.db.appointment.count({ where: { status: 'BOOKED' } })).toBe(1);
    const attempts = await activityAttempts(waId, 'runTool');
    expect(attempts.at(-1)!.attempt).toBe(3);
    // The delay came from our jittered backoff, not the fixed policy: between half and all of 2 s on the second retry.
    const delay = attempts.at(-1)!.lastFailure?.applicationFailureInfo?.nextRetryDelay;
    const ms = Number(delay?.seconds ?? 0) * 1000 + (delay?.nanos ?? 0) / 1e6;
    expect(ms).toBeGreaterThanOrEqual(1000);
    expect(ms).toBeLessThanOrEqual(2000);
  });

  test('an event created whose answer was lost is found again by its ID (409), not created twice', async () => {
    const date = upcoming('thu');
    fault({ endpoint: 'calendar.insert', hang: 'after' });
    bookingScript(date);
    const { result } = await turn('Haircut Thursday 11:00');

    expect(result.outcome).toBe('replied');
    expect(stack.sandbox.faults.hits.map((h) => h.behaviour)).toEqual(['hang-after']);
    expect(await botEventsOn(date)).toHaveLength(1);
    expect(await stack.database.db.appointment.count({ where: { status: 'BOOKED' } })).toBe(1);
  });

  test('a move that meets a stale etag (412) re-reads the event and succeeds', async () => {
    const date = upcoming('fri');
    bookingScript(date);
    const waId = newCustomer();
    const booked = await turn('Haircut Friday 11:00', waId);
    const appointmentId = booked.result.appointments[0]!.appointmentId;

    fault({
      endpoint: 'calendar.patch',
      respond: { status: 412, body: { error: { code: 412, message: 'Precondition Failed', errors: [{ reason: 'conditionNotMet' }] } } },
    });
    stack.sandbox.openai.enqueue(
      { toolCalls: [{ name: 'move_appointment', arguments: { appointment_id: appointmentId, new_start: `${date}T15:00` } }] },
      { content: 'Moved.' },
    );
    const moved = await turn('Move it to 15:00', waId);

    expect(moved.result.appointments).toEqual([expect.objectContaining({ kind: 'moved', appointmentId })]);
    expect(stack.sandbox.faults.hits).toHaveLength(1);
    const events = await botEventsOn(date);
    expect(events).toHaveLength(1);
    const newStart = fromLocal(parseLocalDateTime(`${date}T15:00`)!, TZ)!;
    expect(new Date(String(events[0]!.start?.dateTime))).toEqual(newStart);
    expect((await stack.database.db.appointment.findUniqueOrThrow({ where: { id: appointmentId } })).startsAt).toEqual(newStart);
  });

  test('refused credentials are not retried, flag the business, and clear on the next success', async () => {
    const date = upcoming('wed');
    fault({ endpoint: 'calendar.insert', times: 3, respond: { status: 401, body: googleError(401, 'authError') } });
    bookingScript(date);
    const { result, waId } = await turn('Haircut Wednesday 11:00');

    expect(result.outcome).toBe('replied');
    expect(result.appointments).toEqual([]);
    expect(stack.sandbox.faults.hits).toHaveLength(1);
    expect((await activityAttempts(waId, 'runTool')).map((a) => a.attempt)).toEqual([1]);
    // The model was told, so it can tell the customer, and the half-made booking was given back.
    const toolAnswer = stack.sandbox.openai.requests.at(-1)!.messages.at(-1)!;
    expect(String(toolAnswer.content)).toMatch(/temporarily unavailable/);
    expect(await stack.database.db.appointment.count({ where: { status: 'BOOKED' } })).toBe(0);
    const flagged = await stack.database.db.business.findUniqueOrThrow({ where: { id: stack.businessId } });
    expect(flagged.calendarAccessError).toMatch(/refused the calendar credentials \(401 authError\)/);
    expect(flagged.calendarAccessErrorAt).toBeInstanceOf(Date);

    // Someone reconnects the calendar: the remaining injected refusals are gone.
    stack.sandbox.faults.reset();
    bookingScript(date);
    const retried = await turn('Try again please', waId);
    expect(retried.result.appointments).toHaveLength(1);
    const cleared = await stack.database.db.business.findUniqueOrThrow({ where: { id: stack.businessId } });
    expect(cleared.calendarAccessError).toBeNull();
  });

  test('a half-made booking the calendar will not let go of is released in the database, and the turn still answers (not as a model failure)', async () => {
    const date = upcoming('tue');
    // Refused on the insert, then again on the release's delete: both non-retryable.
    fault({ endpoint: 'calendar.insert', respond: { status: 401, body: googleError(401, 'authError') } });
    fault({ endpoint: 'calendar.delete', respond: { status: 401, body: googleError(401, 'authError') } });
    bookingScript(date);
    const { result, waId } = await turn('Haircut Tuesday 11:00');

    expect(result).toMatchObject({ outcome: 'replied', appointments: [] });
    expect((await activityAttempts(waId, 'releaseBooking')).map((a) => a.attempt)).toEqual([1]);
    expect(String(stack.sandbox.openai.requests.at(-1)!.messages.at(-1)!.content)).toMatch(/temporarily unavailable/);
    expect(sentTo(waId)).toHaveLength(1);
    expect(await stack.database.db.appointment.count({ where: { status: 'BOOKED' } })).toBe(0);
  });
});

describe('the sandbox fault API', () => {
  test('faults can be injected and inspected over HTTP, and bad ones are refused', async () => {
    const post = (body: unknown) =>
      fetch(`${stack.sandbox.url}/sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post({ endpoint: 'openai.chat', times: 2, respond: { status: 500 } })).status).toBe(200);
    expect((await post({ endpoint: 'nowhere', hang: 'before' })).status).toBe(400);
    expect((await post({ endpoint: 'openai.chat', hang: 'sideways' })).status).toBe(400);
    const listed = (await (await fetch(`${stack.sandbox.url}/sandbox/faults`)).json()) as { pending: Array<{ endpoint: string; remaining: number }> };
    expect(listed.pending).toEqual([expect.objectContaining({ endpoint: 'openai.chat', remaining: 2 })]);
    expect((await fetch(`${stack.sandbox.url}/sandbox/faults`, { method: 'DELETE' })).status).toBe(200);
    const after = (await (await fetch(`${stack.sandbox.url}/sandbox/faults`)).json()) as { pending: unknown[] };
    expect(after.pending).toEqual([]);
  });
});

describe('a send whose answer is lost', () => {
  test("is recognised from Meta's status webhook (biz_opaque_callback_data) and not sent again", async () => {
    stack.sandbox.graph.deliverStatusesTo({ url: stack.webhookUrl, appSecret: TEST_APP_SECRET });
    try {
      fault({ endpoint: 'whatsapp.send', hang: 'after' });
      stack.sandbox.openai.enqueue({ content: 'Only once.' });
      const { result, waId } = await turn('hi');

      expect(result.outcome).toBe('replied');
      const sent = sentTo(waId);
      expect(sent.map((m) => m.text)).toEqual(['Only once.']);
      expect(result.sentMessageIds).toEqual([sent[0]!.wamid]);
      expect((sent[0]!.body as { biz_opaque_callback_data?: string }).biz_opaque_callback_data).toMatch(/^turn-.*:reply:0$/);
      const stored = await stack.database.db.message.findFirstOrThrow({ where: { direction: 'OUTBOUND', customer: { waId } } });
      expect(stored).toMatchObject({ wamid: sent[0]!.wamid, sendAttemptedAt: null });
      expect(['SENT', 'DELIVERED']).toContain(stored.status);
    } finally {
      stack.sandbox.graph.deliverStatusesTo(undefined);
    }
  });

  test('with no status webhook to go by, is sent again: the one at-least-once window', async () => {
    fault({ endpoint: 'whatsapp.send', hang: 'after' });
    stack.sandbox.openai.enqueue({ content: 'Maybe twice.' });
    const { result, waId } = await turn('hi');

    expect(result.outcome).toBe('replied');
    expect(sentTo(waId).map((m) => m.text)).toEqual(['Maybe twice.', 'Maybe twice.']);
    expect(result.sentMessageIds).toEqual([sentTo(waId)[1]!.wamid]);
  });
});

describe('a move the calendar refuses', () => {
  test('is undone in the database, so the database, the calendar and what the customer was told agree', async () => {
    const date = upcoming('thu');
    stack.sandbox.openai.enqueue(
      { toolCalls: [{ name: 'book_appointment', arguments: { service: 'Haircut', start: `${date}T11:00`, customer_name: 'Ana' } }] },
      { content: 'Booked.' },
    );
    const waId = newCustomer();
    const booked = await turn('Haircut Thursday 11:00', waId);
    const appointmentId = booked.result.appointments[0]!.appointmentId;
    const original = fromLocal(parseLocalDateTime(`${date}T11:00`)!, TZ)!;

    fault({
      endpoint: 'calendar.patch',
      times: 3,
      respond: { status: 403, body: { error: { code: 403, message: 'Forbidden', errors: [{ reason: 'forbidden' }] } } },
    });
    stack.sandbox.openai.enqueue(
      { toolCalls: [{ name: 'move_appointment', arguments: { appointment_id: appointmentId, new_start: `${date}T16:00` } }] },
      { content: 'Sorry, I could not move it.' },
    );
    const move = await turn('Move it to 16:00', waId);

    expect(move.result.appointments).toEqual([]);
    expect(String(stack.sandbox.openai.requests.at(-1)!.messages.at(-1)!.content)).toMatch(/temporarily unavailable/);
    expect((await stack.database.db.appointment.findUniqueOrThrow({ where: { id: appointmentId } })).startsAt).toEqual(original);
    const events = stack.sandbox.calendar.allEvents().filter((e) => e.status === 'confirmed');
    expect(events.map((e) => new Date(String(e.start?.dateTime)))).toEqual([original]);
  });
});
