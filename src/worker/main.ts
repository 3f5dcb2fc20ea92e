// The worker process: polls the task queue and runs workflows and activities.
import fs from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { createOpenAIModel } from '../activities/model';
import { calendarAccess, loadConfig, loadDotEnv, requireDatabaseUrl } from '../config';
import { secretsKeyring } from '../crypto/secrets';
import { createDatabase } from '../db/client';
import { createLogger, temporalLogger } from '../observability/logger';
import { createGraphClient } from '../whatsapp/graph-client';
import { WORKFLOW_BUNDLE_FILE } from './bundle-workflows';
import { createWorker } from './create-worker';
import { ensureHousekeepingSchedule, ensureRetentionSchedule } from './housekeeping-schedule';
import { setIdentifierHashKey } from '../observability/privacy';
import { temporalConnectionOptions } from '../temporal/connection';
import { startWorkerHealthServer } from './health-server';
import { dataConverterFor } from '../temporal/data-converter';

async function main(): Promise<void> {
  loadDotEnv();
  const config = loadConfig();
  setIdentifierHashKey(config.LOG_HASH_KEY ?? config.APP_SECRET);
  const logger = createLogger(config.LOG_LEVEL, 'worker');
  Runtime.install({
    // Payloads (message text, phone numbers) are reduced to their size even at trace level.
    logger: temporalLogger(logger),
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }) } },
  });

  const db = createDatabase(requireDatabaseUrl(config));
  const temporalConnection = temporalConnectionOptions(config);
  const connection = await NativeConnection.connect(temporalConnection);
  const clientConnection = await Connection.connect(temporalConnection);
  const dataConverter = dataConverterFor(config);
  const temporal = new Client({ connection: clientConnection, namespace: config.TEMPORAL_NAMESPACE, dataConverter });
  const worker = await createWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    dataConverter,
    maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
    // Built by `npm run build`; without it (tsx in development) the workflows are bundled at start.
    ...(fs.existsSync(WORKFLOW_BUNDLE_FILE) ? { workflowBundle: { codePath: WORKFLOW_BUNDLE_FILE } } : {}),
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
  logger.info(
    { taskQueue: config.TEMPORAL_TASK_QUEUE, address: config.TEMPORAL_ADDRESS, housekeepingSchedule: schedule, retentionSchedule, healthPort: health?.port },
    'Worker polling',
  );
  // Runtime shuts the worker down on SIGINT/SIGTERM: polling stops, running activities get the grace time.
  await worker.run();
  await health?.close();
  await Promise.all([connection.close(), clientConnection.close()]);
  await db.$disconnect();
  logger.info('Worker stopped');
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
