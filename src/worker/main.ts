// The worker process: polls the task queue and runs workflows and activities.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { createOpenAIModel } from '../activities/model';
import { calendarAccess, loadConfig, loadDotEnv, requireDatabaseUrl } from '../config';
import { secretsKeyring } from '../crypto/secrets';
import { createDatabase } from '../db/client';
import { createLogger, temporalLogger } from '../observability/logger';
import { createGraphClient } from '../whatsapp/graph-client';
import { prebuiltWorkflowBundle } from './bundle-workflows';
import { createWorker } from './create-worker';
import { ensureHousekeepingSchedule, ensureRetentionSchedule } from './housekeeping-schedule';
import { setIdentifierHashKey } from '../observability/privacy';
import { temporalConnectionOptions } from '../temporal/connection';
import { startWorkerHealthServer } from './health-server';
import { dataConverterFor } from '../temporal/data-converter';
import { createAgentTracer } from '../observability/tracing/agent-tracer';
import { createWorkerMetrics } from '../observability/metrics';
import { metricsObserver } from '../observability/metrics-observer';
import { activityFailureMetrics } from '../observability/metrics-activity-failures';
import { startMetricsServer } from '../observability/metrics-server';
import { runtimeMetricsEndpoint, runtimeMetricsOptions, runtimeMetricsText } from '../observability/metrics-runtime';
import { combineObservers } from '../observability/turn-events';
import { clientInterceptors, startOpenTelemetry, workerTelemetry } from '../observability/opentelemetry';

async function main(): Promise<void> {
  loadDotEnv();
  const config = loadConfig();
  setIdentifierHashKey(config.LOG_HASH_KEY ?? config.APP_SECRET);
  const logger = createLogger(config.LOG_LEVEL, 'worker');
  const tracer = createAgentTracer({ config, logger });
  // OpenTelemetry (OTEL_EXPORTER_OTLP_ENDPOINT): off, with no interceptor at all, when unset.
  const otel = startOpenTelemetry(config, 'worker', logger);
  const telemetry = workerTelemetry(otel);
  // Built by `npm run build`, with and without the workflow tracing interceptors; without it (tsx in development) bundled at start.
  const prebuilt = prebuiltWorkflowBundle(otel !== undefined);
  // The SDK's own metrics (task slots, poll latencies, cache) come from its core on a loopback port, served with ours.
  const sdkMetrics = await runtimeMetricsEndpoint();
  Runtime.install({
    // Payloads (message text, phone numbers) are reduced to their size even at trace level.
    logger: temporalLogger(logger),
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }) }, metrics: runtimeMetricsOptions(sdkMetrics) },
  });
  const metrics = createWorkerMetrics();
  // Watching a turn never fails it: an observer that throws is logged and the others still hear.
  const observer = combineObservers([tracer.observer, metricsObserver(metrics)], (event, err) =>
    logger.warn({ event, error: (err as Error).message }, 'A turn observer failed'),
  );

  const db = createDatabase(requireDatabaseUrl(config));
  const temporalConnection = temporalConnectionOptions(config);
  const connection = await NativeConnection.connect(temporalConnection);
  const clientConnection = await Connection.connect(temporalConnection);
  const dataConverter = dataConverterFor(config);
  // Its signal-with-start of a conversation carries the trace on (src/activities/handoff.ts).
  const temporal = new Client({ connection: clientConnection, namespace: config.TEMPORAL_NAMESPACE, dataConverter, interceptors: clientInterceptors(otel) });
  const worker = await createWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    dataConverter,
    maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
    interceptors: {
      activity: [...telemetry.interceptors.activity, activityFailureMetrics(metrics)],
      // A prebuilt bundle already holds them (the SDK ignores these with one).
      ...(prebuilt ? {} : { workflowModules: [...telemetry.workflowInterceptorModules] }),
    },
    sinks: telemetry.sinks,
    ...(prebuilt ? { workflowBundle: prebuilt } : {}),
    dependencies: {
      db,
      temporal,
      model: createOpenAIModel({
        apiKey: config.OPENAI_API_KEY,
        baseURL: config.OPENAI_BASE_URL,
        model: config.OPENAI_MODEL,
        maxOutputTokens: config.MODEL_MAX_OUTPUT_TOKENS,
      }),
      whatsapp: createGraphClient({ baseUrl: config.GRAPH_API_BASE_URL, version: config.GRAPH_API_VERSION, accessToken: config.WHATSAPP_ACCESS_TOKEN }),
      calendarAccess: calendarAccess(config),
      secrets: secretsKeyring(config.SECRETS_ENCRYPTION_KEYS),
      maxIterations: config.AGENT_MAX_ITERATIONS,
      maxToolCallsPerReply: config.MAX_TOOL_CALLS_PER_REPLY,
      historyBudget: { maxInboundChars: config.INBOUND_TEXT_MAX_CHARS, maxTokens: config.HISTORY_MAX_TOKENS },
      observer,
    },
  });
  // Housekeeping is not worth refusing to serve customers over: another worker, or the next start, creates it.
  const schedule = await ensureHousekeepingSchedule(temporal, config.TEMPORAL_TASK_QUEUE).catch((err: Error) => {
    logger.error({ error: err.message }, 'Could not create the housekeeping schedule; parked statuses will not expire until a worker creates it');
    return 'missing';
  });
  const retentionSchedule = await ensureRetentionSchedule(temporal, config.TEMPORAL_TASK_QUEUE).catch((err: Error) => {
    logger.error({ error: err.message }, 'Could not create the retention schedule; old messages will not be deleted until a worker creates it');
    return 'missing';
  });
  const health =
    config.WORKER_HEALTH_PORT === undefined
      ? undefined
      : await startWorkerHealthServer({ host: config.HOST, port: config.WORKER_HEALTH_PORT, state: () => worker.getState() });
  const metricsServer = await startMetricsServer({
    host: config.HOST,
    port: config.WORKER_METRICS_PORT,
    registry: metrics.registry,
    extra: runtimeMetricsText(sdkMetrics),
  });
  logger.info(
    {
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      address: config.TEMPORAL_ADDRESS,
      housekeepingSchedule: schedule,
      retentionSchedule,
      healthPort: health?.port,
      metricsPort: metricsServer.port,
      tracer: config.TRACER_TYPE,
    },
    'Worker polling',
  );
  // Runtime shuts the worker down on SIGINT/SIGTERM: polling stops, running activities get the grace time.
  await worker.run();
  await health?.close();
  await metricsServer.close();
  // Sends the traces still queued (Langfuse, OpenTelemetry) before the process ends.
  await tracer.shutdown();
  await otel?.shutdown();
  await Promise.all([connection.close(), clientConnection.close()]);
  await db.$disconnect();
  logger.info('Worker stopped');
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
