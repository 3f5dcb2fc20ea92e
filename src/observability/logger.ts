import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import type { LogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';

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

/** A JSON logger to stdout, or to `destination` (tests capture the lines there). */
export function createLogger(level: string, name: string, destination?: DestinationStream): Logger {
  return destination ? pino(loggerOptions(level, name), destination) : pino(loggerOptions(level, name));
}

const PINO_LEVELS = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

/** A Temporal payload as protobuf JSON: encoded bytes under `data`, the encoding under `metadata`. */
function isPayload(value: unknown): value is { data: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { data?: unknown }).data === 'string' &&
    typeof (value as { metadata?: unknown }).metadata === 'object'
  );
}

/**
 * The SDK's trace lines dump whole workflow activations and activity tasks,
 * whose payloads are the workflow and activity inputs and results: message
 * text, phone numbers, the conversation sent to the model. Base64 hides
 * nothing, so payloads are replaced by their size. Errors, which Temporal logs
 * under `error`, are serialised as pino does under `err` (message and stack,
 * rather than the `{}` JSON gives an Error).
 */
function loggable(meta: LogMetadata | undefined): Record<string, unknown> {
  if (!meta) return {};
  try {
    return JSON.parse(
      JSON.stringify(meta, (_key, value: unknown) => {
        if (value instanceof Error) return pino.stdSerializers.err(value);
        if (typeof value === 'bigint') return value.toString();
        return isPayload(value) ? `[payload, ${Math.floor((value.data.length * 3) / 4)} bytes]` : value;
      }),
    );
  } catch {
    return { meta: '[not serialisable]' };
  }
}

/** The Temporal runtime's logger (worker, activities, workflows), writing through pino. */
export function temporalLogger(logger: Logger): TemporalLogger {
  const log = (level: LogLevel, message: string, meta?: LogMetadata) => {
    const method = PINO_LEVELS[level];
    if (logger.isLevelEnabled(method)) logger[method](loggable(meta), message);
  };
  return {
    log,
    trace: (message, meta) => log('TRACE', message, meta),
    debug: (message, meta) => log('DEBUG', message, meta),
    info: (message, meta) => log('INFO', message, meta),
    warn: (message, meta) => log('WARN', message, meta),
    error: (message, meta) => log('ERROR', message, meta),
  };
}

export type { Logger };
