// `npm run dev` on a fresh clone next to a Temporal server it did not start:
// the local PostgreSQL comes up in an empty .data/ (as root, run by the
// postgres user, which must pass through .data/), and the server gets the
// namespace and search attribute the app needs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Connection, Client } from '@temporalio/client';
import { Client as PgClient } from 'pg';
import { startLocalPostgres } from '../../src/local/postgres';
import { ensureNamespace } from '../../src/local/temporal-namespace';
import { BUSINESS_ID, SEARCH_ATTRIBUTES, TURN_SUMMARY } from '../../src/workflows/search-attributes';

jest.setTimeout(120_000);

const isRoot = process.getuid?.() === 0;
let checkout: string;

beforeEach(() => {
  // A fresh clone: the project folder exists (readable by others, as git makes it), .data/ does not.
  checkout = fs.mkdtempSync(path.join(os.tmpdir(), 'fresh-clone-'));
  fs.chmodSync(checkout, 0o755);
});

afterEach(() => fs.rmSync(checkout, { recursive: true, force: true }));

test('the local PostgreSQL starts in an empty .data/ and only its own directory is private', async () => {
  const dataDir = path.join(checkout, '.data', 'postgres');
  const postgres = await startLocalPostgres({ dataDir, port: 54000 + Math.floor(Math.random() * 900), database: 'booking', ephemeral: true });
  try {
    const client = new PgClient({ connectionString: postgres.url });
    await client.connect();
    expect((await client.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
    await client.end();
    expect(fs.statSync(path.join(checkout, '.data')).mode & 0o777).toBe(0o755);
    expect(fs.statSync(dataDir).mode & 0o777).toBe(0o700);
  } finally {
    await postgres.stop();
  }
});

(isRoot ? test : test.skip)('as root, a private parent made earlier is named with the fix, not a bare initdb error', async () => {
  fs.mkdirSync(path.join(checkout, '.data'), { mode: 0o700 });
  await expect(startLocalPostgres({ dataDir: path.join(checkout, '.data', 'postgres'), port: 54950, database: 'booking' })).rejects.toThrow(
    /cannot reach .*chmod o\+x .*\.data/,
  );
});

test('a Temporal server without our namespace and search attribute gets both, once, and then takes workflows that set it', async () => {
  const address = process.env.TEST_TEMPORAL_ADDRESS!;
  const namespace = `fresh-${Date.now().toString(36)}`;
  const needs = { address, namespace, searchAttributes: SEARCH_ATTRIBUTES.map((key) => ({ name: key.name, valueType: key.type })) };

  expect(await ensureNamespace(needs)).toEqual([`namespace ${namespace}`, ...SEARCH_ATTRIBUTES.map((key) => `search attribute ${key.name}`)]);
  expect(await ensureNamespace(needs)).toEqual([]);

  const connection = await Connection.connect({ address });
  try {
    const client = new Client({ connection, namespace });
    const handle = await client.workflow.start('anyWorkflow', {
      taskQueue: 'nobody-polls-this',
      workflowId: 'search-attribute-check',
      typedSearchAttributes: [
        { key: BUSINESS_ID, value: 'business-1' },
        { key: TURN_SUMMARY, value: 'Booked Haircut Wed 9 Dec 11:00' },
      ],
    });
    const attributes = (await handle.describe()).typedSearchAttributes;
    expect(attributes.get(BUSINESS_ID)).toBe('business-1');
    expect(attributes.get(TURN_SUMMARY)).toBe('Booked Haircut Wed 9 Dec 11:00');
    await handle.terminate();
  } finally {
    await connection.close();
  }
});
