// The agent-run tracer a process uses, as TRACER_TYPE chooses: a JSON line per
// step on stdout (console, the default), a Langfuse trace per turn (langfuse), or
// nothing (none). Either way it is a TurnObserver beside the metrics.
import type { Logger } from 'pino';
import { ConfigError, type Config } from '../../config';
import { NO_OBSERVER, type TurnObserver } from '../turn-events';
import { createConsoleTracer } from './console-tracer';
import { createLangfuseTracer } from './langfuse-tracer';

export interface AgentTracer {
  observer: TurnObserver;
  /** Sends what has not been sent yet; call it after the worker has stopped. */
  shutdown(): Promise<void>;
}

export type TracerConfig = Pick<
  Config,
  'TRACER_TYPE' | 'TRACE_LOG_PII' | 'LANGFUSE_PUBLIC_KEY' | 'LANGFUSE_SECRET_KEY' | 'LANGFUSE_BASE_URL' | 'LANGFUSE_HOST' | 'OTEL_SERVICE_NAME'
>;

/** Langfuse Cloud, the SDK's default address. */
export const LANGFUSE_DEFAULT_BASE_URL = 'https://cloud.langfuse.com';

const nothingToSend = async () => {};

/** Throws a ConfigError for TRACER_TYPE=langfuse without both keys, so a misconfigured worker fails at start, not silently. */
export function createAgentTracer({ config, logger }: { config: TracerConfig; logger: Logger }): AgentTracer {
  switch (config.TRACER_TYPE) {
    case 'none':
      return { observer: NO_OBSERVER, shutdown: nothingToSend };
    case 'console':
      return { observer: createConsoleTracer({ logger, logPii: config.TRACE_LOG_PII }), shutdown: nothingToSend };
    case 'langfuse': {
      if (!config.LANGFUSE_PUBLIC_KEY || !config.LANGFUSE_SECRET_KEY) {
        throw new ConfigError(
          'TRACER_TYPE=langfuse needs LANGFUSE_PUBLIC_KEY and LANGFUSE_SECRET_KEY (npm run dev points the tracer at the sandbox Langfuse stand-in when both are unset)',
        );
      }
      return createLangfuseTracer({
        publicKey: config.LANGFUSE_PUBLIC_KEY,
        secretKey: config.LANGFUSE_SECRET_KEY,
        baseUrl: config.LANGFUSE_BASE_URL ?? config.LANGFUSE_HOST ?? LANGFUSE_DEFAULT_BASE_URL,
        logPii: config.TRACE_LOG_PII,
        logger,
        serviceName: config.OTEL_SERVICE_NAME ?? 'whatsapp-booking-agent',
      });
    }
  }
}
