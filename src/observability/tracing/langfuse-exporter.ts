// Sends a batch of spans to Langfuse's OTLP endpoint: OTLP JSON, encoded by
// OpenTelemetry's own serializer, posted with fetch behind Langfuse's basic auth.
// Not OTLPTraceExporter: its Node transport loads `http` with a dynamic import(),
// which fails inside Jest's module sandbox, so the tests could not run the
// exporter production uses. A batch that fails is dropped, not retried: the
// next turn's trace matters more than this one's.
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Logger } from 'pino';

/** Langfuse's OTLP endpoint, under its base URL. */
export const LANGFUSE_OTLP_PATH = '/api/public/otel/v1/traces';

/** Each export gives up after this: the batch is dropped rather than queueing behind a Langfuse that hangs. */
export const EXPORT_TIMEOUT_MS = 5_000;

export interface LangfuseEndpoint {
  baseUrl: string;
  publicKey: string;
  secretKey: string;
}

/**
 * Says once when exports start failing (Langfuse down, keys refused) and once
 * when they work again, instead of a line per batch. The lines carry the status
 * or the network error, never the keys, which only travel in the headers.
 */
export class LangfuseExporter implements SpanExporter {
  private readonly url: string;
  private readonly headers: Record<string, string>;
  private readonly inFlight = new Set<Promise<void>>();
  private failing = false;

  constructor(
    endpoint: LangfuseEndpoint,
    private readonly logger: Logger,
  ) {
    this.url = `${endpoint.baseUrl.replace(/\/+$/, '')}${LANGFUSE_OTLP_PATH}`;
    this.headers = {
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from(`${endpoint.publicKey}:${endpoint.secretKey}`).toString('base64')}`,
      'x-langfuse-public-key': endpoint.publicKey,
    };
  }

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    const sending = this.send(spans).then(done);
    this.inFlight.add(sending);
    void sending.finally(() => this.inFlight.delete(sending));
  }

  async forceFlush(): Promise<void> {
    await Promise.all(this.inFlight);
  }

  shutdown(): Promise<void> {
    return this.forceFlush();
  }

  private async send(spans: ReadableSpan[]): Promise<ExportResult> {
    try {
      const body = JsonTraceSerializer.serializeRequest(spans);
      if (!body) return { code: ExportResultCode.SUCCESS };
      const response = await fetch(this.url, { method: 'POST', headers: this.headers, body, signal: AbortSignal.timeout(EXPORT_TIMEOUT_MS) });
      // Read to the end, so the connection is free for the next batch.
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`Langfuse answered ${response.status} ${response.statusText}`);
      if (this.failing) {
        this.failing = false;
        this.logger.info('Langfuse export works again');
      }
      return { code: ExportResultCode.SUCCESS };
    } catch (err) {
      if (!this.failing) {
        this.failing = true;
        this.logger.warn({ error: describe(err), url: this.url }, 'Langfuse export failed; agent traces are dropped until it works again');
      }
      return { code: ExportResultCode.FAILED, error: err instanceof Error ? err : new Error(String(err)) };
    }
  }
}

/** fetch's own message ("fetch failed") says little; its cause names the network error. */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as Error & { cause?: { code?: string; message?: string } }).cause;
  return cause ? `${err.message}: ${cause.code ?? cause.message}` : err.message;
}
