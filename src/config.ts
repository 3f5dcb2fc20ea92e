// The one place that reads the environment. Everything else receives a Config.
//
// Fails closed: the development defaults (public values, the local sandbox's tokens)
// apply only when NODE_ENV is exactly "development", which `npm run dev` and the
// tests set. Any other NODE_ENV, unset or misspelt included, needs every secret
// given explicitly, refuses the public development values, and a missing or
// malformed one stops the process with its name (never its value).
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_HISTORY_BUDGET } from './agent/history';
import { ModelPricesError, parseModelPrices } from './usage/prices';
import { DEFAULT_MAX_TOOL_CALLS_PER_REPLY } from './agent/loop';
import type { CalendarAccess } from './calendar/google-calendar';
import { KeyringError, parseKeyring } from './crypto/keyring';

export const DEV_DEFAULTS = {
  APP_SECRET: 'dev-app-secret',
  VERIFY_TOKEN: 'dev-verify-token',
  PHONE_NUMBER_ID: '100000000000001',
  WHATSAPP_ACCESS_TOKEN: 'sandbox-access-token',
  OPENAI_API_KEY: 'sandbox-openai-key',
  GOOGLE_CALENDAR_ACCESS_TOKEN: 'sandbox-google-token',
  // The OAuth client `npm run dev` gives the API and worker with the sandbox calendar, so the console can connect one offline.
  GOOGLE_OAUTH_CLIENT_ID: 'sandbox-oauth-client.apps.googleusercontent.com',
  GOOGLE_OAUTH_CLIENT_SECRET: 'sandbox-oauth-client-secret',
  // Public, so only for development: histories and stored tokens made with them are readable by anyone.
  TEMPORAL_PAYLOAD_KEYS: 'dev1:ZGV2ZWxvcG1lbnQtb25seS1wYXlsb2FkLWtleS0zMmI=',
  SECRETS_ENCRYPTION_KEYS: 'dev1:ZGV2ZWxvcG1lbnQtb25seS1zZWNyZXRzLWtleS0zMmI=',
  CODEC_AUTH_TOKEN: 'dev-codec-auth-token',
} as const;

/**
 * Needed outside development. LOG_HASH_KEY too: in development it falls back to APP_SECRET, but the
 * Meta app secret is seen by Meta and every admin of the app, and anyone holding the key can recover
 * phone numbers from their hashes in the logs by trying every number.
 */
export const REQUIRED_OUTSIDE_DEVELOPMENT = [
  'APP_SECRET',
  'VERIFY_TOKEN',
  'WHATSAPP_ACCESS_TOKEN',
  'OPENAI_API_KEY',
  'DATABASE_URL',
  'TEMPORAL_PAYLOAD_KEYS',
  'SECRETS_ENCRYPTION_KEYS',
  'LOG_HASH_KEY',
] as const;

/** Filled in when unset, in development only. */
const DEVELOPMENT_FALLBACKS = {
  APP_SECRET: DEV_DEFAULTS.APP_SECRET,
  VERIFY_TOKEN: DEV_DEFAULTS.VERIFY_TOKEN,
  WHATSAPP_ACCESS_TOKEN: DEV_DEFAULTS.WHATSAPP_ACCESS_TOKEN,
  OPENAI_API_KEY: DEV_DEFAULTS.OPENAI_API_KEY,
  TEMPORAL_PAYLOAD_KEYS: DEV_DEFAULTS.TEMPORAL_PAYLOAD_KEYS,
  SECRETS_ENCRYPTION_KEYS: DEV_DEFAULTS.SECRETS_ENCRYPTION_KEYS,
  CODEC_AUTH_TOKEN: DEV_DEFAULTS.CODEC_AUTH_TOKEN,
} as const;

const KEYRINGS = ['TEMPORAL_PAYLOAD_KEYS', 'SECRETS_ENCRYPTION_KEYS'] as const;

/**
 * Published in this repository, so refused outside development wherever they turn up. PHONE_NUMBER_ID is
 * only the demo's number; the keyrings are compared key by key (keyringProblems).
 */
const PUBLIC_DEVELOPMENT_VALUES = Object.entries(DEV_DEFAULTS).filter(
  ([name]) => name !== 'PHONE_NUMBER_ID' && !(KEYRINGS as readonly string[]).includes(name),
);

const booleanFlag = z
  .enum(['true', 'false', '1', '0', ''])
  .default('false')
  .transform((v) => v === 'true' || v === '1');

const port = z
  .string()
  .regex(/^\d{1,5}$/, 'a port number')
  .transform(Number)
  .refine((n) => n <= 65535, 'a port number');

const schema = z.object({
  HOST: z.string().default('127.0.0.1'),
  PORT: port.default(8000),
  // The console's address as browsers reach it (behind a proxy or tunnel): Google's OAuth redirect comes back here.
  PUBLIC_URL: z.url().optional(),
  // A slow or stalled client cannot hold a connection: its request (headers and body) must arrive within
  // HTTP_REQUEST_TIMEOUT_MS, a connection silent both ways for HTTP_IDLE_TIMEOUT_MS is closed, and a
  // kept-alive one waiting for its next request is closed after HTTP_KEEP_ALIVE_TIMEOUT_MS (behind a
  // load balancer, keep this above the balancer's own idle timeout).
  HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  HTTP_IDLE_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  APP_SECRET: z.string().min(1),
  VERIFY_TOKEN: z.string().min(1),
  PHONE_NUMBER_ID: z.string().regex(/^\d+$/, 'digits only').default(DEV_DEFAULTS.PHONE_NUMBER_ID),
  WEBHOOK_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
  WEBHOOK_MAX_IN_FLIGHT: z.coerce.number().int().positive().default(256),
  // Of those, how many one business (phone_number_id) may hold, so its flood leaves room for the others; max(8, a quarter) when unset.
  WEBHOOK_MAX_IN_FLIGHT_PER_BUSINESS: z.coerce.number().int().positive().optional(),

  WHATSAPP_ACCESS_TOKEN: z.string().min(1),
  GRAPH_API_BASE_URL: z.url().default('https://graph.facebook.com'),
  GRAPH_API_VERSION: z
    .string()
    .regex(/^v\d+\.\d+$/)
    .default('v23.0'),

  OPENAI_API_KEY: z.string().min(1),
  OPENAI_BASE_URL: z.url().optional(),
  OPENAI_MODEL: z.string().min(1).default('gpt-4o-mini'),
  AGENT_MAX_ITERATIONS: z.coerce.number().int().min(1).max(20).default(6),
  // What the model reads and may do per turn (src/agent/history.ts, loop.ts); the database keeps every message whole.
  INBOUND_TEXT_MAX_CHARS: z.coerce.number().int().min(100).default(DEFAULT_HISTORY_BUDGET.maxInboundChars),
  HISTORY_MAX_TOKENS: z.coerce.number().int().min(300).default(DEFAULT_HISTORY_BUDGET.maxTokens),
  MAX_TOOL_CALLS_PER_REPLY: z.coerce.number().int().min(1).max(20).default(DEFAULT_MAX_TOOL_CALLS_PER_REPLY),
  // max_tokens of every model call: a reply is a few WhatsApp lines, and a runaway answer costs money.
  MODEL_MAX_OUTPUT_TOKENS: z.coerce.number().int().min(16).max(32_768).default(600),

  DATABASE_URL: z.string().optional(),

  GOOGLE_CALENDAR_ROOT_URL: z.url().optional(),
  GOOGLE_CALENDAR_ACCESS_TOKEN: z.string().optional(),
  GOOGLE_SERVICE_ACCOUNT_KEY_FILE: z.string().optional(),
  GOOGLE_OAUTH_CLIENT_ID: z.string().optional(),
  GOOGLE_OAUTH_CLIENT_SECRET: z.string().optional(),
  GOOGLE_OAUTH_AUTH_URL: z.url().optional(),
  GOOGLE_OAUTH_TOKEN_URL: z.url().optional(),

  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('whatsapp-agent'),
  TEMPORAL_UI_URL: z.url().default('http://127.0.0.1:8233'),
  // Transport security to the Temporal frontend: server CA, client certificate and key for mTLS
  // (PEM file paths), and/or an API key (Temporal Cloud). TLS is on when any of them is set.
  TEMPORAL_TLS_CA: z.string().optional(),
  TEMPORAL_TLS_CERT: z.string().optional(),
  TEMPORAL_TLS_KEY: z.string().optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().optional(),
  TEMPORAL_API_KEY: z.string().optional(),
  // AES-256-GCM keys for workflow payloads, "id:base64key" separated by commas. The first one
  // encrypts; every one listed decrypts, so a new key goes first and an old one stays until
  // the histories it wrote have expired.
  TEMPORAL_PAYLOAD_KEYS: z.string().min(1),
  // Bearer token the codec server accepts from the `temporal` CLI (the Web UI uses a console session).
  CODEC_AUTH_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  // Keys for secrets stored in the database (Google refresh tokens, WhatsApp access tokens); same format and rotation.
  SECRETS_ENCRYPTION_KEYS: z.string().min(1),
  // Workflows kept in the worker's memory between tasks. Most are idle conversations (open
  // for 10 minutes after a reply); one evicted from the cache is rebuilt from its short
  // history on its next message. The SDK's default scales with the heap (~2,000 on a 4 GB
  // heap, over 1 GB of RSS under load); 250 keeps the worker near 300 MB.
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).default(250),
  // The worker's health check (GET /healthz on HOST): 200 while it polls, 503 otherwise. Off when unset.
  WORKER_HEALTH_PORT: port.optional(),

  SANDBOX_PORT: port.default(8090),

  // Agent-run traces (src/observability/tracing/): a line per turn, model call and tool call on stdout,
  // or a Langfuse trace per turn. Message text reaches a trace only with TRACE_LOG_PII=true.
  TRACER_TYPE: z.enum(['console', 'langfuse', 'none']).default('console'),
  LANGFUSE_PUBLIC_KEY: z.string().optional(),
  LANGFUSE_SECRET_KEY: z.string().optional(),
  // LANGFUSE_HOST is the older name of the same setting; LANGFUSE_BASE_URL wins when both are set.
  LANGFUSE_BASE_URL: z.url().optional(),
  LANGFUSE_HOST: z.url().optional(),
  // OpenTelemetry across processes (webhook → workflow → activities), exported over OTLP/HTTP when set; off otherwise.
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
  // Prometheus metrics (GET /metrics), each process on its own port, never on the public webhook port.
  API_METRICS_PORT: port.default(9463),
  WORKER_METRICS_PORT: port.default(9464),
  // Prices per million tokens, JSON: {"gpt-4o-mini":{"input":0.15,"output":0.6}}; merged over the built-in table (src/usage/prices.ts).
  MODEL_PRICES: z.string().optional(),

  TRACE_LOG_PII: booleanFlag,
  // Keys the hash of phone numbers in logs (required outside development, where APP_SECRET stands in). The same in every process.
  LOG_HASH_KEY: z.string().min(16, 'at least 16 characters').optional(),
});

/** Every setting's name: the README's configuration table lists each (test/unit/readme.test.ts). */
export const CONFIG_VARIABLES = Object.keys(schema.shape);

export type Config = z.infer<typeof schema> & {
  /** NODE_ENV is exactly "development": the development defaults were allowed, and cookies may travel over plain HTTP. */
  isDevelopment: boolean;
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads `.env` from the working directory (if present) without overriding variables already set. */
export function loadDotEnv(file = path.resolve(process.cwd(), '.env')): void {
  if (fs.existsSync(file)) process.loadEnvFile(file);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const isDevelopment = env.NODE_ENV === 'development';
  // Empty strings count as unset, as they do in most .env files.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  if (!isDevelopment) {
    const missing = REQUIRED_OUTSIDE_DEVELOPMENT.filter((name) => !present[name]);
    if (missing.length) throw new ConfigError(`Missing required environment variables: ${missing.join(', ')}${outsideDevelopment(env.NODE_ENV)}`);
  }
  const parsed = schema.safeParse(isDevelopment ? { ...DEVELOPMENT_FALLBACKS, ...present } : present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`Invalid environment: ${problems}`);
  }
  const problems = [...keyringProblems(parsed.data, isDevelopment), ...temporalTlsProblems(parsed.data)];
  try {
    parseModelPrices(parsed.data.MODEL_PRICES);
  } catch (err) {
    if (!(err instanceof ModelPricesError)) throw err;
    problems.push(err.message);
  }
  if (!isDevelopment) {
    for (const [name, value] of PUBLIC_DEVELOPMENT_VALUES) {
      if (present[name] === value) problems.push(`${name}: the public development value${outsideDevelopment(env.NODE_ENV)}; set a secret of your own`);
    }
  }
  if (problems.length) throw new ConfigError(`Invalid environment: ${problems.join('; ')}`);
  return { ...parsed.data, isDevelopment };
}

/** Why the development defaults did not apply, for error messages. */
function outsideDevelopment(nodeEnv: string | undefined): string {
  if (nodeEnv === 'production') return '';
  const given = nodeEnv ? `NODE_ENV is ${JSON.stringify(nodeEnv)}` : 'NODE_ENV is unset';
  return ` (${given}: development defaults apply only with NODE_ENV=development)`;
}

/** Each keyring must parse, and outside development hold none of the public development keys, not even to decrypt. */
function keyringProblems(config: Record<(typeof KEYRINGS)[number], string>, isDevelopment: boolean): string[] {
  const publicKeys = KEYRINGS.flatMap((name) => [...parseKeyring(DEV_DEFAULTS[name], name).keys.values()]);
  const problems: string[] = [];
  for (const name of KEYRINGS) {
    try {
      const keyring = parseKeyring(config[name], name);
      if (isDevelopment) continue;
      for (const [id, key] of keyring.keys) {
        if (publicKeys.some((publicKey) => publicKey.equals(key))) problems.push(`${name}: key "${id}" is a public development key`);
      }
    } catch (err) {
      if (!(err instanceof KeyringError)) throw err;
      problems.push(err.message);
    }
  }
  return problems;
}

function temporalTlsProblems(config: Pick<z.infer<typeof schema>, 'TEMPORAL_TLS_CERT' | 'TEMPORAL_TLS_KEY'>): string[] {
  if (Boolean(config.TEMPORAL_TLS_CERT) === Boolean(config.TEMPORAL_TLS_KEY)) return [];
  return [
    `${config.TEMPORAL_TLS_CERT ? 'TEMPORAL_TLS_KEY' : 'TEMPORAL_TLS_CERT'}: needed with ${config.TEMPORAL_TLS_CERT ? 'TEMPORAL_TLS_CERT' : 'TEMPORAL_TLS_KEY'} (mutual TLS takes the client certificate and its private key together)`,
  ];
}

type CalendarConfig = Pick<
  Config,
  | 'GOOGLE_CALENDAR_ROOT_URL'
  | 'GOOGLE_CALENDAR_ACCESS_TOKEN'
  | 'GOOGLE_SERVICE_ACCOUNT_KEY_FILE'
  | 'GOOGLE_OAUTH_CLIENT_ID'
  | 'GOOGLE_OAUTH_CLIENT_SECRET'
  | 'GOOGLE_OAUTH_AUTH_URL'
  | 'GOOGLE_OAUTH_TOKEN_URL'
>;

export function calendarAccess(config: Partial<CalendarConfig>): CalendarAccess {
  return {
    rootUrl: config.GOOGLE_CALENDAR_ROOT_URL,
    accessToken: config.GOOGLE_CALENDAR_ACCESS_TOKEN,
    serviceAccountKeyFile: config.GOOGLE_SERVICE_ACCOUNT_KEY_FILE,
    oauthClient:
      config.GOOGLE_OAUTH_CLIENT_ID && config.GOOGLE_OAUTH_CLIENT_SECRET
        ? {
            clientId: config.GOOGLE_OAUTH_CLIENT_ID,
            clientSecret: config.GOOGLE_OAUTH_CLIENT_SECRET,
            authBaseUrl: config.GOOGLE_OAUTH_AUTH_URL,
            tokenUrl: config.GOOGLE_OAUTH_TOKEN_URL,
          }
        : undefined,
  };
}

export function hasGoogleCredentials(config: Config): boolean {
  return Boolean(config.GOOGLE_CALENDAR_ACCESS_TOKEN || config.GOOGLE_SERVICE_ACCOUNT_KEY_FILE || config.GOOGLE_OAUTH_CLIENT_ID);
}

export function requireDatabaseUrl(config: Config): string {
  if (!config.DATABASE_URL) throw new ConfigError('Missing required environment variable: DATABASE_URL');
  return config.DATABASE_URL;
}
