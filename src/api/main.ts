// The API process: Meta's webhook, health and readiness, and its metrics on a port of their own.
import { Client, Connection } from '@temporalio/client';
import { loadConfig, loadDotEnv, requireDatabaseUrl } from '../config';
import { createDatabase } from '../db/client';
import { buildApp } from './app';
import { setIdentifierHashKey } from '../observability/privacy';
import { temporalConnectionOptions } from '../temporal/connection';
import { dataConverterFor } from '../temporal/data-converter';
import { createApiMetrics } from '../observability/metrics';
import { startMetricsServer } from '../observability/metrics-server';
import { clientInterceptors, startOpenTelemetry } from '../observability/opentelemetry';
import { createLogger } from '../observability/logger';

async function main(): Promise<void> {
  loadDotEnv();
  const config = loadConfig();
  setIdentifierHashKey(config.LOG_HASH_KEY ?? config.APP_SECRET);
  const db = createDatabase(requireDatabaseUrl(config));
  // OpenTelemetry (OTEL_EXPORTER_OTLP_ENDPOINT): each webhook a span, and the workflow starts in its trace; off when unset.
  const otel = startOpenTelemetry(config, 'api', createLogger(config.LOG_LEVEL, 'api'));
  const connection = await Connection.connect(temporalConnectionOptions(config));
  const temporal = new Client({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    dataConverter: dataConverterFor(config),
    interceptors: clientInterceptors(otel),
  });
  const metrics = createApiMetrics();
  const app = await buildApp({ config, db, temporal, metrics });
  const metricsServer = await startMetricsServer({ host: config.HOST, port: config.API_METRICS_PORT, registry: metrics.registry });

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'Shutting down: finishing in-flight requests');
    await app.close();
    await metricsServer.close();
    await otel?.shutdown();
    await connection.close();
    await db.$disconnect();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));

  await app.listen({ host: config.HOST, port: config.PORT });
  app.log.info({ metricsPort: metricsServer.port }, 'Metrics served at /metrics');
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
