// Workflow histories hold no personal data in clear. A full booking turn goes
// through the real stack (webhook, message workflow, conversation workflow,
// model, calendar, WhatsApp, a retried failure on the way); then the raw bytes
// Temporal stores for every workflow of it are searched for the phone number, the
// message text, the WhatsApp profile name and the name booked under, in every
// form a reader could find them. Only the codec server, for a caller it
// recognises, gives the text back.
import { randomUUID } from 'node:crypto';
import { temporal as proto } from '@temporalio/proto';
import type { IntakeReport } from '../../src/api/intake';
import { CODEC_PATH } from '../../src/api/codec-routes';
import { ENCRYPTED_ENCODING } from '../../src/temporal/payload-codec';
import type { TurnResult } from '../../src/workflows/types';
import { SESSION_COOKIE } from '../../src/api/admin/sessions';
import { signedInUser, type ConsoleClient } from '../support/console-client';
import { newWamid, postSigned, textMessagePayload } from '../support/payloads';
import { DEMO_PHONE_NUMBER_ID, TEST_APP_SECRET, TEST_CODEC_AUTH_TOKEN, useStack } from '../support/stack';
import { upcomingWeekday } from '../support/waiting';
import { messageResultOf } from '../support/deliver';

const stack = useStack();

// The Web UI's origin as the stack's config has it (TEMPORAL_UI_URL's default).
const UI_ORIGIN = 'http://127.0.0.1:8233';
const phone = `3469${randomUUID().replace(/\D/g, '').padEnd(8, '7').slice(0, 8)}`;
const marker = `pii-${randomUUID()}`;
const profileName = `Ana ${randomUUID()}`;
const bookedName = `Ana Booked ${randomUUID()}`;
const messageText = `Book me a haircut on Wednesday at 10:00, my name is Ana ${marker}`;
const needles: Record<string, string> = { phone, 'message text': marker, 'profile name': profileName, 'name booked under': bookedName };

let turn: { workflowId: string; result: TurnResult };
let admin: ConsoleClient;
let staff: ConsoleClient;

beforeAll(async () => {
  const date = upcomingWeekday('wed');
  stack.sandbox.openai.enqueue(
    { toolCalls: [{ name: 'check_availability', arguments: { service: 'Haircut', date, days: null } }] },
    { toolCalls: [{ name: 'book_appointment', arguments: { service: 'Haircut', start: `${date}T10:00`, customer_name: bookedName } }] },
    { content: `Booked: *Haircut* on ${date} at 10:00, ${bookedName}.` },
  );
  // A failed attempt on the way: its error message and stack trace are written into the history too.
  stack.sandbox.faults.inject({
    endpoint: 'calendar.insert',
    respond: { status: 503, body: { error: { code: 503, message: `Backend Error for ${bookedName}`, errors: [{ reason: 'backendError' }] } } },
  });
  const response = await postSigned(
    stack.webhookUrl,
    textMessagePayload({ phoneNumberId: DEMO_PHONE_NUMBER_ID, from: phone, text: messageText, wamid: newWamid(), name: profileName }),
    TEST_APP_SECRET,
  );
  expect(response.status).toBe(200);
  const workflowId = ((await response.json()) as IntakeReport).messages[0]!.workflowId!;
  turn = { workflowId, result: await messageResultOf(stack, workflowId) };
  expect(turn.result).toMatchObject({ outcome: 'replied', appointments: [{ kind: 'booked' }] });
  expect(stack.sandbox.faults.hits.some((h) => h.endpoint === 'calendar.insert')).toBe(true);

  admin = await signedInUser(stack, `admin-${randomUUID()}@example.com`, 'platform-admin');
  staff = await signedInUser(stack, `staff-${randomUUID()}@example.com`, 'staff', DEMO_PHONE_NUMBER_ID);
}, 120_000);

/** The bytes Temporal serves for a workflow's whole history, every page, as they cross the wire. */
async function rawHistory(workflowId: string, runId: string): Promise<Buffer> {
  const pages: Buffer[] = [];
  let nextPageToken: Uint8Array | undefined;
  do {
    const page = await stack.temporal.workflowService.getWorkflowExecutionHistory({
      namespace: 'default',
      execution: { workflowId, runId },
      nextPageToken,
    });
    pages.push(Buffer.from(proto.api.workflowservice.v1.GetWorkflowExecutionHistoryResponse.encode(page).finish()));
    nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
  } while (nextPageToken);
  return Buffer.concat(pages);
}

async function allRawHistories(): Promise<Map<string, Buffer>> {
  const histories = new Map<string, Buffer>();
  for await (const workflow of stack.temporal.workflow.list({ query: `TaskQueue = "${stack.taskQueue}"` })) {
    histories.set(`${workflow.workflowId}/${workflow.runId}`, await rawHistory(workflow.workflowId, workflow.runId));
  }
  return histories;
}

/**
 * A needle as it could sit in stored bytes: UTF-8, UTF-16, and base64 at each of
 * the three offsets a substring can start at inside a longer base64 text.
 */
function forms(needle: string): Array<[string, Buffer]> {
  const utf8 = Buffer.from(needle, 'utf8');
  const base64At = (offset: number) => {
    const encoded = Buffer.concat([Buffer.alloc(offset), utf8]).toString('base64');
    // Drop the characters that mix in the padding bytes before and the unknown bytes after.
    return Buffer.from(encoded.slice(Math.ceil((offset * 4) / 3), Math.floor(((offset + utf8.length) * 4) / 3)));
  };
  return [
    ['utf-8', utf8],
    ['utf-16', Buffer.from(needle, 'utf16le')],
    ['base64', base64At(0)],
    ['base64+1', base64At(1)],
    ['base64+2', base64At(2)],
  ];
}

async function codec(direction: 'decode' | 'encode', body: unknown, headers: Record<string, string> = {}) {
  const url = stack.webhookUrl.replace(/\/webhook$/, `${CODEC_PATH}/${direction}`);
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

/** The start event's input of the message workflow, in the codec protocol's JSON (base64 bytes), as the Web UI sends it. */
async function startInputAsJson() {
  const history = await stack.temporal.workflow.getHandle(turn.workflowId).fetchHistory();
  const payloads = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads!;
  return {
    payloads: payloads.map((p) => ({
      metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
      data: Buffer.from(p.data ?? []).toString('base64'),
    })),
  };
}

const decodedText = (body: { payloads: Array<{ data: string }> }) => body.payloads.map((p) => Buffer.from(p.data, 'base64').toString('utf8')).join('\n');
const bearer = { authorization: `Bearer ${TEST_CODEC_AUTH_TOKEN}` };
const sessionOf = (client: ConsoleClient) => ({ cookie: `${SESSION_COOKIE}=${client.cookies.get(SESSION_COOKIE)}` });

test('the raw history of every workflow of a booking turn holds no phone number, message text or name in any form', async () => {
  const histories = await allRawHistories();
  // The message workflow and the customer's conversation at least, each with encrypted payloads the scan reads through.
  expect([...histories.keys()].some((k) => k.startsWith(`${turn.workflowId}/`))).toBe(true);
  expect([...histories.keys()].some((k) => k.startsWith('conversation-'))).toBe(true);
  for (const bytes of histories.values()) expect(bytes.includes(ENCRYPTED_ENCODING)).toBe(true);

  const findings: string[] = [];
  for (const [workflow, bytes] of histories) {
    for (const [what, needle] of Object.entries(needles)) {
      for (const [form, encoded] of forms(needle)) if (bytes.includes(encoded)) findings.push(`${what} (${form}) in ${workflow}`);
    }
  }
  expect(findings).toEqual([]);
});

test('the scan would see them: the same forms are found in the history once the codec has decoded it', async () => {
  const history = await stack.temporal.workflow.getHandle(turn.workflowId).fetchHistory();
  const decodedInput = await stack.temporal.options.loadedDataConverter.payloadCodecs[0]!.decode([
    ...history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads!,
  ]);
  const bytes = Buffer.from(proto.api.common.v1.Payloads.encode({ payloads: decodedInput }).finish());
  expect(bytes.includes(forms(marker)[0]![1])).toBe(true);
  expect(bytes.includes(forms(phone)[0]![1])).toBe(true);
});

test("the failed calendar attempt's error is in the history only as an encrypted payload, readable through the codec", async () => {
  const failures: proto.api.failure.v1.IFailure[] = [];
  for await (const workflow of stack.temporal.workflow.list({ query: `TaskQueue = "${stack.taskQueue}"` })) {
    const history = await stack.temporal.workflow.getHandle(workflow.workflowId, workflow.runId).fetchHistory();
    for (const event of history.events ?? []) {
      const failure = event.activityTaskStartedEventAttributes?.lastFailure ?? event.activityTaskFailedEventAttributes?.failure;
      if (failure) failures.push(failure);
    }
  }
  expect(failures.length).toBeGreaterThan(0);
  for (const failure of failures) {
    expect(failure.message).toBe('Encoded failure');
    expect(failure.stackTrace ?? '').toBe('');
    expect(Buffer.from(failure.encodedAttributes!.metadata!.encoding!).toString()).toBe(ENCRYPTED_ENCODING);
  }
  const [attributes] = await stack.temporal.options.loadedDataConverter.payloadCodecs[0]!.decode(failures.map((f) => f.encodedAttributes!));
  expect(JSON.parse(Buffer.from(attributes!.data!).toString())).toMatchObject({
    message: expect.stringMatching(/Google Calendar is throttling or unavailable/),
  });
});

test('the codec server decodes a history for the CLI with the bearer token', async () => {
  const response = await codec('decode', await startInputAsJson(), { ...bearer, 'x-namespace': 'default' });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { payloads: Array<{ metadata: Record<string, string>; data: string }> };
  expect(decodedText(body)).toContain(messageText);
  expect(Buffer.from(body.payloads[0]!.metadata.encoding!, 'base64').toString()).toBe('json/plain');

  // Encoding for the UI's and CLI's own input, and decoding that again, round-trips.
  const plain = { payloads: [{ metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('"hello"').toString('base64') }] };
  const encoded = (await (await codec('encode', plain, bearer)).json()) as typeof plain;
  expect(Buffer.from(encoded.payloads[0]!.metadata.encoding, 'base64').toString()).toBe(ENCRYPTED_ENCODING);
  expect(await (await codec('decode', encoded, bearer)).json()).toEqual(plain);
});

test('without credentials, with a wrong token, or for a console user who is not a platform admin, nothing is decoded', async () => {
  const body = await startInputAsJson();
  const refusals: Array<[string, Record<string, string>, number]> = [
    ['no credentials', {}, 401],
    ['a wrong bearer token', { authorization: 'Bearer not-the-codec-token' }, 401],
    ['the token without "Bearer"', { authorization: TEST_CODEC_AUTH_TOKEN }, 401],
    ['a forged session cookie', { cookie: `${SESSION_COOKIE}=${'A'.repeat(43)}` }, 401],
    ['a staff member of the business', sessionOf(staff), 403],
    ['a wrong token beside an admin session', { ...sessionOf(admin), authorization: 'Bearer nope' }, 401],
  ];
  for (const [who, headers, status] of refusals) {
    for (const direction of ['decode', 'encode'] as const) {
      const response = await codec(direction, body, headers);
      const text = await response.text();
      expect([who, direction, response.status]).toEqual([who, direction, status]);
      expect(text).not.toContain(Buffer.from(marker).toString('base64').slice(0, 20));
      expect(text).not.toContain(marker);
    }
  }
});

test("the Web UI's request: a preflight from its origin, then the signed-in platform admin's cookie across origins", async () => {
  const url = stack.webhookUrl.replace(/\/webhook$/, `${CODEC_PATH}/decode`);
  const preflight = await fetch(url, {
    method: 'OPTIONS',
    headers: { origin: UI_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace' },
  });
  expect(preflight.status).toBe(204);
  expect(preflight.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
  expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
  expect(preflight.headers.get('access-control-allow-methods')).toBe('POST');
  expect(preflight.headers.get('access-control-allow-headers')?.split(/,\s*/)).toEqual(expect.arrayContaining(['content-type', 'x-namespace']));

  const decoded = await codec('decode', await startInputAsJson(), { origin: UI_ORIGIN, 'x-namespace': 'default', ...sessionOf(admin) });
  expect(decoded.status).toBe(200);
  expect(decoded.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
  expect(decoded.headers.get('access-control-allow-credentials')).toBe('true');
  expect(decodedText((await decoded.json()) as { payloads: Array<{ data: string }> })).toContain(messageText);

  // Any other origin gets no CORS grant: a browser there can neither send the cookie's request nor read the answer.
  const elsewhere = await fetch(url, {
    method: 'OPTIONS',
    headers: { origin: 'http://127.0.0.1:9999', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
  });
  expect(elsewhere.headers.get('access-control-allow-origin')).toBeNull();
  const elsewherePost = await codec('decode', await startInputAsJson(), { origin: 'https://evil.example', ...sessionOf(admin) });
  expect(elsewherePost.headers.get('access-control-allow-origin')).toBeNull();
});

test('a malformed body, or a payload whose key is unknown, is refused without echoing it', async () => {
  expect((await codec('decode', { payloads: 'nope' }, bearer)).status).toBe(400);
  const unknownKey = {
    payloads: [
      {
        metadata: { encoding: Buffer.from(ENCRYPTED_ENCODING).toString('base64'), 'encryption-key-id': Buffer.from('retired').toString('base64') },
        data: Buffer.alloc(40).toString('base64'),
      },
    ],
  };
  const response = await codec('decode', unknownKey, bearer);
  expect(response.status).toBe(422);
  expect(((await response.json()) as { error: string }).error).toMatch(/key "retired", which is not in TEMPORAL_PAYLOAD_KEYS/);
});

// Last: it spends this address's allowance for the minute.
test('decoding is rate-limited per client address', async () => {
  const statuses: number[] = [];
  for (let i = 0; i < 650 && !statuses.includes(429); i++) statuses.push((await codec('decode', { payloads: [] }, bearer)).status);
  expect(statuses.at(-1)).toBe(429);
  expect(statuses.length).toBeGreaterThan(500);
});
