// The HTTP application, built from its dependencies so tests and the server
// entry point assemble it the same way.
import Fastify, { type FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import type { Client } from '@temporalio/client';
import { calendarAccess, type Config } from '../config';
import { secretsKeyring } from '../crypto/secrets';
import type { Database } from '../db/client';
import { loggerOptions } from '../observability/logger';
import type { ApiMetrics } from '../observability/metrics';
import { createBusinessDirectory } from './business-directory';
import { RouteLogController } from './request-log';
import { healthRoutes } from './health-routes';
import { webhookRoutes } from './webhook-routes';
import { adminConsole } from './admin';
import { CODEC_PATH, codecRoutes } from './codec-routes';
import { parseModelPrices, priceTable } from '../usage/prices';

export interface AppDependencies {
  config: Pick<
    Config,
    | 'APP_SECRET'
    | 'VERIFY_TOKEN'
    | 'WEBHOOK_BODY_LIMIT_BYTES'
    | 'WEBHOOK_MAX_IN_FLIGHT'
    | 'TEMPORAL_TASK_QUEUE'
    | 'SECRETS_ENCRYPTION_KEYS'
    | 'LOG_LEVEL'
    | 'HTTP_REQUEST_TIMEOUT_MS'
    | 'HTTP_IDLE_TIMEOUT_MS'
    | 'HTTP_KEEP_ALIVE_TIMEOUT_MS'
  > &
    Partial<
      Pick<
        Config,
        | 'TRACE_LOG_PII'
        | 'WEBHOOK_MAX_IN_FLIGHT_PER_BUSINESS'
        | 'isDevelopment'
        | 'PUBLIC_URL'
        | 'GOOGLE_CALENDAR_ROOT_URL'
        | 'GOOGLE_OAUTH_CLIENT_ID'
        | 'GOOGLE_OAUTH_CLIENT_SECRET'
        | 'GOOGLE_OAUTH_AUTH_URL'
        | 'GOOGLE_OAUTH_TOKEN_URL'
        | 'GOOGLE_CALENDAR_ACCESS_TOKEN'
        | 'GOOGLE_SERVICE_ACCOUNT_KEY_FILE'
        | 'TEMPORAL_UI_URL'
        | 'CODEC_AUTH_TOKEN'
        | 'TEMPORAL_NAMESPACE'
        | 'MODEL_PRICES'
      >
    >;
  db: Database;
  temporal: Client;
  /** Where log lines go instead of stdout: tests read everything the API logged. */
  logDestination?: DestinationStream;
  /** Console sign-in attempts per client address per minute (10 unless a test needs more). */
  adminSignInRateLimitPerMinute?: number;
  /** Webhook metrics (served by startMetricsServer on API_METRICS_PORT); none counted without it. */
  metrics?: ApiMetrics;
}

export async function buildApp({ config, db, temporal, logDestination, adminSignInRateLimitPerMinute, metrics }: AppDependencies): Promise<FastifyInstance> {
  const app = Fastify({
    logger: { ...loggerOptions(config.LOG_LEVEL, 'api'), ...(logDestination ? { stream: logDestination } : {}) },
    bodyLimit: config.WEBHOOK_BODY_LIMIT_BYTES,
    logController: new RouteLogController(),
    ...httpTimeouts(config),
  });
  // Fastify's own 404 logs and answers the URL as sent, query string included: Meta's
  // handshake sent to a slightly wrong URL (a trailing slash) put the verify token in the log.
  // The 404 is still logged, by route, as every request is (request-log.ts).
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ error: 'Not Found' }));
  await app.register(healthRoutes, { db, temporal });
  await app.register(webhookRoutes, {
    appSecret: config.APP_SECRET,
    verifyToken: config.VERIFY_TOKEN,
    bodyLimit: config.WEBHOOK_BODY_LIMIT_BYTES,
    maxInFlight: config.WEBHOOK_MAX_IN_FLIGHT,
    maxInFlightPerBusiness: config.WEBHOOK_MAX_IN_FLIGHT_PER_BUSINESS,
    db,
    temporal,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    businesses: createBusinessDirectory(db),
    logPii: config.TRACE_LOG_PII ?? false,
    metrics,
  });
  await app.register(adminConsole, {
    prefix: '/admin',
    db,
    appSecret: config.APP_SECRET,
    // Secure cookies are not sent back over plain HTTP, which only development (and the tests, which run as development) use.
    secureCookies: !config.isDevelopment,
    signInRateLimitPerMinute: adminSignInRateLimitPerMinute,
    calendar: { oauthClient: calendarAccess(config).oauthClient, rootUrl: config.GOOGLE_CALENDAR_ROOT_URL, publicUrl: config.PUBLIC_URL },
    temporal: { client: temporal, taskQueue: config.TEMPORAL_TASK_QUEUE },
    calendarAccess: calendarAccess(config),
    secrets: secretsKeyring(config.SECRETS_ENCRYPTION_KEYS),
    prices: priceTable(parseModelPrices(config.MODEL_PRICES)),
    temporalUi: config.TEMPORAL_UI_URL ? { url: config.TEMPORAL_UI_URL, namespace: config.TEMPORAL_NAMESPACE ?? 'default' } : undefined,
  });
  // Decrypts histories for the Web UI and the CLI with the very codecs this app's Temporal client writes with.
  await app.register(codecRoutes, {
    prefix: CODEC_PATH,
    db,
    codecs: temporal.options.loadedDataConverter.payloadCodecs,
    authToken: config.CODEC_AUTH_TOKEN,
    uiOrigin: config.TEMPORAL_UI_URL && new URL(config.TEMPORAL_UI_URL).origin,
  });
  return app;
}

/**
 * Node checks the header and request deadlines only every `connectionsCheckingInterval` (30 s by default,
 * which would let a stalled request live up to twice its deadline), so the check runs at a quarter of it.
 */
function httpTimeouts(config: Pick<Config, 'HTTP_REQUEST_TIMEOUT_MS' | 'HTTP_IDLE_TIMEOUT_MS' | 'HTTP_KEEP_ALIVE_TIMEOUT_MS'>) {
  return {
    requestTimeout: config.HTTP_REQUEST_TIMEOUT_MS,
    connectionTimeout: config.HTTP_IDLE_TIMEOUT_MS,
    keepAliveTimeout: config.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    http: {
      headersTimeout: config.HTTP_REQUEST_TIMEOUT_MS,
      connectionsCheckingInterval: Math.max(50, Math.min(5_000, Math.floor(config.HTTP_REQUEST_TIMEOUT_MS / 4))),
    },
  };
}
