// Secrets and personal data in everything the system writes down. Every log line
// of the API (Fastify's pino logger) and of the worker (the Temporal runtime's
// logger: SDK internals, activities, workflows) is captured at the most verbose
// level, and the whole history of every workflow is fetched from Temporal. Then:
// - no credential (WhatsApp and Google tokens, app secret, verify token, OpenAI
//   key, the calendar refresh token) appears in logs, histories or errors;
// - phone numbers appear in logs only hashed;
// - message text appears in logs only with TRACE_LOG_PII=true;
// - histories hold phone numbers, message text and names only encrypted.
// The conversations are realistic: a greeting, a booking through the tools, the
// model failing, the calendar and the Graph API refusing our credentials, and
// Meta's verification handshake. Payloads are read the way a person with the
// logs could read them: base64 (how Temporal payload bytes serialise) is decoded.
import { randomUUID } from 'node:crypto';
import type { DestinationStream } from 'pino';
import { createLogger, temporalLogger } from '../../src/observability/logger';
import { hashIdentifier } from '../../src/observability/privacy';
import type { IntakeReport } from '../../src/api/intake';
import type { ScriptedTurn } from '../../src/sandbox/openai-api';
import type { TurnResult } from '../../src/workflows/types';
import { newWamid, postSigned, textMessagePayload } from '../support/payloads';
import {
  DEMO_PHONE_NUMBER_ID,
  startStack,
  TEST_ACCESS_TOKEN,
  TEST_APP_SECRET,
  TEST_GOOGLE_TOKEN,
  TEST_OPENAI_KEY,
  TEST_VERIFY_TOKEN,
  type Stack,
  type StackOptions,
} from '../support/stack';
import { upcomingWeekday as upcoming } from '../support/waiting';
import { messageResultOf } from '../support/deliver';

/** Collects pino's output lines, as a file or a log shipper would receive them. */
class LogCapture implements DestinationStream {
  readonly lines: string[] = [];
  write(line: string): void {
    this.lines.push(line);
  }
}

// The runtime is one per process, so one capture serves every stack in this file.
const workerLog = new LogCapture();
const runtimeLogger = temporalLogger(createLogger('trace', 'worker', workerLog));

const REFUSED_WHATSAPP_TOKEN = `EAAG-refused-whatsapp-token-${randomUUID()}`;
const REFUSED_GOOGLE_TOKEN = `ya29.refused-google-token-${randomUUID()}`;
const GOOGLE_REFRESH_TOKEN = `1//refresh-token-${randomUUID()}`;

const SECRETS: Record<string, string> = {
  'WhatsApp access token': TEST_ACCESS_TOKEN,
  'refused WhatsApp access token': REFUSED_WHATSAPP_TOKEN,
  'Google access token': TEST_GOOGLE_TOKEN,
  'refused Google access token': REFUSED_GOOGLE_TOKEN,
  'Google refresh token': GOOGLE_REFRESH_TOKEN,
  'app secret': TEST_APP_SECRET,
  'verify token': TEST_VERIFY_TOKEN,
  'OpenAI API key': TEST_OPENAI_KEY,
};

/** The WhatsApp profile name every customer here has: personal data, like the text. */
const PROFILE_NAME = `Ana ${randomUUID()}`;

/** A phone number no other number in the logs (ports, timestamps, ids) will contain by chance. */
function newPhone(): string {
  return `3469${randomUUID().replace(/\D/g, '').padEnd(8, '7').slice(0, 8)}`;
}

/** A message text with a marker that can only come from this message. */
function markedText(words: string): { text: string; marker: string } {
  const marker = `pii-${randomUUID()}`;
  return { text: `${words} ${marker}`, marker };
}

/**
 * Text as a reader of it could read it: the text itself, plus every
 * base64-looking run decoded, since payload bytes serialise as base64 in both
 * log lines and fetched histories.
 */
function readable(text: string): string {
  const decoded = [...text.matchAll(/[A-Za-z0-9+/]{16,}={0,2}/g)].map((m) => Buffer.from(m[0], 'base64').toString('utf8'));
  return [text, ...decoded].join('\n');
}

interface Finding {
  what: string;
  where: string;
  excerpt: string;
}

/** Where each needle occurs in the named texts, with a little context so a failure shows the leaking line. */
function find(needles: Record<string, string>, texts: Record<string, string[]>): Finding[] {
  const findings: Finding[] = [];
  for (const [where, list] of Object.entries(texts)) {
    for (const raw of list) {
      const text = readable(raw);
      for (const [what, needle] of Object.entries(needles)) {
        const at = text.indexOf(needle);
        if (at >= 0) findings.push({ what, where, excerpt: text.slice(Math.max(0, at - 200), at + needle.length + 100) });
      }
    }
  }
  return findings;
}

/** Everything Temporal recorded for every workflow of the stack's task queue, serialised. */
async function histories(stack: Stack): Promise<string[]> {
  const serialised: string[] = [];
  for await (const workflow of stack.temporal.workflow.list({ query: `TaskQueue = "${stack.taskQueue}"` })) {
    const history = await stack.temporal.workflow.getHandle(workflow.workflowId, workflow.runId).fetchHistory();
    serialised.push(JSON.stringify(history));
  }
  return serialised;
}

/** What each workflow of the stack was started with, decrypted as the payload codec does for the app and the worker. */
async function decryptedStartInputs(stack: Stack): Promise<string[]> {
  const [codec] = stack.temporal.options.loadedDataConverter.payloadCodecs;
  const inputs: string[] = [];
  for await (const workflow of stack.temporal.workflow.list({ query: `TaskQueue = "${stack.taskQueue}"` })) {
    const history = await stack.temporal.workflow.getHandle(workflow.workflowId, workflow.runId).fetchHistory();
    const payloads = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
    for (const payload of await codec!.decode(payloads)) inputs.push(Buffer.from(payload.data ?? []).toString('utf8'));
  }
  return inputs;
}

interface Scenario {
  stack: Stack;
  apiLog: LogCapture;
  /** Where the worker's lines for this scenario start in the shared capture. */
  workerFrom: number;
  /** Error messages and HTTP answers the scenario saw. */
  errors: string[];
}

async function scenario(options: Omit<StackOptions, 'runtimeLogger' | 'apiLog'>): Promise<Scenario> {
  const apiLog = new LogCapture();
  const stack = await startStack({ ...options, runtimeLogger, apiLog: { level: 'trace', destination: apiLog } });
  // A business connected by OAuth keeps its refresh token in the database; it must stay there.
  await stack.database.db.business.update({ where: { id: stack.businessId }, data: { googleRefreshToken: GOOGLE_REFRESH_TOKEN } });
  return { stack, apiLog, workerFrom: workerLog.lines.length, errors: [] };
}

/** Sends one signed text message through the webhook and waits for the turn that answers it. */
async function say(s: Scenario, from: string, text: string, ...script: ScriptedTurn[]): Promise<TurnResult> {
  s.stack.sandbox.openai.enqueue(...script);
  const payload = textMessagePayload({ phoneNumberId: DEMO_PHONE_NUMBER_ID, from, text, wamid: newWamid(), name: PROFILE_NAME });
  const response = await postSigned(s.stack.webhookUrl, payload, TEST_APP_SECRET);
  const body = await response.text();
  s.errors.push(body);
  expect(response.status).toBe(200);
  const report = JSON.parse(body) as IntakeReport;
  const result: TurnResult = await messageResultOf(s.stack, report.messages[0]!.workflowId!);
  if (result.error) s.errors.push(result.error);
  return result;
}

/** All the text a scenario produced: log lines, workflow histories, errors. */
async function everythingWritten(s: Scenario) {
  return {
    logs: { 'API log': s.apiLog.lines, 'worker log': workerLog.lines.slice(s.workerFrom) },
    histories: await histories(s.stack),
    errors: s.errors,
  };
}

describe('without TRACE_LOG_PII', () => {
  let main: Scenario;
  let refused: Scenario;
  const phone = newPhone();
  const refusedPhone = newPhone();
  const markers: Record<string, string> = { 'profile name': PROFILE_NAME };
  const results: TurnResult[] = [];

  beforeAll(async () => {
    main = await scenario({ maxIterations: 4 });
    const date = upcoming('wed');

    // Meta's verification handshake carries the verify token in the query string,
    // also when it is sent to a slightly wrong URL (a trailing slash is a 404).
    const handshake = `hub.mode=subscribe&hub.verify_token=${TEST_VERIFY_TOKEN}&hub.challenge=1158201444`;
    const base = main.stack.webhookUrl;
    for (const [url, status] of [
      [`${base}?${handshake}`, 200],
      [`${base}/?${handshake}`, 404],
      [`${base}?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1`, 403],
    ] as const) {
      const response = await fetch(url);
      main.errors.push(await response.text());
      expect(response.status).toBe(status);
    }
    // A delivery signed with the wrong secret is refused.
    const forged = await postSigned(base, textMessagePayload({ phoneNumberId: DEMO_PHONE_NUMBER_ID, from: phone, text: 'forged' }), 'not-the-app-secret');
    main.errors.push(await forged.text());
    expect(forged.status).toBe(401);

    const greeting = markedText('Hello! Are you open on Saturday?');
    markers.greeting = greeting.marker;
    results.push(await say(main, phone, greeting.text, { content: 'Hello! Yes, from 9:00 to 14:00.' }));

    // A booking through the tools, with the calendar and WhatsApp each failing once on the way (retried).
    const name = `Ana ${randomUUID()}`;
    markers['customer name'] = name;
    const booking = markedText('Book me a haircut on Wednesday at 10:00, my name is Ana');
    markers.booking = booking.marker;
    main.stack.sandbox.faults.inject({
      endpoint: 'calendar.insert',
      respond: { status: 503, body: { error: { code: 503, message: 'Backend Error', errors: [{ reason: 'backendError' }] } } },
    });
    main.stack.sandbox.faults.inject({
      endpoint: 'whatsapp.send',
      respond: { status: 503, body: { error: { message: 'Service temporarily unavailable', type: 'OAuthException', code: 2, fbtrace_id: 'AbCdEf' } } },
    });
    const booked = await say(
      main,
      phone,
      booking.text,
      { toolCalls: [{ name: 'check_availability', arguments: { service: 'Haircut', date, days: null } }] },
      { toolCalls: [{ name: 'book_appointment', arguments: { service: 'Haircut', start: `${date}T10:00`, customer_name: name } }] },
      { content: `Booked: *Haircut* on ${date} at 10:00.` },
    );
    expect(booked).toMatchObject({ outcome: 'replied', appointments: [{ kind: 'booked' }] });
    results.push(booked);

    // The model failing: once transiently (retried), once for good.
    const flaky = markedText('Do you do colour?');
    markers['message during a model error'] = flaky.marker;
    results.push(
      await say(
        main,
        phone,
        flaky.text,
        { error: { status: 500, message: 'The server had an error while processing your request.' } },
        { content: 'Yes, we do.' },
      ),
    );
    const refusedModel = markedText('And the price?');
    markers['message the model refused'] = refusedModel.marker;
    const failed = await say(main, phone, refusedModel.text, {
      error: { status: 401, message: 'Incorrect API key provided.', type: 'invalid_request_error', code: 'invalid_api_key' },
    });
    expect(failed.outcome).toBe('model-failed');
    results.push(failed);

    // Both credentials refused: Google refuses the calendar, then Meta refuses the reply.
    refused = await scenario({ workerAccessToken: REFUSED_WHATSAPP_TOKEN, workerGoogleToken: REFUSED_GOOGLE_TOKEN });
    const refusedText = markedText('Book me a haircut on Wednesday at 11:00');
    markers['message with refused credentials'] = refusedText.marker;
    const refusedTurn = await say(
      refused,
      refusedPhone,
      refusedText.text,
      { toolCalls: [{ name: 'book_appointment', arguments: { service: 'Haircut', start: `${date}T11:00`, customer_name: 'Bo' } }] },
      { content: 'Sorry, I cannot book right now.' },
    );
    expect(refusedTurn).toMatchObject({ outcome: 'send-failed', error: expect.stringMatching(/WhatsApp/) });
    results.push(refusedTurn);
  });

  afterAll(async () => {
    await main?.stack.stop();
    await refused?.stack.stop();
  });

  test('the scenario really produced verbose logs and histories to look through', async () => {
    const written = await everythingWritten(main);
    expect(written.histories.length).toBeGreaterThanOrEqual(5);
    // The customer's number is in the payloads by necessity (it is who we answer): found once they are decrypted,
    // it shows the scan of the histories reads their payloads.
    expect(find({ phone }, { 'decrypted workflow input': await decryptedStartInputs(main.stack) })).not.toEqual([]);
    expect(main.apiLog.lines.some((l) => JSON.parse(l).level === 20)).toBe(true); // debug lines from the API...
    expect(workerLog.lines.some((l) => /"msg":"Activity failed"/.test(l))).toBe(true); // ...and the worker's failed attempts
    expect(workerLog.lines.some((l) => /"msg":"Got workflow activation"/.test(l))).toBe(true);
    // The refusals are in the errors, named for what an operator must do, without the credential itself.
    expect(refused.errors.join('\n')).toMatch(/access token/i);
  });

  test('no credential appears in any log line, workflow history or error', async () => {
    for (const s of [main, refused]) {
      const written = await everythingWritten(s);
      expect(find(SECRETS, { ...written.logs, 'workflow history': written.histories, errors: written.errors })).toEqual([]);
    }
  });

  test('workflow histories hold no phone number, message text or name: their payloads are encrypted', async () => {
    const personal = { ...markers, 'customer phone': phone, 'other customer phone': refusedPhone };
    for (const s of [main, refused]) expect(find(personal, { 'workflow history': (await everythingWritten(s)).histories })).toEqual([]);
  });

  test('phone numbers appear in logs only hashed', async () => {
    const phones = { 'customer phone': phone, 'other customer phone': refusedPhone };
    for (const s of [main, refused]) expect(find(phones, (await everythingWritten(s)).logs)).toEqual([]);
    // The customer can still be followed through the logs by the hash.
    expect(main.apiLog.lines.join('\n')).toContain(hashIdentifier(phone)!);
  });

  test('message text and what it says (the name booked under) never reach the logs', async () => {
    for (const s of [main, refused]) expect(find(markers, (await everythingWritten(s)).logs)).toEqual([]);
    // Only its length is logged.
    expect(main.apiLog.lines.some((l) => /"text":"\[\d+ chars hidden\]"/.test(l))).toBe(true);
  });
});

describe('with TRACE_LOG_PII=true', () => {
  let pii: Scenario;
  beforeAll(async () => {
    pii = await scenario({ traceLogPii: true });
  });
  afterAll(async () => {
    await pii?.stack.stop();
  });

  test('message text may be logged, phone numbers are still only hashed, credentials never', async () => {
    const phone = newPhone();
    const message = markedText('Hi, is there parking nearby?');
    const result = await say(pii, phone, message.text, { content: 'Yes, around the corner.' });
    expect(result.outcome).toBe('replied');

    const written = await everythingWritten(pii);
    expect(find({ text: message.marker }, written.logs)).toEqual([expect.objectContaining({ where: 'API log' })]);
    expect(find({ phone }, written.logs)).toEqual([]);
    expect(find(SECRETS, { ...written.logs, 'workflow history': written.histories, errors: written.errors })).toEqual([]);
  });
});
