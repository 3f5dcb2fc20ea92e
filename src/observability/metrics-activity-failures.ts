// Counts failed activity attempts by activity and failure class, for every
// activity the worker runs (retried attempts included, each once): the turn
// reports only the failures that were final, and only for its own steps.
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { failureClass } from '../failures';
import type { WorkerMetrics } from './metrics';

/** For createWorker's `interceptors.activity`. */
export function activityFailureMetrics(metrics: Pick<WorkerMetrics, 'activityFailures'>): ActivityInterceptorsFactory {
  return (context) => ({
    inbound: {
      async execute(input, next) {
        try {
          return await next(input);
        } catch (err) {
          metrics.activityFailures.inc({ activity: context.info.activityType, class: failureClass(err) });
          throw err;
        }
      },
    },
  });
}
