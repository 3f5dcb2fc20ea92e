// One line per request, written when it completes: method, route pattern,
// status and duration. URLs are not logged as sent, because the verification
// handshake carries the verify token in its query string.
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

export class RouteLogController extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const entry = {
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      statusCode: reply.statusCode,
      ms: Math.round(reply.elapsedTime),
    };
    if (error) request.log.error({ ...entry, err: error }, 'request failed');
    else request.log.info(entry, 'request completed');
  }
}
