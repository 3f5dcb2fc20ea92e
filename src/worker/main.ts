// The worker process: polls the task queue and runs workflows and activities.
import fs from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { createOpenAIModel } from '../activities/model';
import { calendarAccess, loadConfig, loadDotEnv, requireDatabaseUrl } from '../config';
import { createDatabase } from '../db/client';
import { createLogger, temporalLogger } from '../observability/logger';
import { createGraphClient } from '../whatsapp/graph-client';
import { WORKFLOW_BUNDLE_FILE } from './bundle-workflows';
import { createWorker } from './create-worker';
import { ensureHousekeepingSchedule } from './housekeeping-schedule';
import { setIdentifierHashKey } from '../observability/privacy';

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
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const clientConnection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const temporal = new Client({ connection: clientConnection, namespace: config.TEMPORAL_NAMESPACE });
  const worker = await createWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
    // Built by `npm run build`; without it (tsx in development) the workflows are bundled at start.
    ...(fs.existsSync(WORKFLOW_BUNDLE_FILE) ? { workflowBundle: { codePath: WORKFLOW_BUNDLE_FILE } } : {}),
    dependencies: {
      db,
      temporal,
      model: createOpenAIModel({ apiKey: config.OPENAI_API_KEY, baseURL: config.OPENAI_BASE_URL, model: config.OPENAI_MODEL }),
      whatsapp: createGraphClient({ baseUrl: config.GRAPH_API_BASE_URL, version: config.GRAPH_API_VERSION, accessToken: config.WHATSAPP_ACCESS_TOKEN }),
      calendarAccess: calendarAccess(config),
      maxIterations: config.AGENT_MAX_ITERATIONS,
    },
  });
  // Housekeeping is not worth refusing to serve customers over: another worker, or the next start, creates it.
  const schedule = await ensureHousekeepingSchedule(temporal, config.TEMPORAL_TASK_QUEUE).catch((err: Error) => {
    logger.error({ error: err.message }, 'Could not create the housekeeping schedule; parked statuses will not expire until a worker creates it');
    return 'missing';
  });
  logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE, address: config.TEMPORAL_ADDRESS, housekeepingSchedule: schedule }, 'Worker polling');
  // Runtime shuts the worker down on SIGINT/SIGTERM: polling stops, running activities get the grace time.
  await worker.run();
  await Promise.all([connection.close(), clientConnection.close()]);
  await db.$disconnect();
  logger.info('Worker stopped');
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
