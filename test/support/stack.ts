// The system assembled for integration tests from real parts: the Temporal dev
// server and PostgreSQL from the global setup, the sandbox standing in for Meta
// and OpenAI over HTTP, a worker running the real workflows and activities, and
// the Fastify app listening on a real port.
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import {
  bundleWorkflowCode,
  NativeConnection,
  Runtime,
  type MetricsExporterConfig,
  type Worker,
  type WorkerOptions,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import type { Logger as TemporalLogger } from '@temporalio/common';
import type { FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import { createOpenAIModel } from '../../src/activities/model';
import { buildApp } from '../../src/api/app';
import { loadConfig } from '../../src/config';
import { SANDBOX_CALENDAR_ID, seedDemoBusiness } from '../../src/db/demo-business';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import type { TurnObserver } from '../../src/observability/turn-events';
import type { ApiMetrics } from '../../src/observability/metrics';
import { clientInterceptors, workerTelemetry, type OpenTelemetry } from '../../src/observability/opentelemetry';
import { createGraphClient } from '../../src/whatsapp/graph-client';
import { createWorker } from '../../src/worker/create-worker';
import { encryptingDataConverter, FAILURE_CONVERTER_PATH, payloadKeyring } from '../../src/temporal/data-converter';
import { secretsKeyring } from '../../src/crypto/secrets';
import { createTestDatabase, type TestDatabase } from './database';

export const TEST_APP_SECRET = 'test-app-secret';
export const TEST_VERIFY_TOKEN = 'test-verify-token';
export const TEST_ACCESS_TOKEN = 'test-access-token';
export const DEMO_PHONE_NUMBER_ID = '100000000000001';
export const TEST_GOOGLE_TOKEN = 'test-google-token';
export const TEST_OPENAI_KEY = 'test-openai-key';
/** max_tokens of the worker's model calls (MODEL_MAX_OUTPUT_TOKENS). */
export const TEST_MODEL_MAX_OUTPUT_TOKENS = 600;
/** Every integration test writes encrypted histories, as production does; the first key encrypts. */
export const TEST_PAYLOAD_KEYS = 'test2:dGVzdC1wYXlsb2FkLWtleS10d28tLS0tLS0tLS0tLS0=,test1:dGVzdC1wYXlsb2FkLWtleS1vbmUtLS0tLS0tLS0tLS0=';
export const TEST_CODEC_AUTH_TOKEN = 'test-codec-auth-token';
/** How the stack's clients and worker read and write payloads; for tests that replay or decode histories themselves. */
export const TEST_DATA_CONVERTER = encryptingDataConverter(payloadKeyring({ TEMPORAL_PAYLOAD_KEYS: TEST_PAYLOAD_KEYS }));
/** Seals the secrets businesses give (refresh tokens, WhatsApp tokens) in the stack's database. */
export const TEST_SECRETS_KEYS = 'stest1:dGVzdC1zZWNyZXRzLWtleS1vbmUtLS0tLS0tLS0tLS0=';
export const TEST_SECRETS = secretsKeyring(TEST_SECRETS_KEYS);
export const TEST_OAUTH_CLIENT = { clientId: 'test-oauth-client.apps.googleusercontent.com', clientSecret: 'test-oauth-client-secret' };

const bundles = new Map<string, Promise<WorkflowBundleWithSourceMap>>();
let runtimeInstalled = false;

/** The workflow bundle (with these workflow interceptor modules: OpenTelemetry's for a traced stack), built once per test file. */
export function workflowBundle(workflowInterceptorModules: string[] = []): Promise<WorkflowBundleWithSourceMap> {
  const key = workflowInterceptorModules.join('\n');
  const bundle =
    bundles.get(key) ??
    bundleWorkflowCode({
      workflowsPath: require.resolve('../../src/workflows'),
      failureConverterPath: FAILURE_CONVERTER_PATH,
      workflowInterceptorModules,
      logger: quietLogger,
    });
  bundles.set(key, bundle);
  return bundle;
}

const quietLogger = { trace() {}, debug() {}, info() {}, warn() {}, error: (m: string) => console.error(m), log() {} };

export interface Stack {
  sandbox: Sandbox;
  database: TestDatabase;
  temporal: Client;
  taskQueue: string;
  app: FastifyInstance;
  webhookUrl: string;
  businessId: string;
  /** The environment for a worker in its own process (src/worker/main.ts) that serves this stack. */
  workerProcessEnv(): Record<string, string>;
  stop(): Promise<void>;
}

export interface StackOptions {
  /** Access token the worker sends to the Graph API (the sandbox accepts TEST_ACCESS_TOKEN). */
  workerAccessToken?: string;
  /** Google token the worker presents to the Calendar stand-in (which accepts TEST_GOOGLE_TOKEN). */
  workerGoogleToken?: string;
  maxIterations?: number;
  /** Client-side timeouts, short in tests that make a stand-in hang. */
  modelTimeoutMs?: number;
  /** max_tokens of every model call; TEST_MODEL_MAX_OUTPUT_TOKENS by default. */
  modelMaxOutputTokens?: number;
  /** MAX_TOOL_CALLS_PER_REPLY of the in-process worker; the worker's default (3) when absent. */
  maxToolCallsPerReply?: number;
  graphTimeoutMs?: number;
  calendarTimeoutMs?: number;
  /** false: no worker in this process; tests start one with workerProcessEnv() and kill it at will. */
  inProcessWorker?: boolean;
  /** The Graph stand-in posts signed `sent`/`delivered` status webhooks to the app, as Meta does. */
  statusWebhooks?: boolean;
  /** The Temporal runtime's logger (worker, activities, workflows). One per process: only the first stack of a test file can choose it. */
  runtimeLogger?: TemporalLogger;
  /** The API's log lines, from this level, go here instead of nowhere. */
  apiLog?: { level: 'trace' | 'debug' | 'info'; destination: DestinationStream };
  /** TRACE_LOG_PII for the API. */
  traceLogPii?: boolean;
  /** Console sign-ins per address per minute; generous by default, since every test signs in from 127.0.0.1. */
  adminSignInRateLimitPerMinute?: number;
  /** Shorter conversation runs, for tests of their edges. */
  conversationTiming?: { idleMs?: number; turnsPerRun?: number; handBackAfterMs?: number };
  /**
   * The app and the worker get an OAuth client (TEST_OAUTH_CLIENT) on the sandbox's OAuth stand-in: the console can
   * connect calendars, and the worker books with the refresh tokens it stores.
   */
  googleOAuth?: boolean;
  /** TEMPORAL_UI_URL for the app: the origin its codec server lets a browser call it from. */
  temporalUiUrl?: string;
  /** Hears the in-process worker's turns, model calls, tool calls and sends (tracers, metrics); nobody by default. */
  observer?: TurnObserver;
  /** The in-process worker's workflow cache; 0 makes every workflow task replay the history from the start. */
  maxCachedWorkflows?: number;
  /** The in-process worker's interceptors (activity failure metrics, tracing). */
  workerInterceptors?: WorkerOptions['interceptors'];
  /** The Temporal runtime's metrics exporter (the SDK's Prometheus endpoint). One per process, like runtimeLogger. */
  runtimeMetrics?: MetricsExporterConfig;
  /** The API's webhook metrics. */
  apiMetrics?: ApiMetrics;
  /** MODEL_PRICES for the app: the console's cost figures. */
  modelPrices?: string;
  /** Traces the app's and the worker's Temporal clients, the worker (interceptors, traced bundle) and the webhook. */
  openTelemetry?: OpenTelemetry;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  if (!runtimeInstalled) {
    Runtime.install({ logger: options.runtimeLogger ?? quietLogger, ...(options.runtimeMetrics && { telemetryOptions: { metrics: options.runtimeMetrics } }) });
    runtimeInstalled = true;
  } else if (options.runtimeLogger && Runtime.instance().logger !== options.runtimeLogger) {
    throw new Error('The Temporal runtime is already installed with another logger: pass runtimeLogger to the first stack of the file');
  }
  const address = process.env.TEST_TEMPORAL_ADDRESS;
  if (!address) throw new Error('TEST_TEMPORAL_ADDRESS is not set: run the tests through jest');
  const taskQueue = `test-${randomUUID()}`;

  const [sandbox, database, nativeConnection, connection] = await Promise.all([
    startSandbox({ whatsappAccessToken: TEST_ACCESS_TOKEN, googleAccessToken: TEST_GOOGLE_TOKEN }),
    createTestDatabase(),
    NativeConnection.connect({ address }),
    Connection.connect({ address }),
  ]);
  const temporal = new Client({
    connection,
    namespace: 'default',
    dataConverter: TEST_DATA_CONVERTER,
    interceptors: clientInterceptors(options.openTelemetry),
  });
  const telemetry = workerTelemetry(options.openTelemetry);
  const oauthClient = options.googleOAuth
    ? { ...TEST_OAUTH_CLIENT, authBaseUrl: `${sandbox.url}/o/oauth2/v2/auth`, tokenUrl: `${sandbox.url}/token` }
    : undefined;
  const { id: businessId } = await seedDemoBusiness(database.db, DEMO_PHONE_NUMBER_ID, { googleCalendarId: SANDBOX_CALENDAR_ID });
  // A short quiet window keeps single-message tests fast; burst tests set their own. Tests write far faster
  // than any customer and call the model all day: the limit tests (cost-limits) set the limits they test.
  await database.db.business.update({
    where: { id: businessId },
    data: { replyQuietWindowMs: 100, replyMaxWaitMs: 1000, customerTurnsPerMinute: 60, customerTurnsPerDay: 10_000, dailyTokenBudget: 100_000_000 },
  });

  const worker: Worker | undefined =
    options.inProcessWorker === false
      ? undefined
      : await createWorker({
          connection: nativeConnection,
          namespace: 'default',
          taskQueue,
          dataConverter: TEST_DATA_CONVERTER,
          workflowBundle: await workflowBundle(telemetry.workflowInterceptorModules),
          shutdownGraceTime: '1 second',
          maxCachedWorkflows: options.maxCachedWorkflows,
          interceptors: { ...options.workerInterceptors, activity: [...(options.workerInterceptors?.activity ?? []), ...telemetry.interceptors.activity] },
          sinks: telemetry.sinks,
          dependencies: {
            db: database.db,
            temporal,
            model: createOpenAIModel({
              apiKey: TEST_OPENAI_KEY,
              baseURL: `${sandbox.url}/v1`,
              model: 'gpt-4o-mini',
              maxOutputTokens: options.modelMaxOutputTokens ?? TEST_MODEL_MAX_OUTPUT_TOKENS,
              timeoutMs: options.modelTimeoutMs,
            }),
            whatsapp: createGraphClient({
              baseUrl: sandbox.url,
              version: 'v23.0',
              accessToken: options.workerAccessToken ?? TEST_ACCESS_TOKEN,
              timeoutMs: options.graphTimeoutMs,
            }),
            calendarAccess: {
              rootUrl: sandbox.url,
              accessToken: options.workerGoogleToken ?? TEST_GOOGLE_TOKEN,
              timeoutMs: options.calendarTimeoutMs,
              oauthClient,
            },
            secrets: TEST_SECRETS,
            maxIterations: options.maxIterations ?? 4,
            maxToolCallsPerReply: options.maxToolCallsPerReply,
            conversationTiming: options.conversationTiming,
            observer: options.observer,
          },
        });
  const workerRun = worker?.run();

  const config = loadConfig({
    NODE_ENV: 'development',
    APP_SECRET: TEST_APP_SECRET,
    VERIFY_TOKEN: TEST_VERIFY_TOKEN,
    TEMPORAL_TASK_QUEUE: taskQueue,
    TEMPORAL_PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
    SECRETS_ENCRYPTION_KEYS: TEST_SECRETS_KEYS,
    CODEC_AUTH_TOKEN: TEST_CODEC_AUTH_TOKEN,
    ...(options.temporalUiUrl && { TEMPORAL_UI_URL: options.temporalUiUrl }),
    LOG_LEVEL: options.apiLog?.level ?? 'silent',
    TRACE_LOG_PII: options.traceLogPii ? 'true' : 'false',
    ...(options.modelPrices && { MODEL_PRICES: options.modelPrices }),
    // The calendar as the worker opens it: clearing the console's "Try it" test bookings removes their events.
    GOOGLE_CALENDAR_ROOT_URL: sandbox.url,
    GOOGLE_CALENDAR_ACCESS_TOKEN: options.workerGoogleToken ?? TEST_GOOGLE_TOKEN,
    ...(oauthClient && {
      GOOGLE_OAUTH_CLIENT_ID: oauthClient.clientId,
      GOOGLE_OAUTH_CLIENT_SECRET: oauthClient.clientSecret,
      GOOGLE_OAUTH_AUTH_URL: oauthClient.authBaseUrl,
      GOOGLE_OAUTH_TOKEN_URL: oauthClient.tokenUrl,
    }),
  });
  const app = await buildApp({
    config,
    db: database.db,
    temporal,
    logDestination: options.apiLog?.destination,
    adminSignInRateLimitPerMinute: options.adminSignInRateLimitPerMinute ?? 1000,
    metrics: options.apiMetrics,
  }).catch(async (err: unknown) => {
    // Without this, a worker already polling keeps Jest from ever exiting after the failure.
    worker?.shutdown();
    await workerRun;
    await Promise.all([nativeConnection.close(), connection.close(), sandbox.close()]);
    await database.drop();
    throw err;
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as { port: number }).port;
  const webhookUrl = `http://127.0.0.1:${port}/webhook`;
  if (options.statusWebhooks) sandbox.graph.deliverStatusesTo({ url: webhookUrl, appSecret: TEST_APP_SECRET });

  return {
    sandbox,
    database,
    temporal,
    taskQueue,
    app,
    webhookUrl,
    businessId,
    workerProcessEnv: () => ({
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      DATABASE_URL: database.url,
      TEMPORAL_ADDRESS: address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      TEMPORAL_PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
      SECRETS_ENCRYPTION_KEYS: TEST_SECRETS_KEYS,
      OPENAI_BASE_URL: `${sandbox.url}/v1`,
      OPENAI_API_KEY: TEST_OPENAI_KEY,
      GRAPH_API_BASE_URL: sandbox.url,
      WHATSAPP_ACCESS_TOKEN: options.workerAccessToken ?? TEST_ACCESS_TOKEN,
      GOOGLE_CALENDAR_ROOT_URL: sandbox.url,
      GOOGLE_CALENDAR_ACCESS_TOKEN: options.workerGoogleToken ?? TEST_GOOGLE_TOKEN,
      AGENT_MAX_ITERATIONS: String(options.maxIterations ?? 4),
      MODEL_MAX_OUTPUT_TOKENS: String(options.modelMaxOutputTokens ?? TEST_MODEL_MAX_OUTPUT_TOKENS),
      // Any free port: tests run several worker processes at once, which would all want the default.
      WORKER_METRICS_PORT: '0',
      ...(oauthClient && {
        GOOGLE_OAUTH_CLIENT_ID: oauthClient.clientId,
        GOOGLE_OAUTH_CLIENT_SECRET: oauthClient.clientSecret,
        GOOGLE_OAUTH_TOKEN_URL: oauthClient.tokenUrl,
      }),
    }),
    async stop() {
      await app.close();
      worker?.shutdown();
      await workerRun;
      await Promise.all([nativeConnection.close(), connection.close(), sandbox.close()]);
      await database.drop();
    },
  };
}

/**
 * A stack for the enclosing describe block (or file): started before its tests,
 * stopped after them. The returned object forwards to the running stack, so it
 * can be declared at the top and used inside tests. `beforeStop` runs first at
 * the end, for what the tests started on top of it (processes, proxies).
 */
export function useStack(options: StackOptions = {}, { beforeStop }: { beforeStop?: () => Promise<void> } = {}): Stack {
  let current: Stack | undefined;
  beforeAll(async () => {
    current = await startStack(options);
  });
  afterAll(async () => {
    await beforeStop?.();
    await current?.stop();
  });
  return new Proxy({} as Stack, {
    get(_, key) {
      if (!current) throw new Error('The stack is only available once the tests run (useStack starts it in beforeAll)');
      return Reflect.get(current, key);
    },
  });
}
