// The worker process started from its real entry point answers its health check on
// WORKER_HEALTH_PORT while it polls, and stops answering when it has stopped.
import { findFreePort, waitFor } from '../../src/local/processes';
import { startWorkerProcess, type ServiceProcess } from '../support/processes';
import { useStack } from '../support/stack';

jest.setTimeout(120_000);

let worker: ServiceProcess | undefined;
const stack = useStack({ inProcessWorker: false }, { beforeStop: async () => worker?.kill('SIGKILL') });

test('200 while the worker polls; nothing listens once it has stopped', async () => {
  const port = await findFreePort();
  worker = await startWorkerProcess({ ...stack.workerProcessEnv(), HOST: '127.0.0.1', WORKER_HEALTH_PORT: String(port) });
  const healthz = `http://127.0.0.1:${port}/healthz`;
  const answer = await waitFor('the worker to be healthy', async () => {
    const response = await fetch(healthz);
    return response.status === 200 ? ((await response.json()) as unknown) : undefined;
  });
  expect(answer).toEqual({ state: 'RUNNING' });

  worker.kill('SIGTERM');
  expect(await worker.exited).toBe(0);
  await expect(fetch(healthz)).rejects.toThrow();
});

test('without WORKER_HEALTH_PORT there is no health server', async () => {
  const env = stack.workerProcessEnv();
  expect(env).not.toHaveProperty('WORKER_HEALTH_PORT');
  worker = await startWorkerProcess(env);
  expect(worker.output()).toMatch(/Worker polling/);
  expect(worker.output()).not.toMatch(/"healthPort"/);
  worker.kill('SIGTERM');
  expect(await worker.exited).toBe(0);
});
