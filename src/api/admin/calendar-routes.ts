// A business's Google Calendar in the console: its connection and health, and
// connecting it in the browser. "Connect" sends the owner to Google's consent
// page; Google sends the browser back to the callback here, which trades the
// code for a refresh token, proves it opens the calendar and stores it. The
// OAuth state is the callback's CSRF defence: random, single use, 10 minutes,
// and only for the signed-in user who started it.
import type { FastifyPluginAsync, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { z } from 'zod';
import { canOnBusiness } from '../../admin/access';
import { CALENDAR_SCOPES, createOAuthClient, type OAuthClientSettings } from '../../calendar/google-calendar';
import { CalendarConnectFailure, proveConnection } from '../../calendar/oauth-connect';
import type { Keyring } from '../../crypto/keyring';
import { findSessionUser, loadAccess } from '../../db/admin-users';
import { recordAudit } from '../../db/audit';
import {
  claimConnectionRequest,
  clearCalendarConnection,
  createConnectionRequest,
  loadCalendarConnection,
  storeCalendarConnection,
} from '../../db/calendar-connection';
import type { Database } from '../../db/client';
import { actorOf, businessFor, signedIn } from './guards';
import { hashToken, newToken, sessionTokenOf } from './sessions';
import { invalidBody } from './validation';
import type { CalendarView } from './views';

export const CALENDAR_CALLBACK_PATH = '/admin/api/calendar/oauth/callback';
/** How long Google's consent page may take before the attempt is void. */
export const CONNECT_REQUEST_TTL_MS = 10 * 60_000;

export interface CalendarConsoleOptions {
  /** The OAuth client owners grant access to; without one, calendars cannot be connected from the console. */
  oauthClient?: OAuthClientSettings;
  /** The Calendar API root (the sandbox's in development and tests). */
  rootUrl?: string;
  /** The console's origin as browsers reach it (PUBLIC_URL); the request's own when unset. */
  publicUrl?: string;
}

const connectBody = z.object({
  calendarId: z
    .string()
    .trim()
    .max(254, 'At most 254 characters.')
    .regex(/^[^\s/?#]*$/, 'A calendar ID such as primary or name@group.calendar.google.com.')
    .optional()
    .transform((id) => id || 'primary'),
});

const callbackQuery = z.object({
  code: z.string().max(2048).optional(),
  state: z.string().max(200).optional(),
  error: z.string().max(200).optional(),
});

/** The state sent to Google: the business (so even a refused answer finds its page) and a random token. */
const STATE_PATTERN = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/;

export const calendarRoutes: FastifyPluginAsync<{
  db: Database;
  requireUser: preHandlerHookHandler;
  calendar: CalendarConsoleOptions;
  /** Seals the refresh token before it is stored. */
  secrets: Keyring;
}> = async (app, { db, requireUser, calendar: options, secrets }) => {
  const preHandler = signedIn(db, requireUser);
  const redirectUriFor = (request: FastifyRequest) => new URL(CALENDAR_CALLBACK_PATH, options.publicUrl ?? `${request.protocol}://${request.host}`).toString();
  const calendarView = async (request: FastifyRequest, businessId: string): Promise<CalendarView> => ({
    ...(await loadCalendarConnection(db, businessId)),
    canConnect: options.oauthClient !== undefined,
    // What an operator registers on the OAuth client (type "Web application") as its authorised redirect URI.
    redirectUri: redirectUriFor(request),
  });

  app.get('/businesses/:businessId/calendar', { preHandler }, async (request, reply) => {
    const businessId = await businessFor(request, reply, 'view');
    if (!businessId) return reply;
    return { calendar: await calendarView(request, businessId) };
  });

  app.post('/businesses/:businessId/calendar/connect', { preHandler }, async (request, reply) => {
    const businessId = await businessFor(request, reply, 'manage');
    if (!businessId) return reply;
    if (!options.oauthClient) {
      return reply.code(409).send({ error: NO_OAUTH_CLIENT });
    }
    const body = connectBody.safeParse(request.body ?? {});
    if (!body.success) return invalidBody(reply, body.error);

    const state = `${businessId}.${newToken().token}`;
    const redirectUri = redirectUriFor(request);
    const now = new Date();
    await createConnectionRequest(
      db,
      {
        stateHash: hashToken(state),
        businessId,
        userId: request.access!.userId,
        calendarId: body.data.calendarId,
        redirectUri,
        expiresAt: new Date(now.getTime() + CONNECT_REQUEST_TTL_MS),
      },
      now,
    );
    const url = createOAuthClient(options.oauthClient, redirectUri).generateAuthUrl({
      access_type: 'offline',
      // Google sends a refresh token only when consent is asked for, not when it was granted before.
      prompt: 'consent',
      scope: CALENDAR_SCOPES,
      state,
    });
    return { url };
  });

  app.post('/businesses/:businessId/calendar/disconnect', { preHandler }, async (request, reply) => {
    const businessId = await businessFor(request, reply, 'manage');
    if (!businessId) return reply;
    await db.$transaction(async (transaction) => {
      const tx = transaction as unknown as Database;
      const before = await loadCalendarConnection(tx, businessId);
      if (!before.connected) return;
      await clearCalendarConnection(tx, businessId);
      await recordAudit(tx, {
        businessId,
        actor: actorOf(request),
        action: 'calendar.disconnect',
        before: { calendarId: before.calendarId },
        after: { calendarId: null },
        whole: true,
      });
    });
    return { calendar: await calendarView(request, businessId) };
  });

  // Google's redirect: a browser navigation, so it ends on a console page, never on a JSON answer.
  app.get('/calendar/oauth/callback', async (request, reply) => {
    const query = callbackQuery.safeParse(request.query);
    const { code, state, error } = query.success ? query.data : {};
    const stateParts = state ? STATE_PATTERN.exec(state) : null;
    const businessId = stateParts?.[1];
    const backTo = (outcome: { connected: true } | { error: string }) => {
      if (!businessId) return reply.redirect('/admin/businesses', 303);
      const search = 'connected' in outcome ? 'connected=1' : new URLSearchParams({ error: outcome.error }).toString();
      return reply.redirect(`/admin/businesses/${businessId}/calendar?${search}`, 303);
    };

    if (!stateParts || !state) return backTo({ error: REFUSED_STATE.unknown });
    try {
      const outcome = await finishConnection(request, { state, code, error });
      return backTo(outcome);
    } catch (err) {
      // Database errors can quote the values they were given, the refresh token among them: only their kind is logged.
      request.log.error({ errorName: (err as Error).name, code: (err as { code?: unknown }).code }, 'Finishing a calendar connection failed');
      return backTo({ error: 'Something went wrong on the server. Try again in a moment.' });
    }
  });

  async function finishConnection(
    request: FastifyRequest,
    { state, code, error }: { state: string; code?: string; error?: string },
  ): Promise<{ connected: true } | { error: string }> {
    const userId = await signedInUserOf(db, request);
    if (!userId) return { error: 'You were signed out before Google answered. Sign in and connect the calendar again.' };
    const taken = await claimConnectionRequest(db, hashToken(state), userId, new Date());
    if ('refused' in taken) return { error: REFUSED_STATE[taken.refused] };
    if (error)
      return {
        error: error === 'access_denied' ? 'Access was not granted on Google’s page.' : `Google answered “${error.replace(/[^a-z_]/g, '')}”. Start again.`,
      };
    if (!code) return { error: 'Google’s answer carried no authorization code. Start again.' };
    const { businessId, calendarId, redirectUri } = taken.claimed;
    // The role is read again: it may have changed while Google's page was open.
    const access = await loadAccess(db, userId);
    if (!access || !canOnBusiness({ userId, ...access }, 'manage', businessId)) return { error: 'Only an owner of this business can connect its calendar.' };

    if (!options.oauthClient) return { error: NO_OAUTH_CLIENT };
    const connection = await proveConnection({ code, redirectUri, calendarId }, options.oauthClient, { rootUrl: options.rootUrl }).catch((err: unknown) => {
      if (err instanceof CalendarConnectFailure) return err;
      throw err;
    });
    if (connection instanceof CalendarConnectFailure) return { error: connection.message };
    await db.$transaction(async (transaction) => {
      const tx = transaction as unknown as Database;
      const before = await loadCalendarConnection(tx, businessId);
      await storeCalendarConnection(tx, secrets, businessId, connection);
      // The calendar ID only: the refresh token is a secret and never enters the audit log.
      await recordAudit(tx, {
        businessId,
        actor: { userId, email: access.email },
        action: 'calendar.connect',
        before: { calendarId: before.calendarId },
        after: { calendarId: connection.googleCalendarId },
        whole: true,
      });
    });
    return { connected: true };
  }
};

const NO_OAUTH_CLIENT = 'No Google OAuth client is configured on this server: set GOOGLE_OAUTH_CLIENT_ID and GOOGLE_OAUTH_CLIENT_SECRET.';

const REFUSED_STATE = {
  unknown: 'The answer from Google did not match a connection started here. Start again.',
  'other-user': 'This connection was started by someone else. Start it again yourself.',
  used: 'This answer from Google was already used. Start again.',
  expired: 'Google answered after more than 10 minutes, so the attempt expired. Start again.',
} as const;

async function signedInUserOf(db: Database, request: FastifyRequest): Promise<string | undefined> {
  const token = sessionTokenOf(request);
  return token ? findSessionUser(db, hashToken(token), new Date()) : undefined;
}
