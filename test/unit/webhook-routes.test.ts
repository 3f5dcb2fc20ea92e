import Fastify, { type FastifyInstance } from 'fastify';
import { webhookRoutes } from '../../src/api/webhook-routes';
import { signBody } from '../../src/whatsapp/signature';

const APP_SECRET = 'unit-app-secret';
const VERIFY_TOKEN = 'unit-verify-token';
const BODY_LIMIT = 2048;

/** Every property access on a dependency is recorded and throws: nothing may touch them before the signature passes. */
const touched: string[] = [];
function trap(name: string): never {
  return new Proxy(
    {},
    {
      get(_target, property) {
        touched.push(`${name}.${String(property)}`);
        throw new Error(`${name}.${String(property)} was touched`);
      },
    },
  ) as never;
}

let app: FastifyInstance;
let baseUrl: string;

beforeAll(async () => {
  app = Fastify({ logger: false });
  await app.register(webhookRoutes, {
    appSecret: APP_SECRET,
    verifyToken: VERIFY_TOKEN,
    bodyLimit: BODY_LIMIT,
    maxInFlight: 10,
    taskQueue: 'unit-queue',
    db: trap('db'),
    temporal: trap('temporal'),
    businesses: trap('businesses'),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  baseUrl = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
});

afterAll(async () => {
  await app.close();
});

beforeEach(() => {
  touched.length = 0;
});

const PAGE = '{"object":"page","entry":[]}';
const EMPTY_WHATSAPP = '{"object":"whatsapp_business_account","entry":[]}';
const ONE_MESSAGE = JSON.stringify({
  object: 'whatsapp_business_account',
  entry: [
    {
      id: 'waba',
      changes: [
        {
          field: 'messages',
          value: {
            metadata: { phone_number_id: '100000000000001' },
            contacts: [{ wa_id: '34600111222', profile: { name: 'Ana' } }],
            messages: [{ id: 'wamid.1', from: '34600111222', timestamp: '1718000000', type: 'text', text: { body: 'Hola' } }],
          },
        },
      ],
    },
  ],
});

interface Answer {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** A real HTTP request to the listening app. */
async function send(method: 'GET' | 'POST', url: string, body?: string, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(`${baseUrl}${url}`, { method, headers, body });
  return { statusCode: response.status, headers: Object.fromEntries(response.headers), body: await response.text() };
}

function post(body: string | undefined, headers: Record<string, string> = {}): Promise<Answer> {
  return send('POST', '/webhook', body, headers);
}

const signed = (body: string, contentType = 'application/json') => ({ 'content-type': contentType, 'x-hub-signature-256': signBody(body, APP_SECRET) });

describe('GET /webhook (verification handshake)', () => {
  const query = (params: Record<string, string>) => new URLSearchParams(params).toString();

  test('the correct token echoes the challenge as text/plain', async () => {
    const res = await send('GET', `/webhook?${query({ 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': '1158201444' })}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toBe('1158201444');
  });

  test('the challenge is echoed verbatim, not JSON-encoded', async () => {
    const res = await send('GET', `/webhook?${query({ 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': 'abc "x" {}' })}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('abc "x" {}');
  });

  test.each<[string, Record<string, string>]>([
    ['a wrong token', { 'hub.mode': 'subscribe', 'hub.verify_token': 'wrong', 'hub.challenge': '42' }],
    ['a token in another case', { 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN.toUpperCase(), 'hub.challenge': '42' }],
    ['a token with a prefix of the right one', { 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN.slice(0, -1), 'hub.challenge': '42' }],
    ['an empty token', { 'hub.mode': 'subscribe', 'hub.verify_token': '', 'hub.challenge': '42' }],
    ['no token', { 'hub.mode': 'subscribe', 'hub.challenge': '42' }],
    ['a wrong mode', { 'hub.mode': 'unsubscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': '42' }],
    ['a mode in another case', { 'hub.mode': 'SUBSCRIBE', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': '42' }],
    ['no mode', { 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': '42' }],
    ['no challenge', { 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN }],
    ['an empty challenge', { 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': '' }],
    ['parameters without the hub. prefix', { mode: 'subscribe', verify_token: VERIFY_TOKEN, challenge: '42' }],
    ['no parameters at all', {}],
  ])('%s → 403', async (_label, params) => {
    const res = await send('GET', `/webhook?${query(params)}`);
    expect(res.statusCode).toBe(403);
    expect(res.body).toBe('Forbidden');
    expect(res.body).not.toContain('42');
  });

  test('a repeated verify token (array) is refused', async () => {
    const res = await send('GET', `/webhook?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=42`);
    expect(res.statusCode).toBe(403);
  });

  // A repeated parameter parses as an array: refused like any malformed handshake.
  test('a repeated challenge (array) is refused with 403, not a 500', async () => {
    const res = await send('GET', `/webhook?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1&hub.challenge=2`);
    expect(res.statusCode).toBe(403);
  });

  test('the handshake touches no dependency', async () => {
    await send('GET', `/webhook?${query({ 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': '1' })}`);
    await send('GET', '/webhook');
    expect(touched).toEqual([]);
  });
});

describe('POST /webhook (signature gate)', () => {
  afterEach(() => {
    // Nothing before a passing signature may reach the database, Temporal or the directory.
    expect(touched).toEqual([]);
  });

  test.each<[string, string | undefined, Record<string, string>]>([
    ['no signature header', EMPTY_WHATSAPP, { 'content-type': 'application/json' }],
    ['no signature and no body', undefined, {}],
    ['no signature and no body, with a JSON content type', undefined, { 'content-type': 'application/json' }],
    ['an empty signature header', EMPTY_WHATSAPP, { 'content-type': 'application/json', 'x-hub-signature-256': '' }],
    [
      'a signature made with the wrong secret',
      EMPTY_WHATSAPP,
      { 'content-type': 'application/json', 'x-hub-signature-256': signBody(EMPTY_WHATSAPP, 'wrong-secret') },
    ],
    ['a signature of another body', EMPTY_WHATSAPP, { 'content-type': 'application/json', 'x-hub-signature-256': signBody(PAGE, APP_SECRET) }],
    [
      'the bare digest without sha256=',
      EMPTY_WHATSAPP,
      { 'content-type': 'application/json', 'x-hub-signature-256': signBody(EMPTY_WHATSAPP, APP_SECRET).slice(7) },
    ],
    ['a SHA-1 style header', EMPTY_WHATSAPP, { 'content-type': 'application/json', 'x-hub-signature-256': `sha1=${'0'.repeat(40)}` }],
    ['the old X-Hub-Signature header only', EMPTY_WHATSAPP, { 'content-type': 'application/json', 'x-hub-signature': signBody(EMPTY_WHATSAPP, APP_SECRET) }],
    ['a wrong signature over malformed JSON', '{not json', { 'content-type': 'application/json', 'x-hub-signature-256': signBody('{not json', 'wrong') }],
    ['a wrong signature over text/plain', EMPTY_WHATSAPP, { 'content-type': 'text/plain', 'x-hub-signature-256': signBody(EMPTY_WHATSAPP, 'wrong') }],
  ])('%s → 401', async (_label, body, headers) => {
    const res = await post(body, headers);
    expect(res.statusCode).toBe(401);
    expect(JSON.parse(res.body)).toEqual({ error: 'Invalid or missing X-Hub-Signature-256' });
  });

  test('a signature over a body re-serialised by a proxy (\\u00e9 → é) → 401', async () => {
    const sent = '{"object":"whatsapp_business_account","entry":[],"note":"caf\\u00e9"}';
    const reserialised = JSON.stringify(JSON.parse(sent));
    expect(reserialised).not.toBe(sent);
    const res = await post(reserialised, { 'content-type': 'application/json', 'x-hub-signature-256': signBody(sent, APP_SECRET) });
    expect(res.statusCode).toBe(401);
  });

  test.each<[string, string]>([
    ['truncated JSON', '{"object":"whatsapp_business_account","entry":['],
    ['not JSON at all', 'hello'],
    ['an empty body', ''],
    ['a form-encoded body', 'object=whatsapp_business_account'],
    ['JSON with a trailing comma', '{"object":"whatsapp_business_account","entry":[],}'],
  ])('a valid signature over %s → 400 (not valid JSON)', async (_label, body) => {
    const res = await post(body, signed(body));
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body)).toEqual({ error: 'Body is not valid JSON' });
  });

  test.each<[string, string, string]>([
    ['{"object":"page"}', '{"object":"page"}', 'application/json'],
    ['{"object":"page"} with entries', PAGE, 'application/json'],
    ['an instagram payload', '{"object":"instagram","entry":[]}', 'application/json'],
    ['JSON null', 'null', 'application/json'],
    ['a JSON array', '[]', 'application/json'],
    ['a JSON string', '"whatsapp_business_account"', 'application/json'],
    ['a JSON number', '42', 'application/json'],
    ['an envelope without entry', '{"object":"whatsapp_business_account"}', 'application/json'],
    ['a non-WhatsApp payload sent as text/plain (checked, not refused with 415)', PAGE, 'text/plain'],
    ['a non-WhatsApp payload sent as application/octet-stream', PAGE, 'application/octet-stream'],
    ['a non-WhatsApp payload sent as application/x-www-form-urlencoded', PAGE, 'application/x-www-form-urlencoded'],
    ['a non-WhatsApp payload with a charset parameter', PAGE, 'application/json; charset=utf-8'],
  ])('a valid signature over %s → 400 (not a WhatsApp payload)', async (_label, body, contentType) => {
    const res = await post(body, signed(body, contentType));
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body)).toEqual({ error: 'Not a WhatsApp Business Account webhook payload' });
  });

  test('an uppercase-hex signature is accepted like the lowercase one', async () => {
    const res = await post(PAGE, { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${signBody(PAGE, APP_SECRET).slice(7).toUpperCase()}` });
    expect(res.statusCode).toBe(400); // past the signature gate, refused as a non-WhatsApp payload
  });

  test('a valid signature over an empty WhatsApp payload → 200 with an empty report', async () => {
    const res = await post(EMPTY_WHATSAPP, signed(EMPTY_WHATSAPP));
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ messages: [], statuses: [] });
  });

  test('a valid WhatsApp payload sent as text/plain is accepted too', async () => {
    const res = await post(EMPTY_WHATSAPP, signed(EMPTY_WHATSAPP, 'text/plain'));
    expect(res.statusCode).toBe(200);
  });

  describe('body limit', () => {
    const tooLarge = JSON.stringify({ object: 'whatsapp_business_account', entry: [], padding: 'x'.repeat(BODY_LIMIT) });
    const atLimit = `{"p":"${'x'.repeat(BODY_LIMIT - 8)}"}`;

    test('sanity: sizes', () => {
      expect(Buffer.byteLength(tooLarge)).toBeGreaterThan(BODY_LIMIT);
      expect(Buffer.byteLength(atLimit)).toBe(BODY_LIMIT);
    });

    test.each<[string, Record<string, string>]>([
      ['with a valid signature', signed(tooLarge)],
      ['without a signature', { 'content-type': 'application/json' }],
      ['as text/plain', signed(tooLarge, 'text/plain')],
    ])('a body larger than bodyLimit %s → 413', async (_label, headers) => {
      const res = await post(tooLarge, headers);
      expect(res.statusCode).toBe(413);
    });

    test('one byte over the limit → 413', async () => {
      const body = `${atLimit} `;
      const res = await post(body, signed(body));
      expect(res.statusCode).toBe(413);
    });

    test('a body of exactly bodyLimit bytes reaches the signature check', async () => {
      expect((await post(atLimit, { 'content-type': 'application/json' })).statusCode).toBe(401);
      expect((await post(atLimit, signed(atLimit))).statusCode).toBe(400);
    });
  });
});

describe('after the signature passes', () => {
  test('a payload with a message is processed: the dependencies are used (here they throw → 503)', async () => {
    const res = await post(ONE_MESSAGE, signed(ONE_MESSAGE));
    expect(res.statusCode).toBe(503);
    expect(JSON.parse(res.body)).toEqual({ error: 'Temporarily unable to accept the webhook' });
    expect(touched).toContain('businesses.lookup');
  });

  test('the same payload with a wrong signature touches nothing', async () => {
    const res = await post(ONE_MESSAGE, { 'content-type': 'application/json', 'x-hub-signature-256': signBody(ONE_MESSAGE, 'wrong') });
    expect(res.statusCode).toBe(401);
    expect(touched).toEqual([]);
  });
});
