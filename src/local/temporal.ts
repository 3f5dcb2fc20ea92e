// The Temporal CLI's dev server, a real Temporal server in one binary (SQLite). No npm or
// Debian package ships it here, so unless `temporal` is on PATH it is built once
// from the Go module proxy into a per-user cache outside the repository (go-install.ts).
// v1.5.1 is the newest tag that `go install` accepts (later ones carry a replace directive).
import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { cacheDir, goInstallOnce, onPath } from './go-install';
import { startProcess, waitFor, type ManagedProcess } from './processes';

export const TEMPORAL_CLI_VERSION = 'v1.5.1';

export function temporalCacheDir(): string {
  return cacheDir(`temporal-${TEMPORAL_CLI_VERSION}`);
}

export async function ensureTemporalCli(log: (line: string) => void = console.log): Promise<string> {
  const explicit = process.env.TEMPORAL_CLI_PATH;
  if (explicit) {
    if (!fs.existsSync(explicit)) throw new Error(`TEMPORAL_CLI_PATH points to ${explicit}, which does not exist`);
    return explicit;
  }
  const fromPath = onPath('temporal');
  if (fromPath) return fromPath;
  const into = temporalCacheDir();
  await goInstallOnce(
    { what: `the Temporal CLI ${TEMPORAL_CLI_VERSION}`, into, packages: [`github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION}`] },
    log,
  );
  return path.join(into, 'temporal');
}

export interface DevServerOptions {
  binary: string;
  port: number;
  uiPort: number;
  dbFile: string;
  namespace: string;
  searchAttributes: Array<{ name: string; type: string }>;
  /** Where the Web UI sends encrypted payloads to be decoded (the API's codec server). */
  uiCodecEndpoint?: string;
  echo?: (line: string) => void;
}

export interface DevServer {
  address: string;
  uiUrl: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

export async function startTemporalDevServer(options: DevServerOptions): Promise<DevServer> {
  fs.mkdirSync(path.dirname(options.dbFile), { recursive: true });
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(options.port),
    '--ui-port',
    String(options.uiPort),
    '--db-filename',
    options.dbFile,
    // SQLite's default rollback journal with a full sync per commit caps the dev server at
    // about 86 workflow starts/s on a 2-core machine; write-ahead logging with normal sync
    // keeps it consistent through a crash of the server process at about 2.6 times that
    // (bench/results; a power cut may lose the last commits, fine for a dev server).
    '--sqlite-pragma',
    'journal_mode=wal',
    '--sqlite-pragma',
    'synchronous=normal',
    '--namespace',
    options.namespace,
    '--log-level',
    'warn',
    ...options.searchAttributes.flatMap(({ name, type }) => ['--search-attribute', `${name}=${type}`]),
    ...(options.uiCodecEndpoint ? ['--ui-codec-endpoint', options.uiCodecEndpoint] : []),
  ];
  const server = startProcess('temporal', options.binary, args, { echo: options.echo });
  const address = `127.0.0.1:${options.port}`;
  await waitForFrontend('the Temporal dev server', address, options.namespace, {
    timeoutMs: 60_000,
    isDead: () => server.exitReason() && `${server.exitReason()}\n${server.recentOutput()}`,
  });
  return { address, uiUrl: `http://127.0.0.1:${options.uiPort}`, process: server, stop: () => server.stop('SIGTERM', 10_000) };
}

/** Waits until a Temporal frontend answers for the namespace (a server answers for its own once every service has joined). */
export async function waitForFrontend(
  what: string,
  address: string,
  namespace: string,
  options: { timeoutMs: number; intervalMs?: number; isDead: () => string | undefined },
): Promise<void> {
  await waitFor(
    what,
    async () => {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        await connection.workflowService.describeNamespace({ namespace });
        return true;
      } finally {
        await connection.close();
      }
    },
    options,
  );
}
