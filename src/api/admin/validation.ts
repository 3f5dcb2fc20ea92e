// One shape for refused input across the console's API: a sentence for the
// page, and one message per field to show next to it.
import type { FastifyReply } from 'fastify';
import { z } from 'zod';

export function invalidBody(reply: FastifyReply, error: z.ZodError) {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) fields[issue.path.join('.') || 'body'] ??= issue.message;
  return reply.code(400).send({ error: 'Some fields need attention.', fields });
}

/** A BCP 47 language tag as the prompt uses it: en, es, pt-BR. */
export const languageTag = z
  .string()
  .trim()
  .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'A language tag such as en, es or pt-BR.');
