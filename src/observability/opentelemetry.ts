// OpenTelemetry across processes: one trace from the webhook request through the
// workflow start, the workflow and every activity, exported over OTLP/HTTP when
// OTEL_EXPORTER_OTLP_ENDPOINT is set. Unset, nothing here runs: no provider is
// registered, no interceptor installed, and the webhook's span is the API's no-op.
//
// Temporal carries the context in headers (@temporalio/interceptors-opentelemetry):
// the clients' interceptor writes it on StartWorkflow and SignalWithStartWorkflow,
// the workflow interceptors (bundled with the workflows) read it and write it on
// each activity they schedule, and the activity interceptor reads it there.
import { context, diag, DiagLogLevel, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { ClientInterceptors } from '@temporalio/client';
import {
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import type { WorkerInterceptors, WorkerOptions } from '@temporalio/worker';
import type { Config } from '../config';
import { workflowSpanSink } from './opentelemetry-workflow-spans';

export type TracedProcess = 'api' | 'worker';

export interface OpenTelemetry {
  /** Where the spans made inside workflows go: they are made in the sandbox and handed over by a sink. */
  readonly spanProcessor: SpanProcessor;
  readonly resource: Resource;
  /** Exports what is still buffered, then stops; the process calls it on its way out. */
  shutdown(): Promise<void>;
}

/** The workflow interceptors, bundled with the workflows (src/worker/bundle-workflows.ts) when tracing is on. */
export const OTEL_WORKFLOW_INTERCEPTOR_MODULES: readonly string[] = [require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors')];

/** Where OpenTelemetry's own problems (an export that failed) are said: the process's logger. */
export interface ProblemLog {
  warn(fields: Record<string, unknown>, message: string): void;
}

/**
 * Registers the global tracer provider, exporting in batches to `${OTEL_EXPORTER_OTLP_ENDPOINT}/v1/traces` (the path
 * the OTLP specification appends to the base endpoint). Undefined when the endpoint is unset: tracing is off.
 * The exporter itself reads OTEL_EXPORTER_OTLP_HEADERS, _TIMEOUT, _COMPRESSION and the certificate settings.
 */
export function startOpenTelemetry(
  config: Pick<Config, 'OTEL_EXPORTER_OTLP_ENDPOINT' | 'OTEL_SERVICE_NAME'>,
  role: TracedProcess,
  log: ProblemLog,
): OpenTelemetry | undefined {
  if (!config.OTEL_EXPORTER_OTLP_ENDPOINT) return undefined;
  const problem = (message: string) => log.warn({ otel: message }, 'OpenTelemetry problem');
  // Failed exports reach only the SDK's diagnostic logger, which is silent unless given one.
  diag.setLogger(
    {
      error: problem,
      warn: () => {},
      info: () => {},
      debug: () => {},
      verbose: () => {},
    },
    DiagLogLevel.ERROR,
  );
  const resource = defaultResource().merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.OTEL_SERVICE_NAME ?? `whatsapp-booking-${role}` }));
  const spanProcessor = new BatchSpanProcessor(new OTLPTraceExporter({ url: tracesUrl(config.OTEL_EXPORTER_OTLP_ENDPOINT) }));
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  // The async-hooks context manager carries the active span into awaited calls (the webhook's workflow start, the
  // activity's signal-with-start), and the W3C propagator writes it into the Temporal headers.
  provider.register();
  return {
    spanProcessor,
    resource,
    async shutdown() {
      // The last batch may not make it (collector down): said once, and stopping goes on.
      await provider.shutdown().catch((err: unknown) => problem(err instanceof Error ? err.message : String(err)));
      trace.disable();
      propagation.disable();
      context.disable();
      diag.disable();
    },
  };
}

function tracesUrl(endpoint: string): string {
  return `${endpoint.replace(/\/+$/, '')}/v1/traces`;
}

/** For every Temporal Client of a traced process: starts and signals carry the caller's trace. */
export function clientInterceptors(otel: OpenTelemetry | undefined): ClientInterceptors {
  return otel ? { workflow: [new OpenTelemetryWorkflowClientInterceptor()] } : {};
}

export interface WorkerTelemetry {
  interceptors: Required<Pick<WorkerInterceptors, 'activity'>>;
  /** Spans the workflows made, on their way to the exporter (none when off). */
  sinks: NonNullable<WorkerOptions['sinks']>;
  /**
   * The workflow interceptors (empty when off). A prebuilt bundle must already contain them (bundle-workflows.ts
   * builds a traced one); a worker that bundles at start passes them as `interceptors.workflowModules`.
   */
  workflowInterceptorModules: string[];
}

/** What the worker adds for tracing: activity interceptors, the workflow interceptors, and the sink for workflow spans. */
export function workerTelemetry(otel: OpenTelemetry | undefined): WorkerTelemetry {
  if (!otel) return { interceptors: { activity: [] }, sinks: {}, workflowInterceptorModules: [] };
  return {
    interceptors: {
      activity: [
        (ctx) => ({
          inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
          // Puts trace_id and span_id on the activity's log lines.
          outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
        }),
      ],
    },
    sinks: workflowSpanSink(otel.spanProcessor, otel.resource),
    workflowInterceptorModules: [...OTEL_WORKFLOW_INTERCEPTOR_MODULES],
  };
}
