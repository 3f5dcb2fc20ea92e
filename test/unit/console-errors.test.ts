// The console's answers to failed requests (src/api/admin/errors.ts): nothing
// of a server failure reaches the browser; refusals keep their shape.
import Fastify, { type FastifyInstance } from 'fastify';
import { Writable } from 'node:stream';
import { consoleErrorHandler, SERVER_FAILURE } from '../../src/api/admin/errors';

let app: FastifyInstance;
let origin: string;
const logged: string[] = [];

beforeAll(async () => {
  const stream = new Writable({ write: (chunk, _encoding, done) => (logged.push(String(chunk)), done()) });
  app = Fastify({ logger: { level: 'error', stream } });
  app.setErrorHandler(consoleErrorHandler);
  app.get('/database-failure', async () => {
    throw new Error('Invalid `tx.business.findUniqueOrThrow()` invocation in /srv/app/src/api/admin/prompt-routes.ts:42');
  });
  app.get('/refused', async () => {
    throw Object.assign(new Error('Invalid csrf token'), { statusCode: 403, code: 'FST_CSRF_INVALID_TOKEN' });
  });
  app.get('/rate-limited', async () => {
    throw { statusCode: 429, error: 'Too many sign-in attempts from this address. Wait 60 seconds and try again.' };
  });
  app.post('/json', async () => ({ ok: true }));
  origin = await app.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(() => app.close());

test('a server failure answers one sentence and logs the detail', async () => {
  const response = await fetch(`${origin}/database-failure`);
  expect(response.status).toBe(500);
  expect(await response.json()).toEqual({ error: SERVER_FAILURE });
  expect(logged.join('')).toContain('findUniqueOrThrow');
});

test("Fastify's refusals keep their code, which the pages read", async () => {
  const response = await fetch(`${origin}/refused`);
  expect(response.status).toBe(403);
  expect(await response.json()).toEqual({ statusCode: 403, code: 'FST_CSRF_INVALID_TOKEN', error: 'Forbidden', message: 'Invalid csrf token' });
});

test('the rate limit answer is sent as built', async () => {
  const response = await fetch(`${origin}/rate-limited`);
  expect(response.status).toBe(429);
  expect(await response.json()).toEqual({ statusCode: 429, error: expect.stringContaining('Wait 60 seconds') });
});

test('a malformed body is a 400 that says so', async () => {
  const response = await fetch(`${origin}/json`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"broken"' });
  expect(response.status).toBe(400);
  expect(await response.json()).toMatchObject({ statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' });
});
