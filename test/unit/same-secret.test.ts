// The webhook's verify token is compared in constant time: the comparison itself,
// and the handshake route using it.
import crypto from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { webhookRoutes } from '../../src/api/webhook-routes';
import { sameSecret } from '../../src/crypto/same-secret';

const TOKEN = 'unit-verify-token-3f9a';

describe('sameSecret', () => {
  test.each<[string, unknown, boolean]>([
    ['the same string', TOKEN, true],
    ['the last character different', `${TOKEN.slice(0, -1)}b`, false],
    ['the first character different', `X${TOKEN.slice(1)}`, false],
    ['one character short', TOKEN.slice(0, -1), false],
    ['one character more', `${TOKEN}a`, false],
    ['much longer', TOKEN.repeat(100), false],
    ['another case', TOKEN.toUpperCase(), false],
    ['empty', '', false],
    ['with a trailing newline', `${TOKEN}\n`, false],
    ['an array of the right one', [TOKEN], false],
    ['undefined', undefined, false],
    ['a number', 42, false],
  ])('%s', (_label, given, expected) => {
    expect(sameSecret(given, TOKEN)).toBe(expected);
  });

  test('non-ASCII secrets compare by their bytes', () => {
    expect(sameSecret('contraseña-ü', 'contraseña-ü')).toBe(true);
    expect(sameSecret('contrasena-u', 'contraseña-ü')).toBe(false);
  });

  test('the bytes compared have the same length whatever was sent, so the length of the secret does not show', () => {
    const spy = jest.spyOn(crypto, 'timingSafeEqual');
    try {
      sameSecret('x', TOKEN);
      sameSecret(TOKEN.repeat(50), TOKEN);
      expect(spy.mock.calls.map(([a, b]) => [a.byteLength, b.byteLength])).toEqual([
        [32, 32],
        [32, 32],
      ]);
    } finally {
      spy.mockRestore();
    }
  });
});

describe("the webhook's verification handshake", () => {
  let app: FastifyInstance;
  let baseUrl: string;
  const untouchable = new Proxy(
    {},
    {
      get: () => {
        throw new Error('the handshake touched a dependency');
      },
    },
  ) as never;

  beforeAll(async () => {
    app = Fastify({ logger: false });
    await app.register(webhookRoutes, {
      appSecret: 'unit-app-secret',
      verifyToken: TOKEN,
      bodyLimit: 1024,
      maxInFlight: 1,
      taskQueue: 'unit',
      db: untouchable,
      temporal: untouchable,
      businesses: untouchable,
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    baseUrl = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  });

  afterAll(() => app.close());

  async function handshake(token: string): Promise<{ status: number; body: string }> {
    const query = new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.verify_token': token, 'hub.challenge': '1158201444' });
    const response = await fetch(`${baseUrl}/webhook?${query}`);
    return { status: response.status, body: await response.text() };
  }

  test('the right token is accepted, and compared with timingSafeEqual', async () => {
    const spy = jest.spyOn(crypto, 'timingSafeEqual');
    try {
      expect(await handshake(TOKEN)).toEqual({ status: 200, body: '1158201444' });
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });

  test.each([
    ['the last character different', `${TOKEN.slice(0, -1)}b`],
    ['one character short', TOKEN.slice(0, -1)],
    ['one character more', `${TOKEN}a`],
    ['another case', TOKEN.toUpperCase()],
    ['empty', ''],
  ])('a near miss (%s) is refused, also compared in constant time', async (_label, token) => {
    const spy = jest.spyOn(crypto, 'timingSafeEqual');
    try {
      expect(await handshake(token)).toEqual({ status: 403, body: 'Forbidden' });
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });
});
