// The checks every console route makes before it does anything: a live
// session, what its user may do (read fresh on every request, so a role change
// applies at once), and whether that covers the business in the URL.
import type { FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { z } from 'zod';
import { canOnBusiness, type Access, type BusinessAction } from '../../admin/access';
import { loadAccess } from '../../db/admin-users';
import type { Database } from '../../db/client';

declare module 'fastify' {
  interface FastifyRequest {
    access?: Access;
  }
}

const businessParams = z.object({ businessId: z.uuid() });

/** requireUser, then the user's access on request.access. */
export function signedIn(db: Database, requireUser: preHandlerHookHandler): preHandlerHookHandler[] {
  const withAccess: preHandlerHookHandler = async (request, reply) => {
    const access = await loadAccess(db, request.adminUserId!);
    if (!access) return reply.code(401).send({ error: 'Not signed in.' });
    request.access = { userId: request.adminUserId!, ...access };
    // A platform admin passes every business's check, so a business that does not exist is answered here, for
    // every route that names one, rather than by each route's queries failing on it (a 500, or an empty list).
    const named = businessParams.safeParse(request.params);
    if (access.platformAdmin && named.success && (await db.business.count({ where: { id: named.data.businessId } })) === 0) {
      return reply.code(404).send({ error: 'No such business.' });
    }
  };
  return [requireUser, withAccess];
}

/** The business named in the URL, if this user may do `action` on it; otherwise a 403 is sent. */
export async function businessFor(request: FastifyRequest, reply: FastifyReply, action: BusinessAction): Promise<string | undefined> {
  const params = businessParams.safeParse(request.params);
  if (!params.success || !canOnBusiness(request.access!, action, params.data.businessId)) {
    // The same answer whether the business exists or not: a user learns nothing about businesses not theirs.
    await reply.code(403).send({ error: 'You do not have access to this business.' });
    return undefined;
  }
  return params.data.businessId;
}

export function platformAdminOnly(request: FastifyRequest, reply: FastifyReply): boolean {
  if (request.access!.platformAdmin) return true;
  void reply.code(403).send({ error: 'Only a platform admin can do this.' });
  return false;
}

export const actorOf = (request: FastifyRequest) => ({ userId: request.access!.userId, email: request.access!.email });
