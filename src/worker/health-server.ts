// The worker's health check for an orchestrator (docker compose, Kubernetes): the
// worker has no HTTP server of its own, and a process that is alive is not
// necessarily polling. GET /healthz answers 200 only while the worker runs.
import type { State } from '@temporalio/worker';
import { startSidePortServer, type SidePortServer } from '../observability/side-port-server';

export type WorkerHealthServer = SidePortServer;

/** Listens on host:port (port 0: any free one); `state` is the worker's Worker.getState(). */
export async function startWorkerHealthServer({ host, port, state }: { host: string; port: number; state: () => State }): Promise<WorkerHealthServer> {
  return startSidePortServer({
    host,
    port,
    path: '/healthz',
    answer: (response) => {
      const current = state();
      response.writeHead(current === 'RUNNING' ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ state: current }));
    },
  });
}
