// The default agent-run tracer (TRACER_TYPE=console): one JSON line through the
// process's logger for each turn start, model call, tool call and turn end, all
// with the message "agent trace" and a `trace` field naming the kind, so
// `grep '"trace":"turn.end"'` finds every finished turn. The turn key ties a
// turn's lines together. Customers appear as their keyed hash; wamids, message
// text and model input never appear, and with TRACE_LOG_PII=true only the wamids
// and the start of each reply do.
import type { Logger } from 'pino';
import type { ModelCallEvent, ToolCallEvent, TurnEndedEvent, TurnObserver, TurnRef, TurnStartedEvent } from '../turn-events';
import { hashIdentifier } from '../privacy';
import { shownArguments } from './redact-arguments';

export const TRACE_MESSAGE = 'agent trace';

/** How much of a reply a line shows with TRACE_LOG_PII=true: enough to recognise it. */
export const REPLY_PREVIEW_CHARS = 80;

export interface ConsoleTracerOptions {
  logger: Logger;
  logPii: boolean;
}

export function createConsoleTracer({ logger, logPii }: ConsoleTracerOptions): TurnObserver {
  const line = (fields: Record<string, unknown>) => logger.info(fields, TRACE_MESSAGE);
  return {
    turnStarted(event: TurnStartedEvent) {
      line({
        trace: 'turn.start',
        ...turnFields(event),
        runId: event.runId,
        messageWorkflowIds: event.messageWorkflowIds,
        wamids: logPii ? event.wamids : event.wamids.map((wamid) => hashIdentifier(wamid)),
      });
    },
    modelCall(event: ModelCallEvent) {
      const reply = logPii ? event.output?.content : undefined;
      line({
        trace: 'model.call',
        ...turnFields(event),
        model: event.model,
        iteration: event.iteration,
        attempt: event.attempt,
        ok: event.ok,
        ...(event.error ? { error: event.error } : {}),
        toolCallsRequested: event.toolCallsRequested,
        promptTokens: event.promptTokens,
        completionTokens: event.completionTokens,
        tokensReported: event.tokensReported,
        latencyMs: event.latencyMs,
        ...(reply ? { reply: preview(reply) } : {}),
      });
    },
    toolCall(event: ToolCallEvent) {
      line({
        trace: 'tool.call',
        ...turnFields(event),
        tool: event.tool,
        arguments: shownArguments(event.tool, event.arguments, logPii),
        ok: event.ok,
        ...(event.error ? { error: event.error } : {}),
        ...(event.effect ? { effect: event.effect.kind } : {}),
        latencyMs: event.latencyMs,
        inWorkflow: event.inWorkflow,
      });
    },
    turnEnded(event: TurnEndedEvent) {
      line({
        trace: 'turn.end',
        ...turnFields(event),
        runId: event.runId,
        outcome: event.outcome,
        latencyMs: event.endedAtMs - event.startedAtMs,
        modelCalls: event.modelCalls,
        toolCalls: event.toolCalls,
        errors: event.errors,
        ...(event.error ? { error: event.error } : {}),
        promptTokens: event.promptTokens,
        completionTokens: event.completionTokens,
        totalTokens: event.promptTokens + event.completionTokens,
        appointments: event.appointments.map((a) => a.kind),
        summary: event.summary,
      });
    },
  };
}

function turnFields(event: TurnRef): Record<string, unknown> {
  return { turnKey: event.turnKey, businessId: event.businessId, customer: event.customerKey, workflowId: event.workflowId };
}

function preview(text: string): string {
  const chars = [...text];
  return chars.length <= REPLY_PREVIEW_CHARS ? text : `${chars.slice(0, REPLY_PREVIEW_CHARS).join('')}…`;
}
