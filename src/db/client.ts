import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client';

export type Database = InstanceType<typeof PrismaClient>;

export function createDatabase(databaseUrl: string, { maxConnections = 10 } = {}): Database {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl, max: maxConnections }) });
}

export { Prisma } from '../generated/prisma/client';
