// Stand-in for Langfuse's trace ingestion: the OTLP/HTTP endpoint the Langfuse
// SDK exports to, behind the same basic auth (public key : secret key). It reads
// the spans as Langfuse does, from their langfuse.* attributes, and lists what
// arrived grouped by trace at /sandbox/langfuse/traces, so a developer can look
// at a turn's trace offline and tests can check its content.
//
// The SDK's exporter sends OTLP as JSON (application/json, gzip-compressed when
// OTEL_EXPORTER_OTLP_COMPRESSION=gzip); protobuf, which the real Langfuse also
// takes, is refused with 415.
import { gunzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';

export const SANDBOX_LANGFUSE_PUBLIC_KEY = 'pk-lf-sandbox';
export const SANDBOX_LANGFUSE_SECRET_KEY = 'sk-lf-sandbox';

/** The traces kept; older ones are forgotten, so a long `npm run dev` session stays small. */
export const MAX_SANDBOX_TRACES = 200;

/** What `npm run dev` sets for a worker with TRACER_TYPE=langfuse and no Langfuse keys: the sandbox's stand-in. */
export function sandboxLangfuseSettings(sandboxUrl: string): Record<'LANGFUSE_PUBLIC_KEY' | 'LANGFUSE_SECRET_KEY' | 'LANGFUSE_BASE_URL', string> {
  return { LANGFUSE_PUBLIC_KEY: SANDBOX_LANGFUSE_PUBLIC_KEY, LANGFUSE_SECRET_KEY: SANDBOX_LANGFUSE_SECRET_KEY, LANGFUSE_BASE_URL: sandboxUrl };
}

export interface ReceivedObservation {
  id: string;
  /** Langfuse's observation type: generation, span, … ("span" for a span without one). */
  type: string;
  name: string;
  parentId: string | null;
  model?: string;
  usage?: unknown;
  input?: unknown;
  output?: unknown;
  metadata: Record<string, unknown>;
  level?: string;
  statusMessage?: string;
  startTime: string;
  endTime: string;
}

export interface ReceivedTrace {
  id: string;
  name?: string;
  userId?: string;
  sessionId?: string;
  tags: string[];
  metadata: Record<string, unknown>;
  input?: unknown;
  output?: unknown;
  observations: ReceivedObservation[];
}

// OTLP's JSON encoding (opentelemetry-proto), as far as Langfuse reads it.
type AnyValue = {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number | string;
  doubleValue?: number;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: Array<{ key: string; value?: AnyValue }> };
  bytesValue?: string;
};
const anyValue: z.ZodType<AnyValue> = z.lazy(() =>
  z.object({
    stringValue: z.string().optional(),
    boolValue: z.boolean().optional(),
    intValue: z.union([z.number(), z.string()]).optional(),
    doubleValue: z.number().optional(),
    arrayValue: z.object({ values: z.array(anyValue).optional() }).optional(),
    kvlistValue: z.object({ values: z.array(z.object({ key: z.string(), value: anyValue.optional() })).optional() }).optional(),
    bytesValue: z.string().optional(),
  }),
);
// Nanoseconds since the epoch: a string in the SDK's encoding; as a number, past the integers a double holds exactly.
const nanos = z.union([z.string().regex(/^\d+$/), z.number().nonnegative()]);
const otlpSpan = z.object({
  traceId: z.string().regex(/^[0-9a-f]{32}$/i),
  spanId: z.string().regex(/^[0-9a-f]{16}$/i),
  parentSpanId: z.string().optional(),
  name: z.string(),
  startTimeUnixNano: nanos,
  endTimeUnixNano: nanos,
  attributes: z.array(z.object({ key: z.string(), value: anyValue.optional() })).default([]),
});
const exportRequest = z.object({
  resourceSpans: z.array(z.object({ scopeSpans: z.array(z.object({ spans: z.array(otlpSpan).default([]) })).default([]) })).default([]),
});
type OtlpSpan = z.infer<typeof otlpSpan>;

const TRACE_METADATA_PREFIX = 'langfuse.trace.metadata.';
const OBSERVATION_METADATA_PREFIX = 'langfuse.observation.metadata.';

export class LangfuseStandIn {
  private readonly traces = new Map<string, ReceivedTrace>();
  private readonly authorization = `Basic ${Buffer.from(`${SANDBOX_LANGFUSE_PUBLIC_KEY}:${SANDBOX_LANGFUSE_SECRET_KEY}`).toString('base64')}`;

  register(app: FastifyInstance): void {
    // In a scope of its own: the export is read as raw bytes (it may be gzipped), the other stand-ins keep Fastify's JSON parsing.
    void app.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
      scope.post('/api/public/otel/v1/traces', (request, reply) => this.receive(request, reply));
    });
    app.get('/sandbox/langfuse/traces', async () => ({ traces: this.list() }));
  }

  /** Every trace received, oldest first. */
  list(): ReceivedTrace[] {
    return [...this.traces.values()];
  }

  reset(): void {
    this.traces.clear();
  }

  private async receive(request: FastifyRequest, reply: FastifyReply) {
    if (request.headers.authorization !== this.authorization) {
      return reply.code(401).send({ message: 'Invalid credentials. Confirm that you have used the correct host and API keys.' });
    }
    const contentType = request.headers['content-type']?.split(';')[0]?.trim();
    if (contentType !== 'application/json') {
      return reply.code(415).send({ message: `This stand-in reads OTLP as JSON, not ${contentType ?? 'an unnamed type'}` });
    }
    let parsed: z.infer<typeof exportRequest>;
    try {
      const raw = request.body as Buffer;
      const text = (request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
      parsed = exportRequest.parse(JSON.parse(text));
    } catch (err) {
      return reply.code(400).send({ message: `Not an OTLP JSON export request: ${(err as Error).message}` });
    }
    for (const resource of parsed.resourceSpans) {
      for (const scope of resource.scopeSpans) {
        for (const span of scope.spans) this.add(span);
      }
    }
    return reply.code(200).send({});
  }

  private add(span: OtlpSpan): void {
    const traceId = span.traceId.toLowerCase();
    const attributes = Object.fromEntries(span.attributes.map(({ key, value }) => [key, value ? plain(value) : undefined]));
    const trace = this.traces.get(traceId) ?? { id: traceId, tags: [], metadata: {}, observations: [] };
    // A trace is kept as long as it keeps receiving spans: the one touched last is the newest.
    this.traces.delete(traceId);
    this.traces.set(traceId, trace);
    for (const id of [...this.traces.keys()].slice(0, Math.max(0, this.traces.size - MAX_SANDBOX_TRACES))) this.traces.delete(id);

    // Like Langfuse, trace-level attributes may come on any span; a later one overrides.
    const text = (key: string) => (typeof attributes[key] === 'string' ? (attributes[key] as string) : undefined);
    trace.name = text('langfuse.trace.name') ?? trace.name;
    trace.userId = text('user.id') ?? text('langfuse.user.id') ?? trace.userId;
    trace.sessionId = text('session.id') ?? text('langfuse.session.id') ?? trace.sessionId;
    const tags = attributes['langfuse.trace.tags'];
    if (Array.isArray(tags)) trace.tags = [...new Set([...trace.tags, ...tags.map(String)])];
    if ('langfuse.trace.input' in attributes) trace.input = fromJson(attributes['langfuse.trace.input']);
    if ('langfuse.trace.output' in attributes) trace.output = fromJson(attributes['langfuse.trace.output']);
    Object.assign(trace.metadata, prefixed(attributes, TRACE_METADATA_PREFIX));

    const observation: ReceivedObservation = {
      id: span.spanId.toLowerCase(),
      type: text('langfuse.observation.type') ?? 'span',
      name: span.name,
      parentId: span.parentSpanId ? span.parentSpanId.toLowerCase() : null,
      ...optional('model', text('langfuse.observation.model.name')),
      ...optional('usage', fromJson(attributes['langfuse.observation.usage_details'])),
      ...optional('input', fromJson(attributes['langfuse.observation.input'])),
      ...optional('output', fromJson(attributes['langfuse.observation.output'])),
      metadata: prefixed(attributes, OBSERVATION_METADATA_PREFIX),
      ...optional('level', text('langfuse.observation.level')),
      ...optional('statusMessage', text('langfuse.observation.status_message')),
      startTime: isoFromNanos(span.startTimeUnixNano),
      endTime: isoFromNanos(span.endTimeUnixNano),
    };
    // The same span sent again (a retried export) replaces the first, as Langfuse upserts by ID.
    trace.observations = [...trace.observations.filter((o) => o.id !== observation.id), observation];
  }
}

function plain(value: AnyValue): unknown {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(plain);
  if (value.kvlistValue) return Object.fromEntries((value.kvlistValue.values ?? []).map(({ key, value: v }) => [key, v ? plain(v) : undefined]));
  return value.bytesValue;
}

/** Langfuse's SDK writes inputs, outputs and metadata as JSON text; plain text stays text. */
function fromJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function prefixed(attributes: Record<string, unknown>, prefix: string): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(attributes)
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, value]) => [key.slice(prefix.length), fromJson(value)]),
  );
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

function isoFromNanos(value: string | number): string {
  return new Date(typeof value === 'number' ? Math.round(value / 1e6) : Number(BigInt(value) / 1_000_000n)).toISOString();
}
