// The Temporal server itself (not the CLI's dev server), on PostgreSQL: the same
// binary and SQL schema a production cluster runs, built here from the Go module
// proxy (go-install.ts) and started against the project's PostgreSQL with its own
// two databases, one for persistence and one for visibility.
// `npm run dev -- --temporal=postgres`, `npm run test:scale` and `npm run bench` use it.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { stringify } from 'yaml';
import { cacheDir, goInstallOnce } from './go-install';
import { execFileAsync, findFreePort, startProcess, type ManagedProcess } from './processes';
import { waitForFrontend } from './temporal';

export const TEMPORAL_SERVER_VERSION = 'v1.29.1';
const SQL_PLUGIN = 'postgres12';

export interface TemporalServerBuild {
  server: string;
  sqlTool: string;
  /** The server's PostgreSQL schema files (temporal/versioned, visibility/versioned), copied from its module. */
  schemaDir: string;
}

/** The server and its schema tool, built once into the cache with the schema they go with. */
export async function ensureTemporalServer(log: (line: string) => void = console.log): Promise<TemporalServerBuild> {
  const into = cacheDir(`temporal-server-${TEMPORAL_SERVER_VERSION}`);
  const module = `go.temporal.io/server@${TEMPORAL_SERVER_VERSION}`;
  await goInstallOnce(
    {
      what: `the Temporal server ${TEMPORAL_SERVER_VERSION} and its SQL schema tool`,
      into,
      // The module has no replace directives, so `go install` builds it as released.
      packages: [`go.temporal.io/server/cmd/server@${TEMPORAL_SERVER_VERSION}`, `go.temporal.io/server/cmd/tools/sql@${TEMPORAL_SERVER_VERSION}`],
      async finish(staging, go) {
        // The schema tool reads the versioned upgrades from a directory, as in the admin-tools image.
        const { stdout } = await execFileAsync(go, ['mod', 'download', '-json', module]);
        const moduleDir = (JSON.parse(stdout) as { Dir: string }).Dir;
        fs.cpSync(path.join(moduleDir, 'schema', 'postgresql', 'v12'), path.join(staging, 'schema'), { recursive: true });
        // The module cache is read-only; the copies need not be.
        fs.chmodSync(path.join(staging, 'schema'), 0o755);
      },
    },
    log,
  );
  return {
    server: path.join(into, 'server'),
    sqlTool: path.join(into, 'sql'),
    schemaDir: path.join(into, 'schema'),
  };
}

export interface PostgresLogin {
  host: string;
  port: number;
  user: string;
  password?: string;
}

/** The login in a postgresql:// URL (the project's DATABASE_URL): Temporal uses the same server with databases of its own. */
export function postgresLogin(databaseUrl: string): PostgresLogin {
  const url = new URL(databaseUrl);
  return {
    host: url.hostname || '127.0.0.1',
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username || 'postgres'),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
  };
}

export interface TemporalDatabases {
  persistence: string;
  visibility: string;
}

/** The script the compose file's schema job runs (Temporal's own tool and steps), run here with the tool built above. */
export const SETUP_SCHEMA_SCRIPT = path.resolve(__dirname, '..', '..', 'docker', 'temporal', 'setup-schema.sh');

/**
 * Creates the two databases if missing and brings their schemas to this server's
 * version: the schema tool's create-database, setup-schema -v 0.0 (version tables)
 * and update-schema over the versioned directory. Run again, it changes nothing.
 */
export async function setUpTemporalSchema(build: TemporalServerBuild, login: PostgresLogin, databases: TemporalDatabases): Promise<void> {
  const env = {
    ...process.env,
    SQL_TOOL: build.sqlTool,
    SCHEMA_DIR: build.schemaDir,
    SQL_PLUGIN,
    SQL_HOST: login.host,
    SQL_PORT: String(login.port),
    SQL_USER: login.user,
    // Through the environment, not the command line (which `ps` shows).
    SQL_PASSWORD: login.password ?? '',
    TEMPORAL_DB: databases.persistence,
    TEMPORAL_VISIBILITY_DB: databases.visibility,
  };
  try {
    await execFileAsync('sh', [SETUP_SCHEMA_SCRIPT], { env, maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    const output = `${(err as { stdout?: string }).stdout ?? ''}${(err as { stderr?: string }).stderr ?? ''}`;
    throw new Error(`Setting up Temporal's schema failed: ${output.trim().slice(-1500) || (err as Error).message}`);
  }
}

export interface TemporalServerOptions {
  build: TemporalServerBuild;
  login: PostgresLogin;
  databases: TemporalDatabases;
  /** The frontend's gRPC port, where clients and workers connect. */
  port: number;
  /** Where the generated configuration goes (a directory of its own). */
  rootDir: string;
  /** Shards of the history service; fixed for the life of the persistence database. */
  historyShards?: number;
  echo?: (line: string) => void;
}

export interface TemporalServer {
  address: string;
  /** The frontend's HTTP API (the Web UI server talks gRPC; this is for curl). */
  httpAddress: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

/**
 * The services' ports: the frontend's is given; the others (internal, on 127.0.0.1) are any free ones.
 * Membership ports go into a smallint column of the cluster_membership table, so they stay under 32768,
 * below the range the operating system hands out for "any free port".
 */
async function servicePorts(frontend: number) {
  const membership = () => freePortBetween(10_000, 32_767);
  const grpc = () => findFreePort();
  return {
    frontend: { grpcPort: frontend, membershipPort: await membership(), httpPort: await grpc(), bindOnLocalHost: true },
    history: { grpcPort: await grpc(), membershipPort: await membership(), bindOnLocalHost: true },
    matching: { grpcPort: await grpc(), membershipPort: await membership(), bindOnLocalHost: true },
    worker: { grpcPort: await grpc(), membershipPort: await membership(), bindOnLocalHost: true },
  };
}

async function freePortBetween(min: number, max: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = min + Math.floor(Math.random() * (max - min + 1));
    if (await canListen(port)) return port;
  }
  throw new Error(`No free port between ${min} and ${max}`);
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** The server's configuration: Temporal's development layout for PostgreSQL, with our databases and ports, nothing on 0.0.0.0. */
export function serverConfig(
  options: Pick<TemporalServerOptions, 'login' | 'databases' | 'historyShards'>,
  ports: Awaited<ReturnType<typeof servicePorts>>,
  dynamicConfigFile: string,
) {
  const datastore = (databaseName: string, maxConns: number) => ({
    sql: {
      pluginName: SQL_PLUGIN,
      databaseName,
      connectAddr: `${options.login.host}:${options.login.port}`,
      connectProtocol: 'tcp',
      user: options.login.user,
      password: options.login.password ?? '',
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  });
  return {
    log: { stdout: true, level: 'warn' },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards: options.historyShards ?? 4,
      datastores: { 'postgres-default': datastore(options.databases.persistence, 20), 'postgres-visibility': datastore(options.databases.visibility, 4) },
    },
    // No metrics or pprof listeners: the sample configuration's Prometheus port (8000) is our API's.
    global: { membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' } },
    services: Object.fromEntries(Object.entries(ports).map(([name, rpc]) => [name, { rpc }])),
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: { active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: `127.0.0.1:${ports.frontend.grpcPort}` } },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } },
    namespaceDefaults: { archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } } },
    // Absolute: the server reads it relative to its working directory, not to --root.
    dynamicConfigClient: { filepath: dynamicConfigFile, pollInterval: '10s' },
  };
}

/**
 * Dynamic configuration: search attributes added by ensureNamespace are usable at once
 * (a server otherwise caches the mapping for up to a minute and refuses starts that set them).
 */
const DYNAMIC_CONFIG = {
  'system.forceSearchAttributesCacheRefreshOnRead': [{ value: true, constraints: {} }],
};

/** The server's JSON log lines carry stack traces: a failure is told by their messages and errors. */
function lastErrors(output: string): string {
  return output
    .split('\n')
    .map((line) => {
      try {
        const entry = JSON.parse(line) as { level?: string; msg?: string; error?: string };
        return entry.level === 'error' || entry.level === 'fatal' ? `${entry.level}: ${entry.msg}${entry.error ? ` (${entry.error})` : ''}` : undefined;
      } catch {
        return line;
      }
    })
    .filter((line): line is string => Boolean(line))
    .slice(-8)
    .join('\n');
}

/** Applies the schema, writes the configuration and starts the server; resolves once the frontend answers. */
export async function startTemporalServer(options: TemporalServerOptions): Promise<TemporalServer> {
  await setUpTemporalSchema(options.build, options.login, options.databases);
  const ports = await servicePorts(options.port);
  const configDir = path.join(options.rootDir, 'config');
  fs.mkdirSync(configDir, { recursive: true });
  const dynamicConfigFile = path.resolve(configDir, 'dynamicconfig.yaml');
  fs.writeFileSync(dynamicConfigFile, stringify(DYNAMIC_CONFIG));
  // It holds the database password: readable by this user only.
  fs.writeFileSync(path.join(configDir, 'development.yaml'), stringify(serverConfig(options, ports, dynamicConfigFile)), { mode: 0o600 });

  const server = startProcess(
    'temporal',
    options.build.server,
    ['--root', options.rootDir, '--config', 'config', '--env', 'development', '--allow-no-auth', 'start'],
    {
      echo: options.echo,
    },
  );
  const address = `127.0.0.1:${options.port}`;
  // The system namespace answers once the frontend, history and matching services have joined.
  await waitForFrontend('the Temporal server', address, 'temporal-system', {
    timeoutMs: 120_000,
    intervalMs: 500,
    isDead: () => server.exitReason() && `${server.exitReason()}\n${lastErrors(server.recentOutput())}`,
  });
  return { address, httpAddress: `127.0.0.1:${ports.frontend.httpPort}`, process: server, stop: () => server.stop('SIGTERM', 20_000) };
}
