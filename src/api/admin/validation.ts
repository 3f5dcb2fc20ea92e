// One shape for refused input across the console's API: a sentence for the
// page, and one message per field to show next to it.
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';

export function invalidBody(reply: FastifyReply, error: z.ZodError) {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) fields[issue.path.join('.') || 'body'] ??= issue.message;
  return reply.code(400).send({ error: 'Some fields need attention.', fields });
}
