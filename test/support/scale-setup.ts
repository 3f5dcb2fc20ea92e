// For `npm run test:scale`: the same PostgreSQL as the other suites, but Temporal is
// the server a cluster runs (src/local/temporal-server.ts), on that PostgreSQL, instead
// of the CLI's dev server; the stacks of test/scale/ find it through the same variables.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { applyMigrations } from '../../src/local/migrate';
import { startLocalPostgres } from '../../src/local/postgres';
import { findFreePort } from '../../src/local/processes';
import { ensureNamespace } from '../../src/local/temporal-namespace';
import { ensureTemporalServer, postgresLogin, startTemporalServer } from '../../src/local/temporal-server';
import { SEARCH_ATTRIBUTES } from '../../src/workflows/search-attributes';
import { buildConsoleUnlessWatched } from './global-setup';
import { TEMPLATE_DATABASE, type TestGlobals } from './globals';

export default async function scaleSetup(): Promise<void> {
  const say = (line: string) => process.stdout.write(`\n${line}`);
  const [build] = await Promise.all([ensureTemporalServer(say), buildConsoleUnlessWatched()]);

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wa-agent-scale-'));
  // As root, PostgreSQL runs as the postgres user, which must be able to pass through to its data directory.
  fs.chmodSync(dataDir, 0o711);
  const postgres = await startLocalPostgres({
    dataDir: path.join(dataDir, 'postgres'),
    port: await findFreePort(),
    database: TEMPLATE_DATABASE,
    ephemeral: true,
  });
  await applyMigrations(postgres.url);
  const temporal = await startTemporalServer({
    build,
    login: postgresLogin(postgres.url),
    databases: { persistence: 'temporal', visibility: 'temporal_visibility' },
    port: await findFreePort(),
    rootDir: path.join(dataDir, 'temporal'),
  });
  await ensureNamespace({
    address: temporal.address,
    namespace: 'default',
    searchAttributes: SEARCH_ATTRIBUTES.map((key) => ({ name: key.name, valueType: key.type })),
  });

  const globals = globalThis as TestGlobals;
  globals.__postgres = postgres;
  globals.__temporalServer = temporal;
  globals.__scaleDataDir = dataDir;
  process.env.TEST_POSTGRES_SERVER_URL = postgres.url.replace(/\/[^/]+$/, '');
  process.env.TEST_TEMPORAL_ADDRESS = temporal.address;
}
