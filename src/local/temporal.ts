// The Temporal CLI's dev server, a real Temporal server in one binary. No npm or
// Debian package ships it here, so unless `temporal` is on PATH it is built once
// from the Go module proxy into a per-user cache outside the repository.
// v1.5.1 is the newest tag that `go install` accepts (later ones carry a replace directive).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { execFileAsync, startProcess, waitFor, type ManagedProcess } from './processes';

export const TEMPORAL_CLI_VERSION = 'v1.5.1';

export function temporalCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'wa-booking-agent', `temporal-${TEMPORAL_CLI_VERSION}`);
}

function onPath(binary: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = dir && path.join(dir, binary);
    if (candidate && fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

export async function ensureTemporalCli(log: (line: string) => void = console.log): Promise<string> {
  const explicit = process.env.TEMPORAL_CLI_PATH;
  if (explicit) {
    if (!fs.existsSync(explicit)) throw new Error(`TEMPORAL_CLI_PATH points to ${explicit}, which does not exist`);
    return explicit;
  }
  const fromPath = onPath('temporal');
  if (fromPath) return fromPath;

  const cacheDir = temporalCacheDir();
  const cached = path.join(cacheDir, 'temporal');
  if (fs.existsSync(cached)) return cached;

  const go = onPath('go') ?? (fs.existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
  if (!go) {
    throw new Error(
      'The Temporal CLI is not on PATH and Go is not installed to build it. Install one of them ' +
        '(https://docs.temporal.io/cli or https://go.dev/dl), or set TEMPORAL_CLI_PATH.',
    );
  }
  log(`Building the Temporal CLI ${TEMPORAL_CLI_VERSION} once with Go into ${cacheDir} (a few minutes)…`);
  // Build into a private directory and rename, so two concurrent first runs cannot see half a binary.
  fs.mkdirSync(cacheDir, { recursive: true });
  const staging = fs.mkdtempSync(path.join(cacheDir, 'build-'));
  try {
    await execFileAsync(go, ['install', `github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION}`], {
      env: { ...process.env, GOBIN: staging, CGO_ENABLED: '0' },
      maxBuffer: 64 * 1024 * 1024,
    });
    fs.renameSync(path.join(staging, 'temporal'), cached);
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? '';
    throw new Error(`Building the Temporal CLI failed: ${(err as Error).message}\n${stderr.slice(-2000)}`);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  log('Temporal CLI built.');
  return cached;
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
  await waitFor(
    'the Temporal dev server',
    async () => {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        await connection.workflowService.describeNamespace({ namespace: options.namespace });
        return true;
      } finally {
        await connection.close();
      }
    },
    { timeoutMs: 60_000, isDead: () => server.exitReason() && `${server.exitReason()}\n${server.recentOutput()}` },
  );
  return { address, uiUrl: `http://127.0.0.1:${options.uiPort}`, process: server, stop: () => server.stop('SIGTERM', 10_000) };
}
