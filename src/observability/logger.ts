import pino, { type Logger, type LoggerOptions } from 'pino';

// Paths that could carry secrets if a request or error object is ever logged whole.
const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-hub-signature-256"]',
  'headers.authorization',
  'authorization',
  'accessToken',
  'apiKey',
  'appSecret',
  '*.accessToken',
  '*.apiKey',
];

export function loggerOptions(level: string, name: string): LoggerOptions {
  return { level, name, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
}

export function createLogger(level: string, name: string): Logger {
  return pino(loggerOptions(level, name));
}

export type { Logger };
