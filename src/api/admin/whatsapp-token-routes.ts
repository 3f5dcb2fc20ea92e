// A business's own WhatsApp Cloud API access token, for a business whose number
// belongs to its own Meta app or system user. Write-only: owners set or clear
// it, and the console learns only whether one is set and when it last changed.
// The audit log records that it changed, never the token.
import type { FastifyPluginAsync, preHandlerHookHandler } from 'fastify';
import { z } from 'zod';
import type { Keyring } from '../../crypto/keyring';
import { recordAudit } from '../../db/audit';
import { loadWhatsAppTokenView, storeWhatsAppToken, WHATSAPP_TOKEN_ACTIONS } from '../../db/business-secrets';
import type { Database } from '../../db/client';
import { actorOf, businessFor, signedIn } from './guards';
import { invalidBody } from './validation';

const tokenBody = z.object({
  // Meta's tokens are long runs of letters and digits; whitespace would be a paste gone wrong.
  accessToken: z
    .string()
    .trim()
    .min(10, 'Paste the whole access token.')
    .max(1024, 'At most 1,024 characters.')
    .regex(/^[\x21-\x7e]+$/, 'An access token has no spaces or special characters.'),
});

export const whatsappTokenRoutes: FastifyPluginAsync<{ db: Database; requireUser: preHandlerHookHandler; secrets: Keyring }> = async (
  app,
  { db, requireUser, secrets },
) => {
  const preHandler = signedIn(db, requireUser);
  const path = '/businesses/:businessId/whatsapp-token';

  app.get(path, { preHandler }, async (request, reply) => {
    const businessId = await businessFor(request, reply, 'manage');
    if (!businessId) return reply;
    return { whatsappToken: await loadWhatsAppTokenView(db, businessId) };
  });

  app.put(path, { preHandler }, async (request, reply) => {
    const businessId = await businessFor(request, reply, 'manage');
    if (!businessId) return reply;
    const body = tokenBody.safeParse(request.body);
    if (!body.success) return invalidBody(reply, body.error);
    await change(businessId, body.data.accessToken, actorOf(request));
    return { whatsappToken: await loadWhatsAppTokenView(db, businessId) };
  });

  app.delete(path, { preHandler }, async (request, reply) => {
    const businessId = await businessFor(request, reply, 'manage');
    if (!businessId) return reply;
    await change(businessId, null, actorOf(request));
    return { whatsappToken: await loadWhatsAppTokenView(db, businessId) };
  });

  async function change(businessId: string, token: string | null, actor: ReturnType<typeof actorOf>) {
    await db.$transaction(async (transaction) => {
      const tx = transaction as unknown as Database;
      const { set } = await loadWhatsAppTokenView(tx, businessId);
      // Clearing what is not there changes nothing, and is not worth an entry.
      if (token === null && !set) return;
      await storeWhatsAppToken(tx, secrets, businessId, token);
      await recordAudit(tx, {
        businessId,
        actor,
        action: token === null ? WHATSAPP_TOKEN_ACTIONS.clear : WHATSAPP_TOKEN_ACTIONS.set,
        before: { ownCredentials: set },
        after: { ownCredentials: token !== null },
        whole: true,
      });
    });
  }
};
