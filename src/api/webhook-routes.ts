// GET /webhook: Meta's verification handshake. POST /webhook: signed deliveries.
// The signature is checked on the raw bytes inside this plugin's body parser, so
// nothing is parsed, stored or started for a request Meta did not sign.
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import { sameSecret } from '../crypto/same-secret';
import { isValidSignature } from '../whatsapp/signature';
import { parseWebhookPayload } from '../whatsapp/webhook-payload';
import { createInFlightLimit } from './in-flight-limit';
import { processWebhook, type IntakeDependencies } from './intake';
import { traceRequests } from '../observability/opentelemetry-http';
import type { WebhookResult } from '../observability/metrics-definitions';

export interface WebhookOptions extends Omit<IntakeDependencies, 'log'> {
  appSecret: string;
  verifyToken: string;
  bodyLimit: number;
  /** Webhooks being accepted at once; past it, 503 at once (in-flight-limit.ts). */
  maxInFlight: number;
  /** Of those, webhooks for one phone_number_id (in-flight-limit.ts's default share when unset). */
  maxInFlightPerBusiness?: number;
}

/** Retry-After on a shed webhook: a hint to any sender that honours it (Meta documents its own retry schedule, not this header). */
const SHED_RETRY_AFTER_SECONDS = 5;
/** How often refusals are summed up in one log line. */
const REFUSAL_REPORT_MS = 10_000;

class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly result: WebhookResult,
    message: string,
  ) {
    super(message);
  }
}

export const webhookRoutes: FastifyPluginAsync<WebhookOptions> = async (app: FastifyInstance, options) => {
  const inFlight = createInFlightLimit({ max: options.maxInFlight, maxPerBusiness: options.maxInFlightPerBusiness });
  const reportRefusals = () => {
    const refused = inFlight.takeRefusals();
    if (refused.full || refused['business-full']) {
      app.log.warn(
        { refused: refused.full, refusedForOneBusiness: refused['business-full'], maxInFlight: options.maxInFlight },
        'Webhooks refused with 503: too many in flight',
      );
    }
  };
  const reporter = setInterval(reportRefusals, REFUSAL_REPORT_MS).unref();
  // Each request is a span, and the workflows it starts belong to its trace (a no-op when tracing is off).
  const inRequestSpan = traceRequests(app);
  // What each request came to, counted once its answer has gone (with the time it took).
  const results = new WeakMap<FastifyRequest, WebhookResult>();
  const { metrics } = options;
  if (metrics) app.addHook('onResponse', async (request, reply) => metrics.webhookAnswered(results.get(request) ?? 'error', reply.elapsedTime / 1000));
  app.addHook('onClose', async () => {
    clearInterval(reporter);
    reportRefusals();
  });

  // Meta sends application/json; any other content type still has its signature
  // checked rather than being refused with 415, which Meta would keep redelivering.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: options.bodyLimit }, (request, body, done) => {
    const raw = body as Buffer;
    if (!isValidSignature(raw, request.headers['x-hub-signature-256'], options.appSecret)) {
      done(new HttpError(401, 'bad-signature', 'Invalid or missing X-Hub-Signature-256'), undefined);
      return;
    }
    try {
      done(null, JSON.parse(raw.toString('utf8')));
    } catch {
      done(new HttpError(400, 'bad-json', 'Body is not valid JSON'), undefined);
    }
  });

  app.get('/webhook', async (request, reply) => {
    // A repeated parameter arrives as an array; only single values are a valid handshake.
    const query = request.query as Record<string, unknown>;
    const challenge = query['hub.challenge'];
    if (query['hub.mode'] === 'subscribe' && sameSecret(query['hub.verify_token'], options.verifyToken) && typeof challenge === 'string' && challenge) {
      results.set(request, 'verified');
      return reply.type('text/plain').send(challenge);
    }
    results.set(request, 'verify-refused');
    request.log.warn('Webhook verification refused');
    return reply.code(403).type('text/plain').send('Forbidden');
  });

  app.post('/webhook', async (request, reply) => {
    if (request.body === undefined) {
      // No body at all means nothing was signed.
      results.set(request, 'bad-signature');
      return reply.code(401).send({ error: 'Invalid or missing X-Hub-Signature-256' });
    }
    const parsed = parseWebhookPayload(request.body);
    if (!parsed) {
      results.set(request, 'bad-payload');
      return reply.code(400).send({ error: 'Not a WhatsApp Business Account webhook payload' });
    }
    if (parsed.skipped.length) request.log.warn({ skipped: parsed.skipped }, 'Parts of the webhook were not usable');
    // Counted by the numbers it is for, read from the payload only now that its signature is known to be Meta's.
    const place = inFlight.tryEnter([...parsed.messages, ...parsed.statuses].map((part) => part.phoneNumberId));
    if ('refused' in place) {
      results.set(request, place.refused === 'full' ? 'overloaded' : 'business-overloaded');
      const error = place.refused === 'full' ? 'Too many webhooks in flight' : 'Too many webhooks in flight for this business';
      return reply
        .code(503)
        .header('retry-after', String(SHED_RETRY_AFTER_SECONDS))
        .send({ error: `${error}; deliver again later` });
    }
    try {
      const report = await inRequestSpan(request, () => processWebhook({ ...options, log: request.log }, parsed));
      results.set(request, 'accepted');
      return reply.send(report);
    } catch (err) {
      // Not durably accepted: 503 makes Meta deliver again, and redelivery is deduplicated.
      request.log.error({ err }, 'Webhook could not be accepted');
      results.set(request, 'unavailable');
      return reply.code(503).send({ error: 'Temporarily unable to accept the webhook' });
    } finally {
      place.leave();
    }
  });

  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    const statusCode = error instanceof HttpError ? error.statusCode : (error.statusCode ?? 500);
    results.set(request, error instanceof HttpError ? error.result : statusCode === 413 ? 'too-large' : 'error');
    if (statusCode >= 500) request.log.error({ err: error }, 'Webhook request failed');
    else request.log.warn({ statusCode, reason: error.message }, 'Webhook request refused');
    return reply.code(statusCode).send({ error: statusCode >= 500 ? 'Internal error' : error.message });
  });
};
