// The worker's metrics as a TurnObserver: each event a turn reports moves the
// counters it concerns. Label values are kept to closed lists (a tool name the
// model made up counts as `unknown`), so the number of series stays bounded.
import type { TurnObserver } from './turn-events';
import { TOOL_NAMES } from './metrics-definitions';
import type { WorkerMetrics } from './metrics';

const KNOWN_TOOLS = new Set(TOOL_NAMES);

export function metricsObserver(metrics: WorkerMetrics): TurnObserver {
  return {
    turnEnded(event) {
      metrics.turns.inc({ business: event.businessId, outcome: event.outcome });
      metrics.turnDuration.observe({ business: event.businessId }, (event.endedAtMs - event.startedAtMs) / 1000);
    },
    modelCall(event) {
      const labels = { business: event.businessId, model: event.model };
      metrics.modelCalls.inc({ ...labels, result: event.ok ? 'ok' : (event.error ?? 'Error') });
      metrics.modelDuration.observe(labels, event.latencyMs / 1000);
      if (!event.ok) return;
      metrics.modelTokens.inc({ ...labels, kind: 'prompt' }, event.promptTokens);
      metrics.modelTokens.inc({ ...labels, kind: 'completion' }, event.completionTokens);
    },
    toolCall(event) {
      const tool = KNOWN_TOOLS.has(event.tool) ? event.tool : 'unknown';
      metrics.toolCalls.inc({ tool, result: event.ok ? 'ok' : (event.error ?? 'refused') });
    },
    replySent(event) {
      metrics.whatsappSends.inc({ business: event.businessId, result: event.ok ? 'sent' : 'failed', code: event.ok ? '' : (event.errorCode ?? '') });
    },
    appointmentChanged(event) {
      metrics.appointmentChanges.inc({ business: event.businessId, change: event.kind, by: event.by });
    },
  };
}
