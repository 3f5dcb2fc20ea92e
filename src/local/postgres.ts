// A real PostgreSQL cluster owned by this process: created with initdb the first
// time, started with pg_ctl, listening on 127.0.0.1 only. Used by `npm run dev`
// when DATABASE_URL is unset, and by the test suite.
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { execFileAsync } from './processes';

/** Where `npm run dev` keeps its own PostgreSQL (in .data/postgres) when DATABASE_URL is unset. */
export const LOCAL_DEV_POSTGRES = { port: 54329, database: 'booking' } as const;
/** Its URL, for the development tools run beside `npm run dev` (the cluster trusts local connections as postgres). */
export const LOCAL_DEV_DATABASE_URL = `postgresql://postgres@127.0.0.1:${LOCAL_DEV_POSTGRES.port}/${LOCAL_DEV_POSTGRES.database}`;

export interface LocalPostgres {
  url: string;
  port: number;
  dataDir: string;
  stop(): Promise<void>;
}

export interface LocalPostgresOptions {
  dataDir: string;
  port: number;
  database: string;
  /** Trade durability for speed; only for throwaway clusters (tests). */
  ephemeral?: boolean;
}

export function findPostgresBinDir(): string {
  const fromEnv = process.env.PG_BIN_DIR;
  if (fromEnv) return fromEnv;
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root)
    ? fs
        .readdirSync(root)
        .filter((v) => fs.existsSync(path.join(root, v, 'bin', 'pg_ctl')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions[0]) return path.join(root, versions[0], 'bin');
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && fs.existsSync(path.join(dir, 'pg_ctl'))) return dir;
  }
  throw new Error(
    'PostgreSQL server binaries (initdb, pg_ctl) were not found. Install PostgreSQL 15+ (e.g. apt-get install postgresql), ' +
      'point PG_BIN_DIR at its bin directory, or set DATABASE_URL to an existing database.',
  );
}

/** PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` user. */
async function serverUser(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const [{ stdout: uid }, { stdout: gid }] = await Promise.all([execFileAsync('id', ['-u', 'postgres']), execFileAsync('id', ['-g', 'postgres'])]);
    return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
  } catch {
    throw new Error('Running as root: PostgreSQL needs an unprivileged `postgres` user to own its cluster, and there is none.');
  }
}

export async function startLocalPostgres(options: LocalPostgresOptions): Promise<LocalPostgres> {
  const binDir = findPostgresBinDir();
  const dataDir = path.resolve(options.dataDir);
  const user = await serverUser();
  const asServerUser = user ? { uid: user.uid, gid: user.gid } : {};

  // Only the cluster's own directory is private (PostgreSQL insists on 0700). The directories above it are
  // made like any other (0755 under the usual umask): as root the server runs as `postgres`, which must be
  // able to pass through them. Making them 0700 too left .data/ reachable by root alone.
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (user) fs.chownSync(dataDir, user.uid, user.gid);

  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    await execFileAsync(path.join(binDir, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-locale', '--no-instructions'], {
      ...asServerUser,
      cwd: dataDir,
    }).catch((err: Error) => {
      // A parent made private earlier (by hand, or by an older version of this code) keeps `postgres` out.
      if (user && /Permission denied/.test(err.message)) {
        throw new Error(
          `The postgres user cannot reach ${dataDir}: give every directory above it search permission (for example chmod o+x ${path.dirname(dataDir)}).`,
        );
      }
      throw err;
    });
  }

  const serverArgs = [
    `-p ${options.port}`,
    '-c listen_addresses=127.0.0.1',
    `-k ${dataDir}`,
    ...(options.ephemeral ? ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off'] : []),
  ].join(' ');
  const logFile = path.join(dataDir, 'server.log');
  try {
    await execFileAsync(path.join(binDir, 'pg_ctl'), ['-D', dataDir, '-o', serverArgs, '-l', logFile, '-w', '-t', '60', 'start'], {
      ...asServerUser,
      cwd: dataDir,
    });
  } catch (err) {
    const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n') : '';
    throw new Error(`PostgreSQL did not start in ${dataDir}: ${(err as Error).message}\n${log}`);
  }

  const serverUrl = `postgresql://postgres@127.0.0.1:${options.port}`;
  await createDatabaseIfMissing(`${serverUrl}/postgres`, options.database);

  return {
    url: `${serverUrl}/${options.database}`,
    port: options.port,
    dataDir,
    async stop() {
      await execFileAsync(path.join(binDir, 'pg_ctl'), ['-D', dataDir, '-m', 'fast', '-w', 'stop'], { ...asServerUser, cwd: dataDir }).catch(() => undefined);
    },
  };
}

export async function createDatabaseIfMissing(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await client.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}
