// The codec server: the Temporal Web UI and the `temporal` CLI send the payloads
// of a history here to have them decrypted (and new input encrypted), speaking
// Temporal's codec server protocol: POST {endpoint}/decode and /encode with
// {"payloads":[{"metadata":{"encoding":"<base64>"},"data":"<base64>"}]}.
//
// Decrypting a history reveals everything customers wrote, so only two callers
// get an answer: one presenting CODEC_AUTH_TOKEN as a bearer token (the CLI's
// --codec-auth), and a browser signed in to the console as a platform admin (the
// Web UI with "include cross-origin credentials"). The console's session cookie
// is scoped to /admin, which is why this is mounted under it.
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import type { Payload, PayloadCodec } from '@temporalio/common';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { Database } from '../db/client';
import { loadAccess } from '../db/admin-users';
import { sameSecret } from '../crypto/same-secret';
import { requireUser } from './admin';

export const CODEC_PATH = '/admin/codec';

export interface CodecRouteOptions {
  db: Database;
  /** The codecs every client and worker uses, in their order (decoding runs them in reverse). */
  codecs: PayloadCodec[];
  /** CODEC_AUTH_TOKEN; without it only console sessions are accepted. */
  authToken?: string;
  /** The Web UI's origin (from TEMPORAL_UI_URL): the only one a browser may call this from. */
  uiOrigin?: string;
  /** Requests per client address per minute. A history page asks once per event that has payloads. */
  rateLimitPerMinute?: number;
}

/** Temporal payloads reach 2 MB each; a request carries one event's. */
const BODY_LIMIT_BYTES = 8 * 1024 * 1024;
const MAX_PAYLOADS = 1_000;
// Proto3 JSON writes bytes as base64; some writers use the URL-safe alphabet.
const base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'base64');
const payloadsBody = z.object({
  payloads: z.array(z.object({ metadata: z.record(z.string(), base64).nullish(), data: base64.nullish() })).max(MAX_PAYLOADS),
});
// What the Web UI's fetch sends: JSON, the namespace it shows, and a token when set to pass one.
const ALLOWED_HEADERS = 'authorization, authorization-extras, content-type, x-namespace';

function fromJson(payload: z.infer<typeof payloadsBody>['payloads'][number]): Payload {
  return {
    metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64')])),
    data: Buffer.from(payload.data ?? '', 'base64'),
  };
}

function toJson(payload: Payload) {
  return {
    metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value).toString('base64')])),
    data: Buffer.from(payload.data ?? []).toString('base64'),
  };
}

export const codecRoutes: FastifyPluginAsync<CodecRouteOptions> = async (app, options) => {
  await app.register(cookie);
  await app.register(rateLimit, { max: options.rateLimitPerMinute ?? 600, timeWindow: '1 minute' });
  const signedIn = requireUser(options.db);

  app.addHook('onRequest', async (request, reply) => {
    if (options.uiOrigin && request.headers.origin === options.uiOrigin) {
      void reply.header('access-control-allow-origin', options.uiOrigin).header('access-control-allow-credentials', 'true');
    }
    void reply.header('vary', 'Origin');
  });

  // After the rate limit (onRequest) and before the body is read: nothing is parsed for a caller who may not decode.
  app.addHook('preParsing', async (request, reply, payload) => {
    if (request.method === 'OPTIONS') return payload;
    const authorization = request.headers.authorization;
    if (authorization !== undefined) {
      const token = /^Bearer (.+)$/.exec(authorization)?.[1];
      if (!options.authToken || !token || !sameSecret(token, options.authToken)) return reply.code(401).send({ error: 'Invalid codec token.' });
      return payload;
    }
    await signedIn.call(app, request, reply);
    if (reply.sent) return reply;
    const access = await loadAccess(options.db, request.adminUserId!);
    if (!access?.platformAdmin) return reply.code(403).send({ error: 'Only a platform admin can decode workflow histories.' });
    return payload;
  });

  for (const direction of ['decode', 'encode'] as const) {
    // The browser's preflight carries no credentials; it learns only which origin and headers are allowed.
    app.options(`/${direction}`, async (request, reply) => {
      if (options.uiOrigin && request.headers.origin === options.uiOrigin) {
        void reply
          .header('access-control-allow-methods', 'POST')
          .header('access-control-allow-headers', ALLOWED_HEADERS)
          .header('access-control-max-age', '600');
      }
      return reply.code(204).send();
    });

    app.post(`/${direction}`, { bodyLimit: BODY_LIMIT_BYTES }, async (request, reply) => {
      const body = payloadsBody.safeParse(request.body);
      if (!body.success) return reply.code(400).send({ error: 'Expected {"payloads": [...]} with base64 metadata and data.' });
      let payloads = body.data.payloads.map(fromJson);
      try {
        if (direction === 'encode') for (const codec of options.codecs) payloads = await codec.encode(payloads);
        else for (const codec of [...options.codecs].reverse()) payloads = await codec.decode(payloads);
      } catch (err) {
        // Names the missing or wrong key at most; never any payload content.
        return reply.code(422).send({ error: (err as Error).message });
      }
      return { payloads: payloads.map(toJson) };
    });
  }
};
