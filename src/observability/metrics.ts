// The API's and the worker's Prometheus metrics, each process with a registry
// of its own (not prom-client's global one, so a test can build several) that
// also carries the process metrics (CPU, memory, event loop lag).
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { IntakeReport } from '../api/intake';
import type { ParsedWebhook } from '../whatsapp/webhook-payload';
import { API_METRICS, WORKER_METRICS, type MetricDefinition, type WebhookResult } from './metrics-definitions';

type LabelsOf<D extends MetricDefinition> = Extract<keyof D['labels'], string>;

function counter<D extends MetricDefinition & { type: 'counter' }>(registry: Registry, definition: D): Counter<LabelsOf<D>> {
  const labelNames = Object.keys(definition.labels) as Array<LabelsOf<D>>;
  return new Counter({ name: definition.name, help: definition.help, labelNames, registers: [registry] });
}

function histogram<D extends MetricDefinition & { type: 'histogram'; buckets: readonly number[] }>(registry: Registry, definition: D): Histogram<LabelsOf<D>> {
  const labelNames = Object.keys(definition.labels) as Array<LabelsOf<D>>;
  return new Histogram({ name: definition.name, help: definition.help, labelNames, buckets: [...definition.buckets], registers: [registry] });
}

function processRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

export interface ApiMetrics {
  registry: Registry;
  webhookAnswered(result: WebhookResult, seconds: number): void;
  /** Counts what the intake made of each message and status; `businessOf` names the business of a phone_number_id. */
  intakeReported(parsed: ParsedWebhook, report: IntakeReport, businessOf: (phoneNumberId: string) => Promise<string | undefined>): Promise<void>;
}

export function createApiMetrics(): ApiMetrics {
  const registry = processRegistry();
  const requests = counter(registry, API_METRICS.webhookRequests);
  const duration = histogram(registry, API_METRICS.webhookDuration);
  const messages = counter(registry, API_METRICS.webhookMessages);
  const statuses = counter(registry, API_METRICS.webhookStatuses);
  return {
    registry,
    webhookAnswered(result, seconds) {
      requests.inc({ result });
      duration.observe({ result }, seconds);
    },
    async intakeReported(parsed, report, businessOf) {
      // The report lists the webhook's messages and statuses in the order they were parsed.
      for (const [index, message] of report.messages.entries()) {
        messages.inc({ business: (await businessOf(parsed.messages[index]!.phoneNumberId)) ?? '', status: message.status });
      }
      for (const [index, status] of report.statuses.entries()) {
        const business = (await businessOf(parsed.statuses[index]!.phoneNumberId)) ?? '';
        statuses.inc({ business, status: status.status, recorded: status.recorded });
      }
    },
  };
}

export interface WorkerMetrics {
  registry: Registry;
  turns: Counter<LabelsOf<typeof WORKER_METRICS.turns>>;
  turnDuration: Histogram<LabelsOf<typeof WORKER_METRICS.turnDuration>>;
  modelCalls: Counter<LabelsOf<typeof WORKER_METRICS.modelCalls>>;
  modelTokens: Counter<LabelsOf<typeof WORKER_METRICS.modelTokens>>;
  modelDuration: Histogram<LabelsOf<typeof WORKER_METRICS.modelDuration>>;
  toolCalls: Counter<LabelsOf<typeof WORKER_METRICS.toolCalls>>;
  whatsappSends: Counter<LabelsOf<typeof WORKER_METRICS.whatsappSends>>;
  appointmentChanges: Counter<LabelsOf<typeof WORKER_METRICS.appointmentChanges>>;
  activityFailures: Counter<LabelsOf<typeof WORKER_METRICS.activityFailures>>;
}

/** The worker's metrics; metricsObserver and activityFailureMetrics feed them. */
export function createWorkerMetrics(): WorkerMetrics {
  const registry = processRegistry();
  return {
    registry,
    turns: counter(registry, WORKER_METRICS.turns),
    turnDuration: histogram(registry, WORKER_METRICS.turnDuration),
    modelCalls: counter(registry, WORKER_METRICS.modelCalls),
    modelTokens: counter(registry, WORKER_METRICS.modelTokens),
    modelDuration: histogram(registry, WORKER_METRICS.modelDuration),
    toolCalls: counter(registry, WORKER_METRICS.toolCalls),
    whatsappSends: counter(registry, WORKER_METRICS.whatsappSends),
    appointmentChanges: counter(registry, WORKER_METRICS.appointmentChanges),
    activityFailures: counter(registry, WORKER_METRICS.activityFailures),
  };
}
