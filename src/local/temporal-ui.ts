// The Temporal Web UI as its own server (temporalio/ui-server, the program inside
// the temporalio/ui image), for a Temporal server that has no UI built in: the
// one on PostgreSQL (temporal-server.ts). The same release the CLI's dev server embeds.
import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { cacheDir, goInstallOnce } from './go-install';
import { startProcess, waitFor, type ManagedProcess } from './processes';

export const TEMPORAL_UI_VERSION = 'v2.42.1';

export async function ensureTemporalUi(log: (line: string) => void = console.log): Promise<string> {
  const into = cacheDir(`temporal-ui-${TEMPORAL_UI_VERSION}`);
  await goInstallOnce(
    { what: `the Temporal Web UI ${TEMPORAL_UI_VERSION}`, into, packages: [`github.com/temporalio/ui-server/v2/cmd/server@${TEMPORAL_UI_VERSION}`] },
    log,
  );
  return path.join(into, 'server');
}

export interface TemporalUiOptions {
  binary: string;
  temporalAddress: string;
  port: number;
  namespace: string;
  rootDir: string;
  /** The API's codec server; the UI sends the signed-in console user's cookies with each request to it. */
  codecEndpoint?: string;
  echo?: (line: string) => void;
}

export interface TemporalUi {
  url: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

export async function startTemporalUi(options: TemporalUiOptions): Promise<TemporalUi> {
  const url = `http://127.0.0.1:${options.port}`;
  const config = {
    temporalGrpcAddress: options.temporalAddress,
    host: '127.0.0.1',
    port: options.port,
    enableUi: true,
    defaultNamespace: options.namespace,
    notifyOnNewVersion: false,
    // Its access log would print a line for every request the browser makes.
    hideLogs: true,
    // Plain HTTP on this machine only; the UI's CSRF cookie would otherwise need HTTPS.
    cors: { allowOrigins: [url, `http://localhost:${options.port}`], cookieInsecure: true },
    ...(options.codecEndpoint ? { codec: { endpoint: options.codecEndpoint, includeCredentials: true } } : {}),
  };
  const configDir = path.join(options.rootDir, 'config');
  fs.mkdirSync(configDir, { recursive: true });
  fs.writeFileSync(path.join(configDir, 'development.yaml'), stringify(config));
  const ui = startProcess('temporal-ui', options.binary, ['--root', options.rootDir, '--config', 'config', '--env', 'development', 'start'], {
    echo: options.echo,
  });
  await waitFor('the Temporal Web UI', async () => ((await fetch(`${url}/api/v1/settings`)).ok ? true : undefined), {
    timeoutMs: 30_000,
    isDead: () => ui.exitReason() && `${ui.exitReason()}\n${ui.recentOutput()}`,
  });
  return { url, process: ui, stop: () => ui.stop('SIGTERM', 5_000) };
}
