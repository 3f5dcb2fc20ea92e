// What the assistant says about a business and how it sounds: personality,
// policies and language, with a preview of the exact system prompt the next
// turn will use, built by the same code the workflow runs (agent/prompt.ts).
import type { FastifyPluginAsync, preHandlerHookHandler } from 'fastify';
import { z } from 'zod';
import { buildSystemPrompt } from '../../agent/prompt';
import { loadBusiness } from '../../booking/business';
import { recordAudit } from '../../db/audit';
import type { Database } from '../../db/client';
import { actorOf, businessFor, signedIn } from './guards';
import { invalidBody, languageTag } from './validation';
import type { PromptView } from './views';

const promptFields = z.object({
  personality: z.string().max(2000, 'At most 2,000 characters.'),
  policies: z.string().max(4000, 'At most 4,000 characters.'),
  language: languageTag,
});
type PromptFields = z.infer<typeof promptFields>;

export const promptRoutes: FastifyPluginAsync<{ db: Database; requireUser: preHandlerHookHandler }> = async (app, { db, requireUser }) => {
  const preHandler = signedIn(db, requireUser);

  /** The prompt fields as saved (or as proposed), the system prompt they make now, and the last change. */
  async function promptView(businessId: string, proposed?: PromptFields): Promise<PromptView> {
    const { profile } = await loadBusiness(db, businessId);
    const fields = proposed ?? { personality: profile.personality, policies: profile.policies, language: profile.language };
    const last = await db.auditEntry.findFirst({
      where: { businessId, action: 'prompt.update' },
      orderBy: { createdAt: 'desc' },
      select: { createdAt: true, userEmail: true },
    });
    return {
      ...fields,
      preview: buildSystemPrompt({ ...profile, ...fields }, new Date()),
      lastChange: last ? { at: last.createdAt.toISOString(), by: last.userEmail } : null,
    };
  }

  app.get('/businesses/:businessId/prompt', { preHandler }, async (request, reply) => {
    const businessId = await businessFor(request, reply, 'view');
    if (!businessId) return reply;
    return { prompt: await promptView(businessId) };
  });

  // The live preview while someone types: nothing is saved.
  app.post('/businesses/:businessId/prompt/preview', { preHandler }, async (request, reply) => {
    const businessId = await businessFor(request, reply, 'manage');
    if (!businessId) return reply;
    const body = promptFields.safeParse(request.body);
    if (!body.success) return invalidBody(reply, body.error);
    return { prompt: await promptView(businessId, body.data) };
  });

  app.put('/businesses/:businessId/prompt', { preHandler }, async (request, reply) => {
    const businessId = await businessFor(request, reply, 'manage');
    if (!businessId) return reply;
    const body = promptFields.safeParse(request.body);
    if (!body.success) return invalidBody(reply, body.error);
    await db.$transaction(async (transaction) => {
      const tx = transaction as unknown as Database;
      const before = await tx.business.findUniqueOrThrow({ where: { id: businessId }, select: { personality: true, policies: true, language: true } });
      await tx.business.update({ where: { id: businessId }, data: body.data });
      await recordAudit(tx, { businessId, actor: actorOf(request), action: 'prompt.update', before, after: body.data });
    });
    return { prompt: await promptView(businessId) };
  });
};
