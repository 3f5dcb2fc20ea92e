// The Langfuse agent-run tracer (TRACER_TYPE=langfuse): one Langfuse trace per
// turn, with the turn as its root observation, a generation per model call and a
// span per tool call, exported over OTLP/HTTP through @langfuse/otel.
//
// A turn's events arrive from different places at different times: model and
// tool calls from activities, possibly on several workers and before the turn
// has ended; the turn's end from the workflow, which knows only then how it went.
// Nothing is kept in memory between them. Every process derives the trace ID and
// the root's span ID from the turn key, so a child names its parent before the
// parent exists, and the root, written when the turn ends, takes the same IDs.
//
// The spans go through a tracer provider of this module's own, never the global
// one: OpenTelemetry's spans of Temporal's workflows and activities (OTEL_*) must
// not reach Langfuse, nor these reach the OTLP collector. Exporting is batched in
// the background; a Langfuse that is down or refuses the keys costs a turn nothing.
import { createHash } from 'node:crypto';
import { ROOT_CONTEXT, SpanStatusCode, trace, TraceFlags, type Attributes, type Span } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, RandomIdGenerator, type IdGenerator } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { LangfuseSpanProcessor } from '@langfuse/otel';
import { createObservationAttributes, createTraceAttributes, LangfuseOtelSpanAttributes, type LangfuseObservationAttributes } from '@langfuse/tracing';
import type { Logger } from 'pino';
import type { ModelCallEvent, ToolCallEvent, TurnEndedEvent, TurnObserver, TurnRef } from '../turn-events';
import { describeText } from '../privacy';
import { redactArguments, shownArguments } from './redact-arguments';
import type { AgentTracer } from './agent-tracer';
import { LangfuseExporter } from './langfuse-exporter';

export interface LangfuseTracerOptions {
  publicKey: string;
  secretKey: string;
  /** Langfuse's address (https://cloud.langfuse.com, a self-hosted instance, or the sandbox's stand-in). */
  baseUrl: string;
  /** TRACE_LOG_PII: the model's input and output messages and the tool arguments as written. */
  logPii: boolean;
  logger: Logger;
  serviceName: string;
  /** How long spans wait to be sent together; Langfuse's default when absent. */
  flushIntervalSeconds?: number;
}

export const ROOT_OBSERVATION_NAME = 'turn';

/** The turn's trace ID: the first 128 bits of SHA-256 of the turn key, as Langfuse's createTraceId(turnKey) derives it. */
export function turnTraceId(turnKey: string): string {
  return createHash('sha256').update(turnKey).digest('hex').slice(0, 32);
}

/** The span ID of the turn's root observation, which the model and tool calls name as their parent. */
export function turnRootSpanId(turnKey: string): string {
  return createHash('sha256').update(`root:${turnKey}`).digest('hex').slice(0, 16);
}

export function createLangfuseTracer(options: LangfuseTracerOptions): AgentTracer {
  const ids = new TurnRootIds();
  const exporter = new LangfuseExporter(options, options.logger);
  const provider = new BasicTracerProvider({
    idGenerator: ids,
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName }),
    spanProcessors: [
      new LangfuseSpanProcessor({
        exporter,
        flushInterval: options.flushIntervalSeconds,
        // Nothing here is a base64 image to upload, and uploading would be a second way out for message content.
        mediaUploadEnabled: false,
        // Every span of this provider is a turn's. Asked at a span's start, the answer also marks Langfuse's
        // "app root": only the turn's own root may be one, not a model call that names a root not yet written.
        shouldExportSpan: ({ otelSpan }) => otelSpan.ended || !otelSpan.parentSpanContext,
      }),
    ],
  });
  const tracer = provider.getTracer('whatsapp-booking-agent');

  function startChild(ref: TurnRef, name: string, startedAtMs: number, attributes: Attributes): Span {
    const root = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: turnTraceId(ref.turnKey),
      spanId: turnRootSpanId(ref.turnKey),
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    });
    return tracer.startSpan(name, { startTime: new Date(startedAtMs), attributes: { ...traceAttributes(ref), ...attributes } }, root);
  }

  const observer: TurnObserver = {
    modelCall(event: ModelCallEvent) {
      const span = startChild(
        event,
        event.attempt > 1 ? `model call ${event.iteration} (attempt ${event.attempt})` : `model call ${event.iteration}`,
        event.startedAtMs,
        createObservationAttributes('generation', {
          model: event.model,
          usageDetails: { input: event.promptTokens, output: event.completionTokens, total: event.promptTokens + event.completionTokens },
          input: options.logPii ? event.input : `[${event.input.length} messages hidden]`,
          ...(event.output ? { output: options.logPii ? event.output : redactedReply(event.output) } : {}),
          metadata: { iteration: event.iteration, attempt: event.attempt, tokensReported: event.tokensReported },
          ...failure(event.ok, event.error),
        }),
      );
      endSpan(span, event.ok, event.error, event.startedAtMs + event.latencyMs);
    },
    toolCall(event: ToolCallEvent) {
      const span = startChild(
        event,
        event.tool,
        event.startedAtMs,
        createObservationAttributes('span', {
          input: shownArguments(event.tool, event.arguments, options.logPii),
          output: { ok: event.ok, ...(event.effect ? { effect: event.effect } : {}), ...(event.error ? { error: event.error } : {}) },
          metadata: { inWorkflow: event.inWorkflow, ...(event.effect ? { effect: event.effect.kind } : {}) },
          ...failure(event.ok, event.error),
        }),
      );
      endSpan(span, event.ok, event.error, event.startedAtMs + event.latencyMs);
    },
    turnEnded(event: TurnEndedEvent) {
      const result = { outcome: event.outcome, summary: event.summary };
      const ok = !event.error;
      const span = ids.startWith({ traceId: turnTraceId(event.turnKey), spanId: turnRootSpanId(event.turnKey) }, () =>
        tracer.startSpan(
          ROOT_OBSERVATION_NAME,
          {
            startTime: new Date(event.startedAtMs),
            attributes: {
              ...traceAttributes(event),
              ...createTraceAttributes({ output: result }),
              [`${LangfuseOtelSpanAttributes.TRACE_METADATA}.outcome`]: event.outcome,
              ...createObservationAttributes('span', {
                output: result,
                metadata: {
                  outcome: event.outcome,
                  modelCalls: event.modelCalls,
                  toolCalls: event.toolCalls,
                  errors: event.errors,
                  promptTokens: event.promptTokens,
                  completionTokens: event.completionTokens,
                  appointments: event.appointments.map((a) => a.kind),
                },
                ...(event.errors > 0 && ok ? { level: 'WARNING' as const } : failure(ok, event.error)),
              }),
            },
          },
          ROOT_CONTEXT,
        ),
      );
      endSpan(span, ok, event.error, event.endedAtMs);
    },
  };

  return {
    observer,
    // Sends what is still queued; the worker calls it once it has stopped taking tasks. A batch that
    // fails rejects the flush, and the exporter has already said so: stopping goes on regardless.
    shutdown: () => provider.shutdown().catch(() => {}),
  };
}

/** Who and where, repeated on every span: Langfuse takes a trace's attributes from whichever of its spans arrives. */
function traceAttributes(ref: TurnRef): Attributes {
  const tags = [`business:${ref.businessId}`, ...(ref.customerKey ? [`customer:${ref.customerKey}`] : [])];
  return {
    [LangfuseOtelSpanAttributes.TRACE_NAME]: ROOT_OBSERVATION_NAME,
    [LangfuseOtelSpanAttributes.TRACE_TAGS]: tags,
    [`${LangfuseOtelSpanAttributes.TRACE_METADATA}.businessId`]: ref.businessId,
    ...(ref.customerKey ? { [LangfuseOtelSpanAttributes.TRACE_USER_ID]: ref.customerKey } : {}),
    ...(ref.workflowId ? { [LangfuseOtelSpanAttributes.TRACE_SESSION_ID]: ref.workflowId } : {}),
  };
}

/** The reply's shape without its words: which tools it asked for (arguments redacted) and how it ended. */
function redactedReply(output: NonNullable<ModelCallEvent['output']>): Record<string, unknown> {
  return {
    content: output.content === null ? null : describeText(output.content, false),
    toolCalls: output.toolCalls.map((call) => ({ name: call.name, arguments: redactArguments(call.name, call.arguments) })),
    finishReason: output.finishReason,
  };
}

function failure(ok: boolean, error: string | undefined): Pick<LangfuseObservationAttributes, 'level' | 'statusMessage'> {
  return ok ? {} : { level: 'ERROR', ...(error ? { statusMessage: error } : {}) };
}

function endSpan(span: Span, ok: boolean, error: string | undefined, endedAtMs: number): void {
  if (!ok) span.setStatus({ code: SpanStatusCode.ERROR, ...(error ? { message: error } : {}) });
  span.end(new Date(endedAtMs));
}

/**
 * Random IDs, except while startWith() starts a turn's root: then the IDs derived
 * from its turn key. Starting a span is synchronous, so no other span can take them.
 */
class TurnRootIds implements IdGenerator {
  private readonly random = new RandomIdGenerator();
  private fixed: { traceId: string; spanId: string } | undefined;

  generateTraceId(): string {
    return this.fixed?.traceId ?? this.random.generateTraceId();
  }

  generateSpanId(): string {
    return this.fixed?.spanId ?? this.random.generateSpanId();
  }

  startWith(ids: { traceId: string; spanId: string }, start: () => Span): Span {
    this.fixed = ids;
    try {
      return start();
    } finally {
      this.fixed = undefined;
    }
  }
}
