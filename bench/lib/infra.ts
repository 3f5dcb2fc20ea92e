// The benchmark's own stack, all on this machine: a throwaway PostgreSQL cluster,
// a Temporal dev server on a SQLite file, the sandbox (in this process, so it can
// time replies) and one business per measurement, so each can be counted apart.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { createDatabase, type Database } from '../../src/db/client';
import { SANDBOX_CALENDAR_ID, seedDemoBusiness } from '../../src/db/demo-business';
import { applyMigrations } from '../../src/local/migrate';
import { startLocalPostgres, type LocalPostgres } from '../../src/local/postgres';
import { findFreePort } from '../../src/local/processes';
import { ensureTemporalCli, startTemporalDevServer, type DevServer } from '../../src/local/temporal';
import { ensureNamespace } from '../../src/local/temporal-namespace';
import { ensureTemporalServer, postgresLogin, startTemporalServer } from '../../src/local/temporal-server';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { dataConverterFor } from '../../src/temporal/data-converter';
import { SEARCH_ATTRIBUTES } from '../../src/workflows/search-attributes';
import { cpuSecondsOf } from './services';
import { MALLOC_ENV } from '../../src/process-memory';

export const BENCH_SECRETS = {
  appSecret: 'bench-app-secret',
  verifyToken: 'bench-verify-token',
  whatsappToken: 'bench-whatsapp-token',
  googleToken: 'bench-google-token',
  openaiKey: 'bench-openai-key',
  // Histories are encrypted in the benchmark as in production, so the codec's cost is measured.
  payloadKeys: 'bench1:YmVuY2gtcGF5bG9hZC1rZXktLS0tLS0tLS0tLS0tLS0=',
  // The API and worker run as production processes, which need every secret (src/config.ts).
  secretsKeys: 'bench1:YmVuY2gtc2VjcmV0cy1rZXktLS0tLS0tLS0tLS0tMzI=',
  logHashKey: 'bench-log-hash-key',
};

export interface Infra {
  dir: string;
  databaseUrl: string;
  db: Database;
  temporalAddress: string;
  temporal: Client;
  sandbox: Sandbox;
  /** CPU seconds the Temporal dev server has used so far. */
  temporalCpuSeconds(): number;
  /** A fresh business with its own phone_number_id, so one measurement's workflows can be counted by BusinessId. */
  createBusiness(label: string): Promise<{ id: string; phoneNumberId: string }>;
  stop(): Promise<void>;
}

let phoneNumberCounter = 0;

export async function startInfra(log: (line: string) => void): Promise<Infra> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wa-bench-'));
  // When run as root, PostgreSQL runs as `postgres` and must be able to reach its data directory inside.
  fs.chmodSync(dir, 0o755);
  const cleanups: Array<() => Promise<void>> = [];
  try {
    log('Starting PostgreSQL…');
    const postgres: LocalPostgres = await startLocalPostgres({
      dataDir: path.join(dir, 'postgres'),
      port: await findFreePort(),
      database: 'bench',
      ephemeral: true,
    });
    cleanups.push(postgres.stop);
    await applyMigrations(postgres.url);

    log('Starting the Temporal dev server (built once with `go install`, then cached)…');
    const binary = await ensureTemporalCli(log);
    const server: DevServer = await startTemporalDevServer({
      binary,
      port: await findFreePort(),
      uiPort: await findFreePort(),
      dbFile: path.join(dir, 'temporal.sqlite'),
      namespace: 'default',
      searchAttributes: SEARCH_ATTRIBUTES.map((key) => ({ name: key.name, type: 'Keyword' })),
    });
    cleanups.push(server.stop);

    const connection = await Connection.connect({ address: server.address });
    cleanups.push(() => connection.close());
    const temporal = new Client({ connection, namespace: 'default', dataConverter: dataConverterFor({ TEMPORAL_PAYLOAD_KEYS: BENCH_SECRETS.payloadKeys }) });
    const db = createDatabase(postgres.url, { maxConnections: 4 });
    cleanups.push(() => db.$disconnect());

    const sandbox = await startSandbox({ whatsappAccessToken: BENCH_SECRETS.whatsappToken, googleAccessToken: BENCH_SECRETS.googleToken });
    cleanups.push(sandbox.close);
    // Thousands of requests per run: keep counters, not every request body.
    sandbox.openai.recordRequests = false;

    return {
      dir,
      databaseUrl: postgres.url,
      db,
      temporalAddress: server.address,
      temporal,
      sandbox,
      temporalCpuSeconds: () => cpuSecondsOf(server.process.child.pid!),
      async createBusiness(label) {
        const phoneNumberId = String(900000000000000 + ++phoneNumberCounter);
        const { id } = await seedDemoBusiness(db, phoneNumberId, { googleCalendarId: `${label}-${SANDBOX_CALENDAR_ID}` });
        // Answer as soon as a message arrives (no burst window), and never run out of places, turns or tokens:
        // the benchmark measures the machinery, not the booking rules or the abuse limits.
        await db.business.update({
          where: { id },
          data: {
            name: `Bench ${label}`,
            replyQuietWindowMs: 0,
            replyMaxWaitMs: 0,
            maxSimultaneousAppointments: 1_000_000,
            minNoticeMinutes: 0,
            customerTurnsPerMinute: 1_000_000,
            customerTurnsPerDay: 1_000_000,
            dailyTokenBudget: 2_000_000_000,
          },
        });
        return { id, phoneNumberId };
      },
      async stop() {
        for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    throw err;
  }
}

/** What the API, the worker and the baselines are started with: the stack's addresses and the secrets, as in production. */
export function serviceEnv(infra: Infra): Record<string, string> {
  return {
    // As in production (src/process-memory.ts); the baselines get it too, which changes nothing they are compared on.
    ...MALLOC_ENV,
    DATABASE_URL: infra.databaseUrl,
    TEMPORAL_ADDRESS: infra.temporalAddress,
    APP_SECRET: BENCH_SECRETS.appSecret,
    VERIFY_TOKEN: BENCH_SECRETS.verifyToken,
    WHATSAPP_ACCESS_TOKEN: BENCH_SECRETS.whatsappToken,
    OPENAI_API_KEY: BENCH_SECRETS.openaiKey,
    TEMPORAL_PAYLOAD_KEYS: BENCH_SECRETS.payloadKeys,
    SECRETS_ENCRYPTION_KEYS: BENCH_SECRETS.secretsKeys,
    LOG_HASH_KEY: BENCH_SECRETS.logHashKey,
    OPENAI_BASE_URL: `${infra.sandbox.url}/v1`,
    GRAPH_API_BASE_URL: infra.sandbox.url,
    GOOGLE_CALENDAR_ROOT_URL: infra.sandbox.url,
    GOOGLE_CALENDAR_ACCESS_TOKEN: BENCH_SECRETS.googleToken,
    // The bench loads one business, so it may take every place, as before places were shared between businesses.
    WEBHOOK_MAX_IN_FLIGHT_PER_BUSINESS: '256',
  };
}

/** The Temporal server a cluster runs (src/local/temporal-server.ts), on the benchmark's PostgreSQL. */
export interface TemporalOnPostgres {
  address: string;
  temporal: Client;
  cpuSeconds(): number;
  stop(): Promise<void>;
}

export async function startTemporalOnPostgres(infra: Infra, log: (line: string) => void): Promise<TemporalOnPostgres> {
  const build = await ensureTemporalServer(log);
  const server = await startTemporalServer({
    build,
    login: postgresLogin(infra.databaseUrl),
    databases: { persistence: 'temporal', visibility: 'temporal_visibility' },
    port: await findFreePort(),
    rootDir: path.join(infra.dir, 'temporal-server'),
  });
  try {
    await ensureNamespace({
      address: server.address,
      namespace: 'default',
      searchAttributes: SEARCH_ATTRIBUTES.map((key) => ({ name: key.name, valueType: key.type })),
    });
    const connection = await Connection.connect({ address: server.address });
    const temporal = new Client({ connection, namespace: 'default', dataConverter: dataConverterFor({ TEMPORAL_PAYLOAD_KEYS: BENCH_SECRETS.payloadKeys }) });
    return {
      address: server.address,
      temporal,
      cpuSeconds: () => cpuSecondsOf(server.process.child.pid!),
      async stop() {
        await connection.close();
        await server.stop();
      },
    };
  } catch (err) {
    await server.stop();
    throw err;
  }
}

/** The same infrastructure, with that server in place of the dev server. */
export function onTemporal(infra: Infra, server: TemporalOnPostgres): Infra {
  return { ...infra, temporalAddress: server.address, temporal: server.temporal, temporalCpuSeconds: server.cpuSeconds };
}
