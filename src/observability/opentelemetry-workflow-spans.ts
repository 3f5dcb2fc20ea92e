// Spans made inside workflows reach the exporter through a sink: the workflow
// interceptors run in the sandbox on their own OpenTelemetry SDK (1.x, bundled
// with @temporalio/interceptors-opentelemetry), and copy each ended span out.
//
// The package's own sink (makeWorkflowExporter) hands the 1.x shape on as it is,
// which the 2.x OTLP exporter cannot encode (it reads `instrumentationScope` and
// `parentSpanContext`, not `instrumentationLibrary` and `parentSpanId`; the
// export throws), and it copies the whole WorkflowInfo into every span's
// attributes (memo, search attributes, last result). This sink builds the 2.x
// span and adds only which workflow run made it.
import { createTraceState, type SpanContext } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { SPAN_DELIMITER, SpanName, type OpenTelemetrySinks, type SerializableSpan } from '@temporalio/interceptors-opentelemetry';
import type { InjectedSinks } from '@temporalio/worker';
import type { WorkflowInfo } from '@temporalio/workflow';

/** The attribute keys the Temporal interceptors use on client and activity spans, so one query finds a run's spans. */
export const WORKFLOW_ID_ATTRIBUTE = 'temporalWorkflowId';
export const RUN_ID_ATTRIBUTE = 'run_id';
export const WORKFLOW_TYPE_ATTRIBUTE = 'temporalWorkflowType';

/** Spans a workflow opens for what arrives from outside: their parent is the caller's span, from the headers. */
const INBOUND_SPANS = [
  SpanName.WORKFLOW_EXECUTE,
  SpanName.WORKFLOW_HANDLE_SIGNAL,
  SpanName.WORKFLOW_HANDLE_UPDATE,
  SpanName.WORKFLOW_VALIDATE_UPDATE,
  SpanName.WORKFLOW_HANDLE_QUERY,
].map((name) => `${name}${SPAN_DELIMITER}`);

/**
 * The sink the workflow interceptors export through. Not called on replay: a span that ended before the worker
 * replayed the workflow was exported then (the sandbox's span IDs are deterministic, so a replayed span keeps its ID).
 */
export function workflowSpanSink(processor: SpanProcessor, resource: Resource): InjectedSinks<OpenTelemetrySinks> {
  return {
    exporter: {
      export: {
        fn: (info, spans) => {
          for (const span of spans) processor.onEnd(readableSpan(span, info, resource));
        },
      },
    },
  };
}

function readableSpan(span: SerializableSpan, info: Pick<WorkflowInfo, 'workflowId' | 'runId' | 'workflowType'>, resource: Resource): ReadableSpan {
  const { traceState, ...ids } = span.spanContext;
  const spanContext: SpanContext = { ...ids, ...(traceState ? { traceState: createTraceState(traceState) } : {}) };
  const parentSpanContext: SpanContext | undefined = span.parentSpanId
    ? { traceId: ids.traceId, spanId: span.parentSpanId, traceFlags: ids.traceFlags, isRemote: INBOUND_SPANS.some((prefix) => span.name.startsWith(prefix)) }
    : undefined;
  return {
    name: span.name,
    kind: span.kind,
    spanContext: () => spanContext,
    parentSpanContext,
    startTime: span.startTime,
    endTime: span.endTime,
    status: span.status,
    attributes: {
      ...span.attributes,
      [WORKFLOW_ID_ATTRIBUTE]: info.workflowId,
      [RUN_ID_ATTRIBUTE]: info.runId,
      [WORKFLOW_TYPE_ATTRIBUTE]: info.workflowType,
    },
    links: span.links,
    events: span.events,
    duration: span.duration,
    ended: span.ended,
    resource,
    instrumentationScope: span.instrumentationLibrary,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  };
}
