// The HTTP application, built from its dependencies so tests and the server
// entry point assemble it the same way.
import Fastify, { type FastifyInstance } from 'fastify';
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import type { Database } from '../db/client';
import { loggerOptions } from '../observability/logger';
import { createBusinessDirectory } from './business-directory';
import { RouteLogController } from './request-log';
import { healthRoutes } from './health-routes';
import { webhookRoutes } from './webhook-routes';

export interface AppDependencies {
  config: Pick<Config, 'APP_SECRET' | 'VERIFY_TOKEN' | 'WEBHOOK_BODY_LIMIT_BYTES' | 'TEMPORAL_TASK_QUEUE' | 'LOG_LEVEL'>;
  db: Database;
  temporal: Client;
}

export async function buildApp({ config, db, temporal }: AppDependencies): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(config.LOG_LEVEL, 'api'),
    bodyLimit: config.WEBHOOK_BODY_LIMIT_BYTES,
    logController: new RouteLogController(),
  });
  await app.register(healthRoutes, { db, temporal });
  await app.register(webhookRoutes, {
    appSecret: config.APP_SECRET,
    verifyToken: config.VERIFY_TOKEN,
    bodyLimit: config.WEBHOOK_BODY_LIMIT_BYTES,
    db,
    temporal,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    businesses: createBusinessDirectory(db),
  });
  return app;
}
