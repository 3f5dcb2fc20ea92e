// A tiny HTTP server on a port of its own, for what orchestrators and scrapers
// read beside the service (the worker's health check, the metrics): one GET
// path, everything else 404, and clients that do not finish a request within
// seconds are dropped, since nothing here waits on anyone.
import http from 'node:http';

export interface SidePortServer {
  port: number;
  close(): Promise<void>;
}

export interface SidePortOptions {
  host: string;
  /** 0: any free port (tests). */
  port: number;
  /** The one path served to GET, e.g. "/healthz". */
  path: string;
  answer(response: http.ServerResponse): void;
}

export async function startSidePortServer({ host, port, path, answer }: SidePortOptions): Promise<SidePortServer> {
  const server = http.createServer((request, response) => {
    if (request.method !== 'GET' || new URL(request.url ?? '/', 'http://side-port').pathname !== path) {
      response.writeHead(404).end();
      return;
    }
    answer(response);
  });
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
