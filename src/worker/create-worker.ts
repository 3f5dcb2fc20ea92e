import type { DataConverter } from '@temporalio/common';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDependencies } from '../activities';
import { NO_OBSERVER } from '../observability/turn-events';
import { turnSinks } from './turn-sinks';

export interface CreateWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  dependencies: ActivityDependencies;
  /** Encrypts payloads (src/temporal/data-converter.ts); the same as every client's, or histories cannot be read. */
  dataConverter: DataConverter;
  /** A prebuilt bundle (tests build one per file); otherwise the workflows are bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  shutdownGraceTime?: WorkerOptions['shutdownGraceTime'];
  /** See WORKER_MAX_CACHED_WORKFLOWS in config.ts; the SDK's default when undefined. */
  maxCachedWorkflows?: number;
  /** Telemetry: activity and workflow interceptors (OpenTelemetry, metrics) and their sinks, beside the turn sinks. */
  interceptors?: WorkerOptions['interceptors'];
  sinks?: WorkerOptions['sinks'];
}

export async function createWorker(options: CreateWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    dataConverter: options.dataConverter,
    activities: createActivities(options.dependencies),
    sinks: { ...options.sinks, ...turnSinks(options.dependencies.observer ?? NO_OBSERVER) },
    ...(options.interceptors ? { interceptors: options.interceptors } : {}),
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: require.resolve('../workflows') }),
    shutdownGraceTime: options.shutdownGraceTime ?? '20 seconds',
    ...(options.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: options.maxCachedWorkflows } : {}),
  });
}
