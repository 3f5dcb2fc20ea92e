// docker/postgres/init-roles.sh, the script PostgreSQL's image runs on first start,
// run for real against the test's PostgreSQL: the app's role owns its database and
// nothing else, Temporal's can create its own databases and the extension its
// visibility schema needs, and neither is a superuser.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const execFileAsync = promisify(execFile);
jest.setTimeout(60_000);

const server = new URL(process.env.TEST_POSTGRES_SERVER_URL!);
const suffix = randomBytes(4).toString('hex');
const names = { appUser: `app_${suffix}`, appDb: `booking_${suffix}`, temporalUser: `temporal_${suffix}`, temporalDb: `temporal_${suffix}` };
const passwords = { app: `it's "quoted"; DROP ROLE x; --${suffix}`, temporal: `t-${suffix}` };

function connect(user: string, database: string): pg.Client {
  return new pg.Client({
    host: server.hostname,
    port: Number(server.port),
    user,
    password: user === names.appUser ? passwords.app : passwords.temporal,
    database,
  });
}

async function asSuperuser<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: `${server.toString().replace(/\/$/, '')}/postgres` });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  await execFileAsync('sh', [path.resolve(__dirname, '../../docker/postgres/init-roles.sh')], {
    env: {
      PATH: process.env.PATH,
      PGHOST: server.hostname,
      PGPORT: server.port,
      POSTGRES_USER: decodeURIComponent(server.username),
      POSTGRES_DB: 'postgres',
      APP_DB_USER: names.appUser,
      APP_DB_NAME: names.appDb,
      TEMPORAL_DB_USER: names.temporalUser,
      APP_DB_PASSWORD: passwords.app,
      TEMPORAL_DB_PASSWORD: passwords.temporal,
    },
  });
});

afterAll(async () => {
  await asSuperuser(async (client) => {
    for (const db of [names.appDb, names.temporalDb]) await client.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
    for (const role of [names.appUser, names.temporalUser]) await client.query(`DROP ROLE IF EXISTS "${role}"`);
  });
});

test('neither role is a superuser; only Temporal may create databases', async () => {
  const roles = await asSuperuser(
    async (client) =>
      (
        await client.query('SELECT rolname, rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = ANY($1) ORDER BY rolname', [
          [names.appUser, names.temporalUser],
        ])
      ).rows,
  );
  expect(roles).toEqual([
    { rolname: names.appUser, rolsuper: false, rolcreatedb: false, rolcreaterole: false },
    { rolname: names.temporalUser, rolsuper: false, rolcreatedb: true, rolcreaterole: false },
  ]);
});

test('a password with quotes and a semicolon is stored as a password, not run as SQL', async () => {
  const stored = await asSuperuser(async (client) => (await client.query('SELECT rolpassword FROM pg_authid WHERE rolname = $1', [names.appUser])).rows[0]);
  expect(stored.rolpassword).toMatch(/^SCRAM-SHA-256\$/);
  const roleCount = await asSuperuser(async (client) => (await client.query("SELECT count(*)::int AS n FROM pg_roles WHERE rolname = 'x'")).rows[0].n);
  expect(roleCount).toBe(0);
});

test("the app's role owns its database and can run migrations in it", async () => {
  const owner = await asSuperuser(
    async (client) => (await client.query('SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = $1', [names.appDb])).rows[0].owner,
  );
  expect(owner).toBe(names.appUser);
  const client = connect(names.appUser, names.appDb);
  await client.connect();
  try {
    await client.query('CREATE TABLE migrated (id int PRIMARY KEY)');
    await client.query("CREATE TYPE status AS ENUM ('a', 'b')");
    expect((await client.query('SELECT current_user AS u')).rows[0].u).toBe(names.appUser);
    // It cannot make itself more than it is.
    await expect(client.query(`ALTER ROLE "${names.appUser}" SUPERUSER`)).rejects.toThrow(/permission denied|must be superuser/);
  } finally {
    await client.end();
  }
});

test("Temporal's role cannot connect to the app's database", async () => {
  const client = connect(names.temporalUser, names.appDb);
  await expect(client.connect()).rejects.toThrow(/permission denied/);
});

test("Temporal's role creates its own database and the btree_gin extension its visibility schema needs", async () => {
  const admin = connect(names.temporalUser, 'postgres');
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${names.temporalDb}"`);
  } finally {
    await admin.end();
  }
  const client = connect(names.temporalUser, names.temporalDb);
  await client.connect();
  try {
    await client.query('CREATE EXTENSION IF NOT EXISTS btree_gin');
    await client.query('CREATE TABLE executions_visibility (namespace_id char(64), run_id char(64))');
    await client.query('CREATE INDEX by_namespace ON executions_visibility USING gin (namespace_id)');
  } finally {
    await client.end();
  }
});
