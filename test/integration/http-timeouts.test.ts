// A slow or stalled client cannot hold a connection to the API: the app's real
// server, with short limits from the configuration, cuts a request whose headers
// or body never finish, a silent connection and an idle kept-alive one.
import net from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app';
import { loadConfig } from '../../src/config';
import { TEST_APP_SECRET, TEST_VERIFY_TOKEN, useStack } from '../support/stack';

jest.setTimeout(60_000);

const REQUEST_TIMEOUT_MS = 1_000;
const IDLE_TIMEOUT_MS = 20_000;
const KEEP_ALIVE_TIMEOUT_MS = 500;
/** Far past every deadline here, so a busy machine's scheduling cannot make a closed connection look like an open one. */
const LONG_AFTER_MS = 8 * REQUEST_TIMEOUT_MS;

let app: FastifyInstance;
let port: number;

const stack = useStack({}, { beforeStop: async () => void (await app?.close()) });

beforeAll(async () => {
  const config = loadConfig({
    NODE_ENV: 'development',
    APP_SECRET: TEST_APP_SECRET,
    VERIFY_TOKEN: TEST_VERIFY_TOKEN,
    TEMPORAL_TASK_QUEUE: stack.taskQueue,
    LOG_LEVEL: 'silent',
    HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    HTTP_IDLE_TIMEOUT_MS: String(IDLE_TIMEOUT_MS),
    HTTP_KEEP_ALIVE_TIMEOUT_MS: String(KEEP_ALIVE_TIMEOUT_MS),
  });
  app = await buildApp({ config, db: stack.database.db, temporal: stack.temporal });
  await app.listen({ host: '127.0.0.1', port: 0 });
  port = (app.server.address() as net.AddressInfo).port;
});

interface Conversation {
  socket: net.Socket;
  /** Everything the server sent. */
  received(): string;
  /** Milliseconds from connecting until the server closed the connection. */
  closed: Promise<number>;
}

async function connect(): Promise<Conversation> {
  const socket = net.connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  const started = Date.now();
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  socket.on('error', () => undefined);
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now() - started)));
  return { socket, received: () => received, closed };
}

/** Writes the parts one by one, `gapMs` apart, while the connection is open; true if the server let it write them all. */
async function trickle(conversation: Conversation, parts: string[], gapMs: number): Promise<boolean> {
  for (const part of parts) {
    if (conversation.socket.destroyed) return false;
    conversation.socket.write(part);
    await new Promise((resolve) => setTimeout(resolve, gapMs));
  }
  return !conversation.socket.destroyed;
}

/** How long the server took to close the connection, or Infinity if it was still open long after every deadline. */
async function closedWithin(conversation: Conversation): Promise<number> {
  const stillOpen = new Promise<number>((resolve) => setTimeout(() => resolve(Infinity), LONG_AFTER_MS).unref());
  return Promise.race([conversation.closed, stillOpen]);
}

test('a complete request on a fresh connection is answered as usual', async () => {
  const response = await fetch(`http://127.0.0.1:${port}/healthz`);
  expect(response.status).toBe(200);
});

test('headers sent a line at a time, never finished, are cut off at the request deadline with 408', async () => {
  const conversation = await connect();
  const headerLines = ['GET /healthz HTTP/1.1\r\n', 'Host: 127.0.0.1\r\n', ...Array.from({ length: 40 }, (_, i) => `X-Slow-${i}: ${i}\r\n`)];
  // 8 s of writing: the server must cut it off well before the client is done.
  const wroteAll = trickle(conversation, headerLines, 200);
  const closedAfter = await conversation.closed;
  expect(closedAfter).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 100);
  await expect(wroteAll).resolves.toBe(false);
  expect(conversation.received()).toMatch(/^HTTP\/1\.1 408 /);
});

test('a body that never arrives in full is cut off at the request deadline', async () => {
  const conversation = await connect();
  conversation.socket.write(
    'POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-Hub-Signature-256: sha256=00\r\nContent-Length: 1000\r\n\r\n',
  );
  const wroteAll = trickle(
    conversation,
    Array.from({ length: 40 }, () => '{'),
    200,
  );
  await conversation.closed;
  await expect(wroteAll).resolves.toBe(false);
  expect(conversation.received()).not.toMatch(/^HTTP\/1\.1 200 /);
});

test('a connection that never sends anything is closed', async () => {
  const conversation = await connect();
  expect(await closedWithin(conversation)).toBeLessThan(Infinity);
  expect(conversation.received()).not.toMatch(/^HTTP\/1\.1 200 /);
});

test('a kept-alive connection left idle after its response is closed after the keep-alive timeout', async () => {
  const conversation = await connect();
  conversation.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n');
  const closedAfter = await closedWithin(conversation);
  expect(conversation.received()).toMatch(/^HTTP\/1\.1 200 /);
  expect(conversation.received()).toMatch(/keep-alive/i);
  // Closed by the keep-alive timeout (0.5 s, plus the 1 s Node adds against races with a client reusing it): the idle
  // timeout (20 s) is far past the 8 s this waits.
  expect(closedAfter).toBeGreaterThanOrEqual(KEEP_ALIVE_TIMEOUT_MS);
  expect(closedAfter).toBeLessThan(Infinity);
});

test('a connection silent both ways (a handler that never answers) is closed after the idle timeout', () => {
  // Only reachable through a route that hangs, which the app does not have: the server's socket timeout is what does it.
  expect(app.server.timeout).toBe(IDLE_TIMEOUT_MS);
});
