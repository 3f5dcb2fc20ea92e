// The admin console under /admin: its pages (pages.ts) and its JSON API under
// /admin/api. Everything here runs inside its own Fastify scope: security
// headers, cookies, CSRF checks and the sign-in rate limit apply to the console
// and never to Meta's webhook.
import { createHmac } from 'node:crypto';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { Client } from '@temporalio/client';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { CalendarAccess } from '../../calendar/google-calendar';
import type { Keyring } from '../../crypto/keyring';
import type { Database } from '../../db/client';
import type { PriceTable } from '../../usage/prices';
import { findSessionUser } from '../../db/admin-users';
import { appointmentRoutes } from './appointment-routes';
import { authRoutes } from './auth-routes';
import { businessRoutes } from './business-routes';
import { calendarRoutes, type CalendarConsoleOptions } from './calendar-routes';
import { conversationControlRoutes } from './conversation-control-routes';
import { conversationRoutes, type TemporalUiOptions } from './conversation-routes';
import { promptRoutes } from './prompt-routes';
import { settingsRoutes } from './settings-routes';
import { teamRoutes } from './team-routes';
import { tryItRoutes } from './try-it-routes';
import { usageRoutes } from './usage-routes';
import { userRoutes } from './user-routes';
import { whatsappTokenRoutes } from './whatsapp-token-routes';
import { consoleErrorHandler } from './errors';
import { consolePages } from './pages';
import { hashToken, sessionTokenOf } from './sessions';

export interface AdminApiOptions {
  db: Database;
  /** Signs the CSRF cookie; derived from the app secret, so no new secret is needed to run the console. */
  appSecret: string;
  /** Cookies carry Secure everywhere except explicit development and tests over plain HTTP. */
  secureCookies: boolean;
  /** Sign-in attempts per client address per minute; consecutive failures per account lock it (auth-routes.ts). */
  signInRateLimitPerMinute?: number;
  /** Connecting Google Calendars from the console: the OAuth client, the Calendar API root, the public origin. */
  calendar?: CalendarConsoleOptions;
  /** Where the inbox links each turn's workflow run (the Temporal Web UI and namespace). */
  temporalUi?: TemporalUiOptions;
  /** For changes that run as workflows (an owner's change to an appointment), on the worker's task queue. */
  temporal: { client: Client; taskQueue: string };
  /** The calendar as the worker opens it, for removing the "Try it" chat's test bookings. */
  calendarAccess?: CalendarAccess;
  /** SECRETS_ENCRYPTION_KEYS: seals the secrets owners give the console, opens the stored refresh tokens. */
  secrets: Keyring;
  /** Model prices (MODEL_PRICES over the built-in table), for this month's cost of each business. */
  prices: PriceTable;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in console user, set by requireUser. */
    adminUserId?: string;
    adminSessionHash?: string;
  }
}

/** The console: register with prefix /admin. */
export const adminConsole: FastifyPluginAsync<AdminApiOptions> = async (app, options) => {
  await app.register(helmet, {
    // The console's pages and API come from this origin only.
    contentSecurityPolicy: { directives: { defaultSrc: ["'self'"], frameAncestors: ["'none'"] } },
  });
  app.setErrorHandler(consoleErrorHandler);
  await app.register(adminApi, { ...options, prefix: '/api' });
  await app.register(consolePages);
};

const adminApi: FastifyPluginAsync<AdminApiOptions> = async (app, options) => {
  await app.register(cookie, { secret: createHmac('sha256', options.appSecret).update('admin-console-cookies').digest('hex') });
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieOpts: { path: '/admin', httpOnly: true, sameSite: 'lax', secure: options.secureCookies, signed: true },
    getToken: (request) => request.headers['x-csrf-token'] as string | undefined,
  });
  await app.register(rateLimit, { global: false });

  // Every state-changing request carries the CSRF token from GET /admin/api/csrf-token in X-CSRF-Token.
  app.addHook('onRequest', (request, reply, done) => {
    if (['GET', 'HEAD', 'OPTIONS'].includes(request.method)) return done();
    app.csrfProtection(request, reply, done);
  });

  app.get('/csrf-token', async (_request, reply) => ({ token: reply.generateCsrf() }));

  const signedIn = requireUser(options.db);
  await app.register(authRoutes, {
    db: options.db,
    secureCookies: options.secureCookies,
    signInRateLimitPerMinute: options.signInRateLimitPerMinute ?? 10,
    requireUser: signedIn,
  });
  await app.register(businessRoutes, { db: options.db, requireUser: signedIn });
  await app.register(settingsRoutes, { db: options.db, requireUser: signedIn });
  await app.register(promptRoutes, { db: options.db, requireUser: signedIn });
  await app.register(calendarRoutes, { db: options.db, requireUser: signedIn, calendar: options.calendar ?? {}, secrets: options.secrets });
  await app.register(whatsappTokenRoutes, { db: options.db, requireUser: signedIn, secrets: options.secrets });
  await app.register(teamRoutes, { db: options.db, requireUser: signedIn, secureCookies: options.secureCookies });
  await app.register(userRoutes, { db: options.db, requireUser: signedIn });
  await app.register(tryItRoutes, {
    db: options.db,
    requireUser: signedIn,
    temporal: options.temporal,
    calendarAccess: { ...options.calendarAccess, secrets: options.secrets },
  });
  await app.register(appointmentRoutes, { db: options.db, requireUser: signedIn, temporal: options.temporal });
  await app.register(conversationRoutes, {
    db: options.db,
    requireUser: signedIn,
    temporalUi: options.temporalUi ?? { url: 'http://127.0.0.1:8233', namespace: 'default' },
  });
  await app.register(conversationControlRoutes, { db: options.db, requireUser: signedIn, temporal: options.temporal });
  await app.register(usageRoutes, { db: options.db, requireUser: signedIn, prices: options.prices });
};

/** A preHandler that answers 401 unless the request carries a live session; sets request.adminUserId. */
export function requireUser(db: Database) {
  return async function (this: FastifyInstance, request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const token = sessionTokenOf(request);
    const tokenHash = token && hashToken(token);
    const userId = tokenHash ? await findSessionUser(db, tokenHash, new Date()) : undefined;
    if (!userId || !tokenHash) {
      await reply.code(401).send({ error: 'Not signed in.' });
      return;
    }
    request.adminUserId = userId;
    request.adminSessionHash = tokenHash;
  };
}
