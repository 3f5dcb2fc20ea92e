import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client';

export type Database = InstanceType<typeof PrismaClient>;

export function createDatabase(databaseUrl: string, { maxConnections = 10 } = {}): Database {
  // A database that does not answer must fail fast: the webhook then answers 503 while
  // Meta is still waiting, instead of hanging until Meta gives up on us.
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl, max: maxConnections, connectionTimeoutMillis: 5_000 }) });
}

export { Prisma } from '../generated/prisma/client';
