// The API process: Meta's webhook, health and readiness.
import { Client, Connection } from '@temporalio/client';
import { loadConfig, loadDotEnv, requireDatabaseUrl } from '../config';
import { createDatabase } from '../db/client';
import { buildApp } from './app';
import { setIdentifierHashKey } from '../observability/privacy';
import { temporalConnectionOptions } from '../temporal/connection';
import { dataConverterFor } from '../temporal/data-converter';

async function main(): Promise<void> {
  loadDotEnv();
  const config = loadConfig();
  setIdentifierHashKey(config.LOG_HASH_KEY ?? config.APP_SECRET);
  const db = createDatabase(requireDatabaseUrl(config));
  const connection = await Connection.connect(temporalConnectionOptions(config));
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: dataConverterFor(config) });
  const app = await buildApp({ config, db, temporal });

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'Shutting down: finishing in-flight requests');
    await app.close();
    await connection.close();
    await db.$disconnect();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));

  await app.listen({ host: config.HOST, port: config.PORT });
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
