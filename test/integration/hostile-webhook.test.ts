// Hostile and broken webhook deliveries against the real stack (Fastify on a
// port, the Temporal dev server, PostgreSQL). Anything Meta did not sign, or
// that is not a usable WhatsApp message, must be answered without a 5xx (Meta
// would redeliver it for days), without a stored row and without a workflow.
// What Meta did sign and is usable must be stored exactly as the customer wrote it.
import { randomBytes } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import fc from 'fast-check';
import type { IntakeReport } from '../../src/api/intake';
import { signBody } from '../../src/whatsapp/signature';
import { messageWorkflowId } from '../../src/api/message-workflow-id';
import { TURN_OUTCOMES, type TurnOutcome, type TurnResult } from '../../src/workflows/types';
import { newWamid, statusPayload, textMessagePayload } from '../support/payloads';
import { DEMO_PHONE_NUMBER_ID, useStack, TEST_APP_SECRET } from '../support/stack';
import { messageResultOf } from '../support/deliver';

const INACTIVE_PHONE_NUMBER_ID = '100000000000777';
const UNKNOWN_PHONE_NUMBER_ID = '999999999999999';
/** The app's default WEBHOOK_BODY_LIMIT_BYTES, which the stack does not override. */
const BODY_LIMIT = 1024 * 1024;

const stack = useStack();

beforeAll(async () => {
  await stack.database.db.business.create({ data: { name: 'Closed Studio', phoneNumberId: INACTIVE_PHONE_NUMBER_ID, active: false } });
});

// ---- Sending ----

type Signature = 'valid' | 'wrong-secret' | 'none' | { header: string };

interface Answer {
  status: number;
  body: unknown;
}

async function send(
  body: string | Buffer,
  { signature = 'valid', contentType = 'application/json' }: { signature?: Signature; contentType?: string | null } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (contentType !== null) headers['content-type'] = contentType;
  if (signature === 'valid') headers['x-hub-signature-256'] = signBody(body, TEST_APP_SECRET);
  else if (signature === 'wrong-secret') headers['x-hub-signature-256'] = signBody(body, 'not-the-app-secret');
  else if (signature !== 'none') headers['x-hub-signature-256'] = signature.header;
  // A Buffer body makes fetch add no content type of its own.
  const response = await fetch(stack.webhookUrl, { method: 'POST', headers, body: typeof body === 'string' ? body : new Uint8Array(body) });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not every answer is JSON; the raw text is kept for the failure message.
  }
  return { status: response.status, body: parsed };
}

const sendJson = (payload: unknown, options?: Parameters<typeof send>[1]) => send(JSON.stringify(payload), options);

/** Meta's bytes: every non-ASCII character escaped as \uXXXX and "/" as "\/". */
function asMetaSerialises(payload: unknown): string {
  return JSON.stringify(payload)
    .replace(/\//g, '\\/')
    .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const NOTHING_USABLE: IntakeReport = { messages: [], statuses: [] };

// ---- What must not have happened ----

async function rowCounts() {
  const { db } = stack.database;
  const [messages, customers, pendingStatuses] = await Promise.all([db.message.count(), db.customer.count(), db.pendingStatus.count()]);
  return { messages, customers, pendingStatuses };
}

const describeMessageWorkflow = (wamid: string) => stack.temporal.workflow.getHandle(messageWorkflowId(wamid)).describe();

/** Sends something that must leave no trace: no new row anywhere the webhook writes, no workflow for these messages. */
async function expectNoTrace(wamids: string[], request: () => Promise<Answer>): Promise<Answer> {
  const before = await rowCounts();
  const answer = await request();
  expect(answer.status).toBeLessThan(500);
  expect(await rowCounts()).toEqual(before);
  for (const wamid of wamids) await expect(describeMessageWorkflow(wamid)).rejects.toBeInstanceOf(WorkflowNotFoundError);
  return answer;
}

// ---- Payload surgery ----

type Path = Array<string | number>;
type Json = Record<string | number, unknown>;
const isContainer = (value: unknown): value is Json => typeof value === 'object' && value !== null;

/** A copy of the payload with the value at `path` removed (deleted from an object, spliced out of an array) or replaced. */
function edited(payload: unknown, path: Path, change: { remove: true } | { value: unknown }): unknown {
  const copy = structuredClone(payload);
  let node: unknown = copy;
  for (const key of path.slice(0, -1)) node = isContainer(node) ? node[key] : undefined;
  const last = path.at(-1)!;
  if (!isContainer(node)) return copy;
  if ('value' in change) node[last] = change.value;
  else if (Array.isArray(node)) node.splice(Number(last), 1);
  else delete node[last];
  return copy;
}

const CHANGE: Path = ['entry', 0, 'changes', 0];
const VALUE: Path = [...CHANGE, 'value'];
const MESSAGE: Path = [...VALUE, 'messages', 0];
const STATUS: Path = [...VALUE, 'statuses', 0];

let customers = 0;
/** A text message to the demo business from a customer of its own, so no test's conversation history reaches another's. */
function demoMessage(text = 'hello') {
  const wamid = newWamid();
  const from = `34611${String(++customers).padStart(6, '0')}`;
  return { wamid, from, payload: textMessagePayload({ phoneNumberId: DEMO_PHONE_NUMBER_ID, from, text, wamid }) };
}

// ---- Unsigned, wrongly signed, unparseable ----

describe('requests Meta did not sign are refused with 401 and leave no trace', () => {
  const cases: Array<[string, (body: string) => Promise<Answer>]> = [
    ['no signature', (body) => send(body, { signature: 'none' })],
    ['a signature made with another secret', (body) => send(body, { signature: 'wrong-secret' })],
    ['the signature of another body', (body) => send(body, { signature: { header: signBody(`${body} `, TEST_APP_SECRET) } })],
    ['a signature that is not hex', (body) => send(body, { signature: { header: `sha256=${'zz'.repeat(32)}` } })],
    ['a truncated signature', (body) => send(body, { signature: { header: signBody(body, TEST_APP_SECRET).slice(0, -1) } })],
    ['a SHA-1 signature', (body) => send(body, { signature: { header: `sha1=${signBody(body, TEST_APP_SECRET).slice(7, 47)}` } })],
    ['an empty signature header', (body) => send(body, { signature: { header: '' } })],
    ['no signature and a text/plain body', (body) => send(body, { signature: 'none', contentType: 'text/plain' })],
    ['no signature and no content type', (body) => send(Buffer.from(body), { signature: 'none', contentType: null })],
  ];
  test.each(cases)('%s', async (_name, request) => {
    const { wamid, payload } = demoMessage();
    const answer = await expectNoTrace([wamid], () => request(JSON.stringify(payload)));
    expect(answer).toEqual({ status: 401, body: { error: 'Invalid or missing X-Hub-Signature-256' } });
  });

  test('a second, valid signature header next to a wrong one is not accepted', async () => {
    const { wamid, payload } = demoMessage();
    const body = JSON.stringify(payload);
    const answer = await expectNoTrace([wamid], async () => {
      const headers = new Headers({ 'content-type': 'application/json' });
      headers.append('x-hub-signature-256', signBody(body, 'not-the-app-secret'));
      headers.append('x-hub-signature-256', signBody(body, TEST_APP_SECRET));
      const response = await fetch(stack.webhookUrl, { method: 'POST', headers, body });
      return { status: response.status, body: await response.json() };
    });
    expect(answer.status).toBe(401);
  });

  test("a body re-serialised after signing (é instead of Meta's \\u00e9) fails the signature", async () => {
    const { wamid, payload } = demoMessage('¿Tenéis cita mañana? Café ☕');
    const metaBytes = asMetaSerialises(payload);
    expect(metaBytes).toContain('\\u00e9');
    const reserialised = JSON.stringify(JSON.parse(metaBytes));
    expect(reserialised).toContain('é');
    const answer = await expectNoTrace([wamid], () => send(reserialised, { signature: { header: signBody(metaBytes, TEST_APP_SECRET) } }));
    expect(answer.status).toBe(401);
  });
});

test('a body over the size limit is refused with 413, signed or not, and leaves no trace', async () => {
  const { wamid, payload } = demoMessage('x'.repeat(BODY_LIMIT + 1));
  const body = JSON.stringify(payload);
  expect((await expectNoTrace([wamid], () => send(body))).status).toBe(413);
  expect((await expectNoTrace([wamid], () => send(body, { signature: 'none' }))).status).toBe(413);
});

describe('signed bodies that are not JSON or not a WhatsApp Business Account webhook are a 400', () => {
  const notJson = [
    '{"object": ',
    '',
    '\ufeff{"object":"whatsapp_business_account","entry":[]}',
    "{'object':'whatsapp_business_account'}",
    'object=whatsapp_business_account&entry=[]',
  ];
  test.each(notJson)('not JSON: %j', async (body) => {
    const answer = await expectNoTrace([], () => send(body));
    expect(answer).toEqual({ status: 400, body: { error: 'Body is not valid JSON' } });
  });

  test('bytes that are not UTF-8', async () => {
    const answer = await expectNoTrace([], () => send(Buffer.from([0xff, 0xfe, 0x7b, 0x00, 0xc3, 0x28])));
    expect(answer.status).toBe(400);
  });

  const notAWebhook: unknown[] = [
    null,
    42,
    'whatsapp_business_account',
    [],
    [{ object: 'whatsapp_business_account', entry: [] }],
    {},
    { object: 'page', entry: [] },
    { object: 'instagram', entry: [] },
    { object: 'WHATSAPP_BUSINESS_ACCOUNT', entry: [] },
    { object: 'whatsapp_business_account' },
    { object: 'whatsapp_business_account', entry: {} },
    { object: 'whatsapp_business_account', entry: 'x' },
    { object: 'whatsapp_business_account', entry: null },
  ];
  test.each(notAWebhook)('not a webhook: %j', async (payload) => {
    const answer = await expectNoTrace([], () => sendJson(payload));
    expect(answer).toEqual({ status: 400, body: { error: 'Not a WhatsApp Business Account webhook payload' } });
  });

  test('a valid message for another object kind starts nothing', async () => {
    const { wamid, payload } = demoMessage();
    const answer = await expectNoTrace([wamid], () => sendJson({ ...payload, object: 'page' }));
    expect(answer.status).toBe(400);
  });

  test('an array nested 100,000 deep', async () => {
    const deep = `{"object":"whatsapp_business_account","entry":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const answer = await expectNoTrace([], () => send(deep));
    expect(answer).toEqual({ status: 200, body: NOTHING_USABLE });
  });
});

describe('the content type does not decide anything: the signature does', () => {
  test('a signed message labelled text/plain is processed like JSON', async () => {
    const wamid = newWamid();
    const payload = textMessagePayload({ phoneNumberId: UNKNOWN_PHONE_NUMBER_ID, from: '34600700002', text: 'hi', wamid });
    const answer = await expectNoTrace([wamid], () => sendJson(payload, { contentType: 'text/plain' }));
    expect(answer).toEqual({ status: 200, body: { messages: [{ id: wamid, status: 'unknown-business' }], statuses: [] } });
  });

  test('a signed form body is not parsed as a form', async () => {
    const answer = await expectNoTrace([], () => send('object=whatsapp_business_account&entry=', { contentType: 'application/x-www-form-urlencoded' }));
    expect(answer.status).toBe(400);
  });

  test('a signed multipart body is not parsed as multipart', async () => {
    const body = '--b\r\nContent-Disposition: form-data; name="object"\r\n\r\nwhatsapp_business_account\r\n--b--\r\n';
    const answer = await expectNoTrace([], () => send(body, { contentType: 'multipart/form-data; boundary=b' }));
    expect(answer.status).toBe(400);
  });

  test('a signed message with no content type at all is processed', async () => {
    const wamid = newWamid();
    const payload = textMessagePayload({ phoneNumberId: UNKNOWN_PHONE_NUMBER_ID, from: '34600700003', text: 'hi', wamid });
    const answer = await expectNoTrace([wamid], () => send(Buffer.from(JSON.stringify(payload)), { contentType: null }));
    expect(answer).toEqual({ status: 200, body: { messages: [{ id: wamid, status: 'unknown-business' }], statuses: [] } });
  });
});

// ---- Signed, but parts missing or mistyped ----

describe('a signed message with a part missing or mistyped is acknowledged and skipped', () => {
  // Random, so PostgreSQL cannot compress it under its index entry limit.
  const LONG = randomBytes(6_000).toString('base64url');
  const cases: Array<[string, Path, { remove: true } | { value: unknown }]> = [
    ['entry[].changes missing', ['entry', 0, 'changes'], { remove: true }],
    ['entry[].changes a string', ['entry', 0, 'changes'], { value: 'messages' }],
    ['entry[] null', ['entry', 0], { value: null }],
    ['changes[] null', CHANGE, { value: null }],
    ['changes[].field missing', [...CHANGE, 'field'], { remove: true }],
    ['changes[].field another one', [...CHANGE, 'field'], { value: 'account_update' }],
    ['changes[].field a number', [...CHANGE, 'field'], { value: 1 }],
    ['value missing', VALUE, { remove: true }],
    ['value an array', VALUE, { value: [] }],
    ['metadata missing', [...VALUE, 'metadata'], { remove: true }],
    ['metadata a string', [...VALUE, 'metadata'], { value: DEMO_PHONE_NUMBER_ID }],
    ['phone_number_id missing', [...VALUE, 'metadata', 'phone_number_id'], { remove: true }],
    ['phone_number_id a number', [...VALUE, 'metadata', 'phone_number_id'], { value: Number(DEMO_PHONE_NUMBER_ID) }],
    ['phone_number_id empty', [...VALUE, 'metadata', 'phone_number_id'], { value: '' }],
    ['phone_number_id with a NUL', [...VALUE, 'metadata', 'phone_number_id'], { value: `${DEMO_PHONE_NUMBER_ID}\u0000` }],
    ['phone_number_id of 8,000 characters', [...VALUE, 'metadata', 'phone_number_id'], { value: LONG }],
    ['contacts a string', [...VALUE, 'contacts'], { value: 'Ana' }],
    ['messages an object', [...VALUE, 'messages'], { value: { 0: {} } }],
    ['messages[] null', MESSAGE, { value: null }],
    ['messages[] a string', MESSAGE, { value: 'hello' }],
    ['messages[].id missing', [...MESSAGE, 'id'], { remove: true }],
    ['messages[].id empty', [...MESSAGE, 'id'], { value: '' }],
    ['messages[].id a number', [...MESSAGE, 'id'], { value: 12345 }],
    ['messages[].id of 8,000 characters', [...MESSAGE, 'id'], { value: LONG }],
    ['messages[].id with a NUL', [...MESSAGE, 'id'], { value: 'wamid.a\u0000b' }],
    ['messages[].id with a lone surrogate', [...MESSAGE, 'id'], { value: 'wamid.\ud800' }],
    ['messages[].from a number', [...MESSAGE, 'from'], { value: 34600700001 }],
    ['messages[].from of 8,000 characters', [...MESSAGE, 'from'], { value: LONG }],
    ['messages[].from with a NUL', [...MESSAGE, 'from'], { value: '34600700001\u0000' }],
    ['messages[].timestamp missing', [...MESSAGE, 'timestamp'], { remove: true }],
    ['messages[].timestamp a number', [...MESSAGE, 'timestamp'], { value: 1_764_352_805 }],
    ['messages[].timestamp a date string', [...MESSAGE, 'timestamp'], { value: '2026-11-28T10:00:00Z' }],
    ['messages[].timestamp negative', [...MESSAGE, 'timestamp'], { value: '-1' }],
    ['messages[].timestamp past any date', [...MESSAGE, 'timestamp'], { value: '9'.repeat(30) }],
    ['messages[].type missing', [...MESSAGE, 'type'], { remove: true }],
    ['messages[].type null', [...MESSAGE, 'type'], { value: null }],
    ['messages[].text a string', [...MESSAGE, 'text'], { value: 'hello' }],
    ['messages[].text.body missing', [...MESSAGE, 'text', 'body'], { remove: true }],
    ['messages[].text.body a number', [...MESSAGE, 'text', 'body'], { value: 42 }],
  ];
  test.each(cases)('%s', async (_name, path, change) => {
    const { wamid, payload } = demoMessage();
    const answer = await expectNoTrace([wamid], () => sendJson(edited(payload, path, change)));
    expect(answer).toEqual({ status: 200, body: NOTHING_USABLE });
  });

  test('a message with neither from nor a contact has no sender to answer', async () => {
    const { wamid, payload } = demoMessage();
    const anonymous = edited(edited(payload, [...MESSAGE, 'from'], { remove: true }), [...VALUE, 'contacts'], { remove: true });
    const answer = await expectNoTrace([wamid], () => sendJson(anonymous));
    expect(answer).toEqual({ status: 200, body: { messages: [{ id: wamid, status: 'no-sender' }], statuses: [] } });
  });

  test('one broken message does not hide a usable sibling', async () => {
    const good = newWamid();
    const broken = newWamid();
    const payload = textMessagePayload(
      { phoneNumberId: UNKNOWN_PHONE_NUMBER_ID, from: '34600700004', text: 'one', wamid: good },
      { phoneNumberId: UNKNOWN_PHONE_NUMBER_ID, from: '34600700004', text: 'two', wamid: broken },
    );
    const answer = await expectNoTrace([good, broken], () =>
      sendJson(edited(payload, ['entry', 1, 'changes', 0, 'value', 'messages', 0, 'timestamp'], { value: 7 })),
    );
    expect(answer).toEqual({ status: 200, body: { messages: [{ id: good, status: 'unknown-business' }], statuses: [] } });
  });
});

describe('a signed status with a part missing or mistyped is acknowledged and not recorded', () => {
  const cases: Array<[string, Path, { remove: true } | { value: unknown }]> = [
    ['statuses an object', [...VALUE, 'statuses'], { value: {} }],
    ['statuses[] null', STATUS, { value: null }],
    ['id missing', [...STATUS, 'id'], { remove: true }],
    ['id a number', [...STATUS, 'id'], { value: 7 }],
    ['id of 8,000 characters', [...STATUS, 'id'], { value: randomBytes(6_000).toString('base64url') }],
    ['id with a NUL', [...STATUS, 'id'], { value: 'wamid.\u0000' }],
    ['status unknown', [...STATUS, 'status'], { value: 'seen' }],
    ['status in capitals', [...STATUS, 'status'], { value: 'READ' }],
    ['timestamp missing', [...STATUS, 'timestamp'], { remove: true }],
    ['timestamp a number', [...STATUS, 'timestamp'], { value: 1_764_352_805 }],
    ['timestamp past any date', [...STATUS, 'timestamp'], { value: '9'.repeat(30) }],
    ['timestamp past JavaScript dates', [...STATUS, 'timestamp'], { value: '8640000000001' }],
    ['errors a string', [...STATUS, 'errors'], { value: 'broken' }],
    ['errors[].code a string', [...STATUS, 'errors', 0, 'code'], { value: '131047' }],
    ['errors[].code beyond an integer column', [...STATUS, 'errors', 0, 'code'], { value: 1e12 }],
    ['errors[].code a fraction', [...STATUS, 'errors', 0, 'code'], { value: 1.5 }],
    ['callback data with a NUL', [...STATUS, 'biz_opaque_callback_data'], { value: 'reply-1\u0000' }],
    ['callback data with a lone surrogate', [...STATUS, 'biz_opaque_callback_data'], { value: 'reply-1\ud800' }],
  ];
  test.each(cases)('%s', async (_name, path, change) => {
    const wamid = newWamid();
    const payload = statusPayload(DEMO_PHONE_NUMBER_ID, {
      wamid,
      status: 'failed',
      timestamp: 1_764_352_805,
      errors: [{ code: 131047, title: 'Re-engagement message' }],
    });
    const answer = await expectNoTrace([], () => sendJson(edited(payload, path, change)));
    expect(answer).toEqual({ status: 200, body: NOTHING_USABLE });
    expect(await stack.database.db.pendingStatus.count({ where: { wamid } })).toBe(0);
  });

  test('an error title with a NUL and a lone surrogate is still recorded, mended', async () => {
    const wamid = newWamid();
    const payload = statusPayload(DEMO_PHONE_NUMBER_ID, {
      wamid,
      status: 'failed',
      timestamp: 1_764_352_805,
      errors: [{ code: 131047, title: 'Re-engagement\u0000 message\ud800' }],
    });
    const answer = await send(asMetaSerialises(payload));
    expect(answer).toEqual({ status: 200, body: { messages: [], statuses: [{ id: wamid, status: 'failed', recorded: 'pending' }] } });
    expect(await stack.database.db.pendingStatus.findMany({ where: { wamid }, select: { status: true, errorCode: true, errorTitle: true } })).toEqual([
      { status: 'FAILED', errorCode: 131047, errorTitle: 'Re-engagement message\ufffd' },
    ]);
  });
});

// ---- Businesses that are not ours to answer, and floods ----

describe('messages for a business that cannot answer are acknowledged and dropped', () => {
  test.each([
    [INACTIVE_PHONE_NUMBER_ID, 'inactive-business'],
    [UNKNOWN_PHONE_NUMBER_ID, 'unknown-business'],
  ])('phone_number_id %s: %s', async (phoneNumberId, status) => {
    const wamid = newWamid();
    const sentBefore = stack.sandbox.graph.sent.length;
    const answer = await expectNoTrace([wamid], () => sendJson(textMessagePayload({ phoneNumberId, from: '34600700005', text: 'hello?', wamid })));
    expect(answer).toEqual({ status: 200, body: { messages: [{ id: wamid, status }], statuses: [] } });
    expect(stack.sandbox.graph.sent).toHaveLength(sentBefore);
  });
});

describe('floods of 10,000 items are answered without a 5xx and leave no trace', () => {
  const COUNT = 10_000;
  const ids = Array.from({ length: COUNT }, (_, i) => `w${i}`);

  /** Small items, so that ten thousand of them fit under the body limit as one webhook. */
  function oneChange(phoneNumberId: string, value: Record<string, unknown>) {
    const body = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [{ id: '200000000000001', changes: [{ field: 'messages', value: { metadata: { phone_number_id: phoneNumberId }, ...value } }] }],
    });
    expect(Buffer.byteLength(body)).toBeLessThan(BODY_LIMIT);
    return body;
  }

  // Numbers nobody asked about before: the routing cache is cold, so every item reaches the lookup at once.
  test('10,000 statuses for an unknown business', async () => {
    const body = oneChange('999999999990001', { statuses: ids.map((id) => ({ id, status: 'read', timestamp: '1764352805' })) });
    const answer = await expectNoTrace([], () => send(body));
    expect(answer.status).toBe(200);
    const report = answer.body as IntakeReport;
    expect(report.statuses).toHaveLength(COUNT);
    expect(new Set(report.statuses.map((s) => s.recorded))).toEqual(new Set(['unknown-business']));
  });

  test.each([
    ['999999999990002', 'unknown-business'],
    [INACTIVE_PHONE_NUMBER_ID, 'inactive-business'],
  ])('10,000 messages for phone_number_id %s', async (phoneNumberId, status) => {
    const body = oneChange(phoneNumberId, {
      messages: ids.map((id) => ({ from: '34600700006', id, timestamp: '1764352805', type: 'text', text: { body: 'hi' } })),
    });
    const answer = await expectNoTrace(ids.slice(0, 3), () => send(body));
    expect(answer.status).toBe(200);
    const report = answer.body as IntakeReport;
    expect(report.messages).toHaveLength(COUNT);
    expect(new Set(report.messages.map((m) => m.status))).toEqual(new Set([status]));
  });

  test('10,000 entries without changes', async () => {
    const body = JSON.stringify({ object: 'whatsapp_business_account', entry: Array.from({ length: COUNT }, () => ({ id: '1' })) });
    const answer = await expectNoTrace([], () => send(body));
    expect(answer).toEqual({ status: 200, body: NOTHING_USABLE });
  });
});

// ---- Genuine messages with unusual text are stored exactly and answered ----

async function answered(wamid: string): Promise<TurnResult> {
  return messageResultOf(stack, messageWorkflowId(wamid));
}

async function storedText(wamid: string): Promise<string> {
  return (await stack.database.db.message.findUniqueOrThrow({ where: { wamid }, select: { text: true } })).text;
}

describe('genuine messages', () => {
  test("Meta's escaped bytes pass the signature and are stored decoded", async () => {
    const text = '¿Tenéis cita mañana a las 17/18h? Café ☕ 😀';
    const { wamid, payload } = demoMessage(text);
    const metaBytes = asMetaSerialises(payload);
    expect(metaBytes).toMatch(/^\p{ASCII}*$/u);
    const answer = await send(metaBytes);
    expect(answer).toEqual({ status: 200, body: { messages: [{ id: wamid, workflowId: messageWorkflowId(wamid), status: 'started' }], statuses: [] } });
    expect((await answered(wamid)).outcome).toBe('replied');
    expect(await storedText(wamid)).toBe(text);
  });

  test('emoji, combining marks and right-to-left text are stored intact, the profile name too', async () => {
    const text = 'مرحبا، أريد حجز موعد غدًا 💇‍♀️👍🏽 שלום עולם 🇪🇸 e\u0301 \u200fok\u200e';
    const name = 'نور 🌸 נועה';
    const { wamid, from } = demoMessage();
    const answer = await sendJson(textMessagePayload({ phoneNumberId: DEMO_PHONE_NUMBER_ID, from, text, wamid, name }));
    expect(answer.status).toBe(200);
    const result = await answered(wamid);
    expect(result.outcome).toBe('replied');
    expect(await storedText(wamid)).toBe(text);
    expect(await stack.database.db.customer.findFirstOrThrow({ where: { waId: from }, select: { profileName: true } })).toEqual({ profileName: name });
    // The offline model quotes the customer: the reply that went out carries the text unharmed.
    const reply = stack.sandbox.graph.sent.find((m) => m.wamid === result.sentMessageIds[0]);
    expect(reply?.text).toContain('مرحبا، أريد حجز موعد غدًا 💇‍♀️👍🏽 שלום עולם 🇪🇸');
  });

  test("a text of 100,000 characters is stored intact and answered within WhatsApp's limits", async () => {
    const alphabet = 'abcdefghijklmnopqrstuvwxyz ÁÉÍÓÚñ 0123456789\n';
    const text = Array.from({ length: 100_000 }, (_, i) => alphabet[i % alphabet.length]).join('');
    const { wamid, payload } = demoMessage(text);
    expect((await sendJson(payload)).status).toBe(200);
    const result = await answered(wamid);
    expect(result.outcome).toBe('replied');
    expect(await storedText(wamid)).toBe(text);
    const replies = stack.sandbox.graph.sent.filter((m) => result.sentMessageIds.includes(m.wamid));
    expect(replies.length).toBeGreaterThan(0);
    for (const reply of replies) expect([...(reply.text ?? '')].length).toBeLessThanOrEqual(4096);
  });

  test('a NUL and lone surrogates (which PostgreSQL and Prisma refuse) are mended; the rest is stored and answered', async () => {
    const { wamid, from, payload } = demoMessage('can I book\u0000 at 5? \ud83d');
    const withName = edited(payload, [...VALUE, 'contacts', 0, 'profile', 'name'], { value: 'Ana\u0000 \udc00' });
    // Escaped as Meta would, since a lone surrogate only reaches us as a \ud83d escape.
    expect((await send(asMetaSerialises(withName))).status).toBe(200);
    expect((await answered(wamid)).outcome).toBe('replied');
    expect(await storedText(wamid)).toBe('can I book at 5? \ufffd');
    expect(await stack.database.db.customer.findFirstOrThrow({ where: { waId: from }, select: { profileName: true } })).toEqual({ profileName: 'Ana \ufffd' });
  });

  test('a message type named like an Object property is treated as unknown', async () => {
    const { wamid, payload } = demoMessage();
    const odd = edited(edited(payload, [...MESSAGE, 'type'], { value: 'constructor' }), [...MESSAGE, 'text'], { remove: true });
    expect((await sendJson(odd)).status).toBe(200);
    await answered(wamid);
    const row = await stack.database.db.message.findUniqueOrThrow({ where: { wamid }, select: { type: true, text: true } });
    expect(row).toEqual({ type: 'unknown', text: '[Sent a constructor message that WhatsApp or this assistant cannot show]' });
  });
});

// ---- Delivery statuses of a real reply ----

describe('delivery statuses', () => {
  /** A reply that really went out, with its wamid and the moment it was recorded as sent. */
  async function aReply(): Promise<{ wamid: string; sentAt: Date }> {
    const { wamid, payload } = demoMessage('status test');
    await sendJson(payload);
    const [replyId] = (await answered(wamid)).sentMessageIds;
    const row = await stack.database.db.message.findUniqueOrThrow({ where: { wamid: replyId! } });
    expect(row.status).toBe('SENT');
    return { wamid: replyId!, sentAt: row.sentAt! };
  }

  const postStatus = (wamid: string, status: string, timestamp: number, errors?: unknown[]) =>
    sendJson(statusPayload(DEMO_PHONE_NUMBER_ID, { wamid, status, timestamp, errors }));

  const reply = (wamid: string) => stack.database.db.message.findUniqueOrThrow({ where: { wamid } });

  test('out of order, each in its own webhook: the status only moves forward and every first moment is kept', async () => {
    const { wamid, sentAt } = await aReply();
    const t = Math.floor(Date.now() / 1000);

    expect((await postStatus(wamid, 'delivered', t + 10)).status).toBe(200);
    expect((await postStatus(wamid, 'sent', t + 5)).status).toBe(200);
    expect(await reply(wamid)).toMatchObject({ status: 'DELIVERED', sentAt, deliveredAt: new Date((t + 10) * 1000) });

    expect((await postStatus(wamid, 'read', t + 30)).status).toBe(200);
    expect((await postStatus(wamid, 'delivered', t + 20)).status).toBe(200);
    expect((await postStatus(wamid, 'sent', t + 5)).status).toBe(200);
    expect(await reply(wamid)).toMatchObject({ status: 'READ', sentAt, deliveredAt: new Date((t + 10) * 1000), readAt: new Date((t + 30) * 1000) });
  });

  test('read before delivered in one webhook ends as read', async () => {
    const { wamid } = await aReply();
    const t = Math.floor(Date.now() / 1000);
    const answer = await sendJson(
      statusPayload(DEMO_PHONE_NUMBER_ID, { wamid, status: 'read', timestamp: t + 20 }, { wamid, status: 'delivered', timestamp: t + 10 }),
    );
    expect(answer).toEqual({
      status: 200,
      body: {
        messages: [],
        statuses: [
          { id: wamid, status: 'read', recorded: 'applied' },
          { id: wamid, status: 'delivered', recorded: 'applied' },
        ],
      },
    });
    expect(await reply(wamid)).toMatchObject({ status: 'READ', deliveredAt: new Date((t + 10) * 1000), readAt: new Date((t + 20) * 1000) });
  });

  test("a failed status is recorded with Meta's error code and title", async () => {
    const { wamid } = await aReply();
    const t = Math.floor(Date.now() / 1000);
    const errors = [
      {
        code: 131047,
        title: 'Re-engagement message',
        message: 'Re-engagement message',
        error_data: { details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.' },
        href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
      },
    ];
    expect((await postStatus(wamid, 'delivered', t + 10)).status).toBe(200);
    expect((await postStatus(wamid, 'failed', t + 40, errors)).status).toBe(200);
    expect(await reply(wamid)).toMatchObject({ status: 'FAILED', errorCode: 131047, errorTitle: 'Re-engagement message', failedAt: new Date((t + 40) * 1000) });
  });

  test('a failed status with only an error message keeps the message as the title', async () => {
    const { wamid } = await aReply();
    const t = Math.floor(Date.now() / 1000);
    expect((await postStatus(wamid, 'failed', t + 40, [{ code: 131026, message: 'Message undeliverable' }])).status).toBe(200);
    expect(await reply(wamid)).toMatchObject({ status: 'FAILED', errorCode: 131026, errorTitle: 'Message undeliverable' });
  });
});

// ---- Property: whatever arrives, the answer is 200, 400 or 401 ----

describe('property: any body, signed or not, is answered with 200, 400 or 401 and the server stays up', () => {
  const PHONE_NUMBER_IDS = [DEMO_PHONE_NUMBER_ID, INACTIVE_PHONE_NUMBER_ID, UNKNOWN_PHONE_NUMBER_ID];
  const started = new Set<string>();

  /** Strings that have broken parsers, databases and Temporal before. */
  const nastyString = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.constantFrom('', '\u0000', 'a\u0000b', '\ud800', '\udfff x', '__proto__', 'constructor', 'toString', 'x'.repeat(3_000), '9'.repeat(40), '-1', ' ', '😀'),
  );
  const anyValue = fc.oneof(nastyString, fc.jsonValue({ maxDepth: 3 }), fc.integer(), fc.double(), fc.constant(null), fc.boolean());

  /** Mostly a plausible value, sometimes a nasty one: enough payloads stay usable to start workflows with nasty text. */
  const mostly = (plausible: fc.Arbitrary<string>) => fc.oneof({ arbitrary: plausible, weight: 5 }, { arbitrary: nastyString, weight: 1 });
  const template = fc.record({
    phoneNumberId: fc.constantFrom(DEMO_PHONE_NUMBER_ID, ...PHONE_NUMBER_IDS),
    from: mostly(fc.stringMatching(/^346\d{8}$/)),
    id: mostly(fc.nat().map((n) => `wamid.property-${n}`)),
    timestamp: mostly(fc.integer({ min: 1_600_000_000, max: 1_900_000_000 }).map(String)),
    type: fc.constantFrom(
      'text',
      'image',
      'interactive',
      'button',
      'location',
      'contacts',
      'reaction',
      'unsupported',
      'sticker',
      'constructor',
      '__proto__',
      'hasOwnProperty',
      'mystery',
    ),
    text: nastyString,
    status: fc.constantFrom('sent', 'delivered', 'read', 'failed', 'deleted'),
    errorCode: fc.oneof(fc.integer({ min: 0, max: 200_000 }), fc.double(), fc.constant(2 ** 40)),
    name: nastyString,
  });
  type Template = typeof template extends fc.Arbitrary<infer T> ? T : never;

  function webhookOf(t: Template) {
    return {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '200000000000001',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '34910000001', phone_number_id: t.phoneNumberId },
                contacts: [{ profile: { name: t.name }, wa_id: t.from }],
                messages: [
                  {
                    from: t.from,
                    id: t.id,
                    timestamp: t.timestamp,
                    type: t.type,
                    text: { body: t.text },
                    image: { caption: t.text, mime_type: 'image/jpeg', id: '1' },
                    interactive: { type: 'button_reply', button_reply: { id: t.text, title: t.text } },
                    button: { text: t.text, payload: t.text },
                    location: { latitude: 40.4, longitude: -3.7, name: t.text },
                    contacts: [{ name: { formatted_name: t.text } }],
                    reaction: { message_id: t.id, emoji: t.text },
                    sticker: { id: '1' },
                    context: { id: t.id, from: t.from },
                  },
                ],
                statuses: [{ id: t.id, status: t.status, timestamp: t.timestamp, recipient_id: t.from, errors: [{ code: t.errorCode, title: t.text }] }],
              },
            },
          ],
        },
      ],
    };
  }

  /** Every path into the template: the places a mutation can strike. */
  function pathsOf(value: unknown, prefix: Path = []): Path[] {
    if (!isContainer(value)) return [];
    return Object.keys(value).flatMap((key) => {
      const path = [...prefix, Array.isArray(value) ? Number(key) : key];
      return [path, ...pathsOf(value[key], path)];
    });
  }
  const PATHS = pathsOf(webhookOf(fc.sample(template, { numRuns: 1, seed: 1 })[0]!));

  const mutation = fc.record({
    path: fc.constantFrom(...PATHS),
    change: fc.oneof(
      fc.constant({ remove: true as const }),
      anyValue.map((value) => ({ value })),
    ),
  });

  const nearlyValid = fc.tuple(template, fc.oneof(fc.constant([]), fc.array(mutation, { maxLength: 3 })), fc.boolean()).map(([t, mutations, escaped]) => {
    const payload = mutations.reduce<unknown>((p, m) => edited(p, m.path, m.change), webhookOf(t));
    return escaped ? asMetaSerialises(payload) : JSON.stringify(payload);
  });
  const randomJson = fc.jsonValue().map((v) => JSON.stringify(v));
  const randomText = fc.string({ unit: 'binary', maxLength: 200 });

  const request = fc.record({
    body: fc.oneof({ arbitrary: nearlyValid, weight: 4 }, { arbitrary: randomJson, weight: 1 }, { arbitrary: randomText, weight: 1 }),
    signature: fc.constantFrom<Signature>('valid', 'valid', 'valid', 'wrong-secret', 'none'),
    contentType: fc.constantFrom('application/json', 'text/plain', null),
  });

  /** What the answer must be: unsigned is 401; signed is 200 exactly when it is a WhatsApp Business Account envelope. */
  function expectedStatus(body: string, signature: Signature): number {
    if (signature !== 'valid') return 401;
    try {
      const parsed = JSON.parse(body) as { object?: unknown; entry?: unknown } | null;
      return parsed?.object === 'whatsapp_business_account' && Array.isArray(parsed.entry) ? 200 : 400;
    } catch {
      return 400;
    }
  }

  test('200 runs with a fixed seed', async () => {
    await fc.assert(
      fc.asyncProperty(request, async ({ body, signature, contentType }) => {
        const answer = await send(body, { signature, contentType });
        expect(answer.status).toBe(expectedStatus(body, signature));
        for (const m of (answer.body as Partial<IntakeReport>).messages ?? []) if (m.status === 'started' && m.workflowId) started.add(m.workflowId);
      }),
      { numRuns: 200, seed: 20261128, endOnFailure: true },
    );
    const health = await fetch(stack.webhookUrl.replace('/webhook', '/healthz'));
    expect(health.status).toBe(200);
  });

  test('every workflow the random payloads started ends with an outcome rather than failing', async () => {
    // The generators are tuned so that some payloads survive validation and reach a worker.
    expect(started.size).toBeGreaterThan(0);
    // Ended, not pending: every turn here finishes within the test.
    const outcomes: TurnOutcome[] = [...TURN_OUTCOMES];
    const results = await Promise.all([...started].map((id) => messageResultOf(stack, id) as Promise<TurnResult>));
    for (const result of results) expect(outcomes).toContain(result.outcome);
  });
});
