// The worker's health endpoint: 200 only while the worker runs, on a real socket.
import type { State } from '@temporalio/worker';
import { startWorkerHealthServer, type WorkerHealthServer } from '../../src/worker/health-server';

let state: State = 'INITIALIZED';
let server: WorkerHealthServer;

beforeAll(async () => {
  server = await startWorkerHealthServer({ host: '127.0.0.1', port: 0, state: () => state });
});
afterAll(() => server.close());

const url = (pathname: string) => `http://127.0.0.1:${server.port}${pathname}`;

test.each<[State, number]>([
  ['INITIALIZED', 503],
  ['RUNNING', 200],
  ['STOPPING', 503],
  ['DRAINING', 503],
  ['DRAINED', 503],
  ['STOPPED', 503],
  ['FAILED', 503],
])('%s answers %i', async (current, status) => {
  state = current;
  const response = await fetch(url('/healthz'));
  expect(response.status).toBe(status);
  expect(await response.json()).toEqual({ state: current });
});

test.each([
  ['GET', '/'],
  ['GET', '/healthz/x'],
  ['POST', '/healthz'],
])('%s %s is not found', async (method, pathname) => {
  state = 'RUNNING';
  expect((await fetch(url(pathname), { method })).status).toBe(404);
});
