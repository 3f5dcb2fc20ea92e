// The one place that reads the environment. Everything else receives a Config.
//
// Outside production every variable has a development default, so a fresh clone
// runs against the local sandbox; in production the secrets and endpoints must be
// given explicitly and a missing one stops the process with its name.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { CalendarAccess } from './calendar/google-calendar';

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

const REQUIRED_IN_PRODUCTION = ['APP_SECRET', 'VERIFY_TOKEN', 'WHATSAPP_ACCESS_TOKEN', 'OPENAI_API_KEY', 'DATABASE_URL'] as const;

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
  NODE_ENV: z.string().default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: port.default(8000),
  // The console's address as browsers reach it (behind a proxy or tunnel): Google's OAuth redirect comes back here.
  PUBLIC_URL: z.url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  APP_SECRET: z.string().min(1).default(DEV_DEFAULTS.APP_SECRET),
  VERIFY_TOKEN: z.string().min(1).default(DEV_DEFAULTS.VERIFY_TOKEN),
  PHONE_NUMBER_ID: z.string().regex(/^\d+$/, 'digits only').default(DEV_DEFAULTS.PHONE_NUMBER_ID),
  WEBHOOK_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
  WEBHOOK_MAX_IN_FLIGHT: z.coerce.number().int().positive().default(256),

  WHATSAPP_ACCESS_TOKEN: z.string().min(1).default(DEV_DEFAULTS.WHATSAPP_ACCESS_TOKEN),
  GRAPH_API_BASE_URL: z.url().default('https://graph.facebook.com'),
  GRAPH_API_VERSION: z
    .string()
    .regex(/^v\d+\.\d+$/)
    .default('v23.0'),

  OPENAI_API_KEY: z.string().min(1).default(DEV_DEFAULTS.OPENAI_API_KEY),
  OPENAI_BASE_URL: z.url().optional(),
  OPENAI_MODEL: z.string().min(1).default('gpt-4o-mini'),
  AGENT_MAX_ITERATIONS: z.coerce.number().int().min(1).max(20).default(6),

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
  TEMPORAL_PAYLOAD_KEYS: z.string().min(1).default(DEV_DEFAULTS.TEMPORAL_PAYLOAD_KEYS),
  // Bearer token the codec server accepts from the `temporal` CLI (the Web UI uses a console session).
  CODEC_AUTH_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  // Keys for secrets stored in the database (Google refresh tokens, WhatsApp access tokens); same format and rotation.
  SECRETS_ENCRYPTION_KEYS: z.string().min(1).default(DEV_DEFAULTS.SECRETS_ENCRYPTION_KEYS),
  // Workflows kept in the worker's memory between tasks. Most are idle conversations (open
  // for 10 minutes after a reply); one evicted from the cache is rebuilt from its short
  // history on its next message. The SDK's default scales with the heap (~2,000 on a 4 GB
  // heap, over 1 GB of RSS under load); 250 keeps the worker near 300 MB.
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).default(250),

  SANDBOX_PORT: port.default(8090),
  TRACE_LOG_PII: booleanFlag,
  // Keys the hash of phone numbers in logs; APP_SECRET when unset. The same in every process.
  LOG_HASH_KEY: z.string().min(16, 'at least 16 characters').optional(),
});

export type Config = z.infer<typeof schema> & { isProduction: boolean };

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads `.env` from the working directory (if present) without overriding variables already set. */
export function loadDotEnv(file = path.resolve(process.cwd(), '.env')): void {
  if (fs.existsSync(file)) process.loadEnvFile(file);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const isProduction = env.NODE_ENV === 'production';
  if (isProduction) {
    const missing = REQUIRED_IN_PRODUCTION.filter((name) => !env[name]);
    if (missing.length) throw new ConfigError(`Missing required environment variables: ${missing.join(', ')}`);
  }
  // Empty strings count as unset, as they do in most .env files.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`Invalid environment: ${problems}`);
  }
  return { ...parsed.data, isProduction };
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
