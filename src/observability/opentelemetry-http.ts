// The HTTP request as the first span of a trace: a server span per request to the
// routes of one Fastify scope (the webhook's), from the first byte to the answer,
// so requests refused before any handler ran (a bad signature, a body too large) are
// traced too. Through the global API: a no-op span when tracing is off.
//
// Only what HTTP says about the request is recorded: method, route, path, status.
// Never the body, the query string (the verification handshake carries the verify
// token there) or the headers (the signature).
import { context, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_NETWORK_PROTOCOL_VERSION,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
} from '@opentelemetry/semantic-conventions';
import type { FastifyInstance, FastifyRequest } from 'fastify';

const TRACER_NAME = 'whatsapp-booking-api';

export type InRequestSpan = <T>(request: FastifyRequest, work: () => Promise<T>) => Promise<T>;

/**
 * Opens a server span for each request to the routes of `app` (its hooks stay in the plugin's scope) and returns
 * the function a handler runs its work in, so that what the work starts (a workflow) is a child of the request.
 */
export function traceRequests(app: FastifyInstance): InRequestSpan {
  const spans = new WeakMap<FastifyRequest, Span>();
  app.addHook('onRequest', async (request) => {
    const route = request.routeOptions.url ?? 'unmatched';
    // A new trace for every request: the webhook is public, and a caller's traceparent header would let anyone
    // choose our trace IDs or attach our spans to theirs. Meta sends none.
    const span = trace.getTracer(TRACER_NAME).startSpan(`${request.method} ${route}`, {
      kind: SpanKind.SERVER,
      root: true,
      attributes: {
        [ATTR_HTTP_REQUEST_METHOD]: request.method,
        [ATTR_HTTP_ROUTE]: route,
        [ATTR_URL_PATH]: request.url.split('?')[0],
        [ATTR_URL_SCHEME]: request.protocol,
        [ATTR_NETWORK_PROTOCOL_VERSION]: request.raw.httpVersion,
      },
    });
    spans.set(request, span);
  });
  app.addHook('onResponse', async (request, reply) => {
    const span = spans.get(request);
    if (!span) return;
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, reply.statusCode);
    // A server span is in error only when the server failed; a refused request (4xx) is the server doing its job.
    if (reply.statusCode >= 500) {
      span.setAttribute(ATTR_ERROR_TYPE, String(reply.statusCode));
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end();
  });
  app.addHook('onRequestAbort', async (request) => {
    const span = spans.get(request);
    if (!span) return;
    span.setAttribute(ATTR_ERROR_TYPE, 'aborted');
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'The client closed the connection before the answer' });
    span.end();
  });
  return (request, work) => {
    const span = spans.get(request);
    return span ? context.with(trace.setSpan(context.active(), span), work) : work();
  };
}
