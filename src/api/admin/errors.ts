// How the console answers a request that failed. A failure on the server is
// logged in full and answered in one sentence: Fastify's own answer would hand
// the browser the error's text (for Prisma: source paths and code excerpts).
// Refusals (4xx) keep the shape the console's pages read.
import { STATUS_CODES } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';

export const SERVER_FAILURE = 'Something went wrong on the server. Try again in a moment.';

export function consoleErrorHandler(error: Error & { statusCode?: number; code?: string }, request: FastifyRequest, reply: FastifyReply) {
  const statusCode = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
  if (statusCode >= 500) {
    request.log.error({ err: error }, 'Console request failed');
    return reply.code(statusCode).send({ error: SERVER_FAILURE });
  }
  // The sign-in rate limit throws the answer it built ({ statusCode, error: "Too many… wait N seconds" }): send it as is.
  if (!(error instanceof Error)) return reply.code(statusCode).send(error);
  // Fastify's own refusals (CSRF, a malformed body) as Fastify shapes them: { statusCode, code, error, message }.
  return reply.code(statusCode).send({ statusCode, code: error.code, error: STATUS_CODES[statusCode], message: error.message });
}
