// Configuration of the Prisma CLI (migrate, generate). The application builds
// its own client in src/db/client.ts; nothing here runs inside the app.
//
// The JS schema engine with the pg adapter avoids the native engine binaries
// that Prisma would otherwise download at run time (not reachable here).
import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { parse as parseConnectionString } from 'pg-connection-string';

// prisma/orm#27403: the adapter has no column type for PostgreSQL's `name` (OID 19)
// and `"char"` (OID 18), which migrate reads from the catalogs. Both arrive as plain
// strings, so presenting them as `text` (OID 25) is exact. The Client class travels
// in the pool options, so it also reaches the shadow database's pool, which the
// adapter creates itself.
const CATALOG_TEXT_TYPES = new Set([18, 19]);
const TEXT_OID = 25;

type QueryResultLike = { fields?: Array<{ dataTypeID: number }> };

function retypeCatalogFields<T>(result: T): T {
  const results = (Array.isArray(result) ? result : [result]) as QueryResultLike[];
  for (const r of results) {
    for (const field of r?.fields ?? []) {
      if (CATALOG_TEXT_TYPES.has(field.dataTypeID)) field.dataTypeID = TEXT_OID;
    }
  }
  return result;
}

// The adapter drops the shadow database while its pool still holds a connection
// to it, which PostgreSQL refuses (55006). Pool connections here close after 1 ms
// idle, so the drop is retried until they have gone.
const SHADOW_DROP = /^DROP DATABASE "prisma_migrate_shadow_db_[0-9a-f-]+"$/;
const OBJECT_IN_USE = '55006';

async function retryWhileInUse<T>(attempt: () => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (err) {
      if ((err as { code?: string }).code !== OBJECT_IN_USE || tries >= 100) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

class CatalogTextClient extends pg.Client {
  // pg's query() has many overloads; the adapter uses the promise and callback forms.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(...args: any[]): any {
    const callback = typeof args[args.length - 1] === 'function' ? args.pop() : undefined;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const run = () => (super.query as any)(...args);
    const isShadowDrop = typeof args[0] === 'string' && SHADOW_DROP.test(args[0].trim());
    const returned = isShadowDrop ? retryWhileInUse(run) : run();
    if (!returned || typeof returned.then !== 'function') return returned;
    const retyped = returned.then(retypeCatalogFields);
    if (!callback) return retyped;
    retyped.then(
      (res: unknown) => callback(null, res),
      (err: Error) => callback(err),
    );
    return undefined;
  }
}

// `prisma generate` validates env("DATABASE_URL") in the schema but never connects;
// a fresh clone generates the client at install time, before any database exists.
const databaseUrl = process.env.DATABASE_URL;
process.env.DATABASE_URL ??= 'postgresql://not-configured@127.0.0.1:1/unused';

export default defineConfig({
  schema: path.join('prisma', 'schema.prisma'),
  migrations: { path: path.join('prisma', 'migrations') },
  experimental: { adapter: true },
  engine: 'js',
  async adapter() {
    if (!databaseUrl) throw new Error('DATABASE_URL must be set to run Prisma migrations');
    // Discrete fields rather than a connection string: the adapter points the shadow
    // database's pool elsewhere by overriding `database`, which a connection string
    // would silently win over.
    const { host, port, user, password, database } = parseConnectionString(databaseUrl);
    return new PrismaPg({
      host: host ?? undefined,
      port: port ? Number(port) : undefined,
      user,
      password,
      database: database ?? undefined,
      idleTimeoutMillis: 1,
      Client: CatalogTextClient,
    } as pg.PoolConfig);
  },
});
