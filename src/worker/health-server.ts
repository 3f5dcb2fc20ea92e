// The worker's health check for an orchestrator (docker compose, Kubernetes): the
// worker has no HTTP server of its own, and a process that is alive is not
// necessarily polling. GET /healthz answers 200 only while the worker runs.
import http from 'node:http';
import type { State } from '@temporalio/worker';

export interface WorkerHealthServer {
  port: number;
  close(): Promise<void>;
}

/** Listens on host:port (port 0: any free one); `state` is the worker's Worker.getState(). */
export async function startWorkerHealthServer({ host, port, state }: { host: string; port: number; state: () => State }): Promise<WorkerHealthServer> {
  const server = http.createServer((request, response) => {
    if (request.method !== 'GET' || request.url !== '/healthz') {
      response.writeHead(404).end();
      return;
    }
    const current = state();
    response.writeHead(current === 'RUNNING' ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ state: current }));
  });
  // Nothing here waits on anyone: a client that does not finish its request is dropped quickly.
  server.requestTimeout = 5_000;
  server.headersTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return {
    port: (server.address() as { port: number }).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
