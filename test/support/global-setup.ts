// One real PostgreSQL 15 cluster and one real Temporal dev server for the run.
// Test files get their own database (cloned from a migrated template) and their
// own task queue, so they never see each other's data. The console's pages are
// built too, since the app under test serves them from dist/console.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { buildConsole } from '../../src/local/console-build';
import { applyMigrations } from '../../src/local/migrate';
import { startLocalPostgres } from '../../src/local/postgres';
import { findFreePort } from '../../src/local/processes';
import { ensureTemporalCli } from '../../src/local/temporal';
import { SEARCH_ATTRIBUTES } from '../../src/workflows/search-attributes';
import { TEMPLATE_DATABASE, type TestGlobals } from './globals';

export default async function globalSetup(): Promise<void> {
  const [temporalCli] = await Promise.all([ensureTemporalCli((line) => process.stdout.write(`\n${line}`)), buildConsoleUnlessWatched()]);

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wa-agent-test-pg-'));
  const postgres = await startLocalPostgres({ dataDir, port: await findFreePort(), database: TEMPLATE_DATABASE, ephemeral: true });
  await applyMigrations(postgres.url);

  // The Web UI too: a browser test reads an encrypted history in it through the codec server.
  const uiPort = await findFreePort();
  const temporal = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalCli },
      ip: '127.0.0.1',
      uiPort,
      searchAttributes: SEARCH_ATTRIBUTES,
      extraArgs: ['--log-level', 'error'],
    },
  });

  const globals = globalThis as TestGlobals;
  globals.__postgres = postgres;
  globals.__temporal = temporal;
  process.env.TEST_POSTGRES_SERVER_URL = postgres.url.replace(/\/[^/]+$/, '');
  process.env.TEST_TEMPORAL_ADDRESS = temporal.address;
  process.env.TEST_TEMPORAL_UI_URL = `http://127.0.0.1:${uiPort}`;
}

/** Builds dist/console, unless `npm run dev` is keeping it current with its watch build (Vite refuses a second build of the project meanwhile). */
export async function buildConsoleUnlessWatched(): Promise<void> {
  await buildConsole().catch((err: Error) => {
    if (!/Found another Vite build process/.test(err.message)) throw err;
  });
}
