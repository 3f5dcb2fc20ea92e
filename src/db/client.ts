import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client';

export type Database = InstanceType<typeof PrismaClient>;

/** The connection pool under each client createDatabase made; sql.ts runs plain SQL on it. */
const pools = new WeakMap<Database, pg.Pool>();

export function createDatabase(databaseUrl: string, { maxConnections = 10 } = {}): Database {
  // A database that does not answer must fail fast: the webhook then answers 503 while
  // Meta is still waiting, instead of hanging until Meta gives up on us.
  const pool = new pg.Pool({ connectionString: databaseUrl, max: maxConnections, connectionTimeoutMillis: 5_000 });
  const db = new PrismaClient({ adapter: new PrismaPg(pool) });
  // A connection that breaks while idle is dropped by the pool and the next query opens another; unheard,
  // the pool's 'error' event would end the process (Prisma listens only once it has connected).
  pool.on('error', () => undefined);
  // The pool is ours, so $disconnect ends it, whether Prisma ever connected or only plain SQL ran.
  // Closing is for good: a client is not used again after it (Prisma would find the pool ended).
  const disconnectPrisma = db.$disconnect.bind(db);
  db.$disconnect = async () => {
    await disconnectPrisma();
    if (!pool.ended) await pool.end();
  };
  pools.set(db, pool);
  return db;
}

/** The pool a client runs on. Only clients from createDatabase have one (a transaction client does not). */
export function poolOf(db: Database): pg.Pool {
  const pool = pools.get(db);
  if (!pool) throw new Error('Plain SQL needs a client made by createDatabase (not a transaction client)');
  return pool;
}

export { Prisma } from '../generated/prisma/client';
