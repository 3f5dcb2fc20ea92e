// Who may call each console API route: every role against its own business,
// another business and one that does not exist, over HTTP with the CSRF token,
// so that the role is the only thing that differs between calls. The routes are
// read from the app itself, so a route added without a row in ROUTES fails here
// until someone decides who may use it.
//
// Covered in their own files and not repeated here: sign-in never adopts a
// session the browser brought (admin-auth.test.ts, "a session the browser
// brought is never adopted"), sign-in refused without the CSRF token or with
// another browser's (admin-auth.test.ts), the lockout after wrong passwords
// (admin-auth.test.ts), and an expired or used invitation (admin-team.test.ts).
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { hashPassword } from '../../src/admin/passwords';
import { newToken, SESSION_COOKIE } from '../../src/api/admin/sessions';
import { addDays, fromLocal, parseLocalDateTime } from '../../src/booking/time';
import { storeWhatsAppToken } from '../../src/db/business-secrets';
import { loadSettings } from '../../src/db/business-settings';
import { ConsoleClient, signedInUser, TEST_PASSWORD as PASSWORD, type ConsoleResponse } from '../support/console-client';
import { DEMO_PHONE_NUMBER_ID, TEST_SECRETS, useStack } from '../support/stack';
import { upcomingWeekday } from '../support/waiting';

// With an OAuth client, so that connecting a calendar is a real success too.
const stack = useStack({ googleOAuth: true });
const db = () => stack.database.db;
const API = '/admin/api';
const OTHER_PHONE_NUMBER_ID = '100000000000790';
const MISSING_BUSINESS = randomUUID();

/**
 * Who may call a route:
 *   public          anyone, signed in or not: the route makes its own checks (a password, an invitation's token)
 *   signed-in       any signed-in user
 *   platform-admin  platform admins only
 *   view            the owners and staff of the business named by :businessId, and platform admins
 *   manage          the owners of the business named by :businessId, and platform admins
 */
type Rule = 'public' | 'signed-in' | 'platform-admin' | 'view' | 'manage';

/** One valid request: the same for every caller, so an allowed call succeeds for real. */
interface Call {
  /** Values for the route's parameters other than :businessId. */
  params?: Record<string, string>;
  body?: unknown;
  /** Puts back what the call changed (whether it was allowed or not), for the calls after it. */
  restore?: () => Promise<unknown>;
}

interface Row {
  rule: Rule;
  /** Makes the request for this business (A, B or one that does not exist), anew for every caller. */
  call?: (businessId: string) => Call | Promise<Call>;
  /** The status of an allowed call on a business that exists: 200 unless given. */
  ok?: number;
}

/** Every route under /admin/api, by method and path below /admin/api. A new route needs a line here. */
const ROUTES: Record<string, Row> = {
  'GET /csrf-token': { rule: 'public' },
  'POST /sign-in': { rule: 'public', call: () => ({ body: { email: SIGNER, password: PASSWORD } }) },
  'POST /sign-out': { rule: 'public', ok: 204 },
  'GET /me': { rule: 'signed-in' },
  'POST /password': { rule: 'signed-in', ok: 204, call: () => ({ body: { currentPassword: PASSWORD, newPassword: PASSWORD } }) },
  'GET /businesses': { rule: 'signed-in' },
  'POST /businesses': { rule: 'platform-admin', ok: 201, call: () => ({ body: newBusiness() }) },
  'GET /businesses/:businessId': { rule: 'view' },
  'POST /businesses/:businessId/deactivate': { rule: 'platform-admin', call: (id) => ({ restore: () => setActive(id, true) }) },
  'POST /businesses/:businessId/activate': { rule: 'platform-admin', call: inactiveUntilRestored },
  'GET /businesses/:businessId/settings': { rule: 'view' },
  'PUT /businesses/:businessId/settings': { rule: 'manage', call: async (id) => ({ body: await settingsOf(id) }) },
  'GET /businesses/:businessId/audit': { rule: 'manage' },
  // What the business's model use costs: its owners' figure (admin-usage.test.ts); the list answers each user only theirs.
  'GET /businesses/:businessId/usage': { rule: 'manage' },
  'GET /usage': { rule: 'signed-in' },
  'GET /businesses/:businessId/prompt': { rule: 'view' },
  'POST /businesses/:businessId/prompt/preview': { rule: 'manage', call: async (id) => ({ body: await promptOf(id) }) },
  'PUT /businesses/:businessId/prompt': { rule: 'manage', call: async (id) => ({ body: await promptOf(id) }) },
  'GET /businesses/:businessId/users': { rule: 'manage' },
  'POST /businesses/:businessId/invitations': { rule: 'manage', ok: 201, call: () => ({ body: { email: newEmail(), role: 'STAFF' } }) },
  'PUT /businesses/:businessId/users/:userId': { rule: 'manage', call: async (id) => ({ params: { userId: await member(id) }, body: { role: 'STAFF' } }) },
  'DELETE /businesses/:businessId/users/:userId': { rule: 'manage', call: async (id) => ({ params: { userId: await member(id) } }) },
  'DELETE /businesses/:businessId/invitations/:invitationId': { rule: 'manage', call: async (id) => ({ params: { invitationId: (await invitation(id)).id } }) },
  'GET /businesses/:businessId/appointments': { rule: 'view' },
  'POST /businesses/:businessId/appointments/:appointmentId/cancel': {
    rule: 'manage',
    call: async (id) => ({ params: { appointmentId: (await appointment(id)).id }, body: { requestId: randomUUID() } }),
  },
  'POST /businesses/:businessId/appointments/:appointmentId/move': {
    rule: 'manage',
    call: async (id) => {
      const { id: appointmentId, moveTo } = await appointment(id);
      return { params: { appointmentId }, body: { requestId: randomUUID(), start: moveTo } };
    },
  },
  'GET /businesses/:businessId/conversations': { rule: 'view' },
  'GET /businesses/:businessId/conversations/:customerId': { rule: 'view', call: async (id) => ({ params: { customerId: await conversation(id) } }) },
  'POST /businesses/:businessId/conversations/:customerId/read': {
    rule: 'view',
    ok: 204,
    call: async (id) => ({ params: { customerId: await conversation(id) } }),
  },
  'GET /businesses/:businessId/try-it': { rule: 'manage' },
  'POST /businesses/:businessId/try-it/messages': { rule: 'manage', ok: 202, call: () => ({ body: { text: 'Hello', requestId: randomUUID() } }) },
  'DELETE /businesses/:businessId/try-it': { rule: 'manage' },
  'GET /businesses/:businessId/calendar': { rule: 'view' },
  'POST /businesses/:businessId/calendar/connect': { rule: 'manage', call: () => ({ body: { calendarId: 'primary' } }) },
  'POST /businesses/:businessId/calendar/disconnect': { rule: 'manage', call: calendarRestored },
  // The business's own WhatsApp token: write-only (business-secrets.test.ts); each change is put back for the next caller.
  'GET /businesses/:businessId/whatsapp-token': { rule: 'manage' },
  'PUT /businesses/:businessId/whatsapp-token': {
    rule: 'manage',
    call: async (id) => ({ body: { accessToken: 'EAAG-matrix-token' }, restore: await whatsappTokenRestored(id) }),
  },
  'DELETE /businesses/:businessId/whatsapp-token': { rule: 'manage', call: whatsappTokenSetUntilRestored },
  // Google sends the browser here: the OAuth state and the session are checked by the route (admin-calendar.test.ts), which always redirects.
  'GET /calendar/oauth/callback': { rule: 'public', ok: 303 },
  'GET /users': { rule: 'platform-admin' },
  'GET /audit': { rule: 'platform-admin' },
  'PUT /users/:userId/platform-admin': { rule: 'platform-admin', call: () => ({ params: { userId: memberId }, body: { platformAdmin: false } }) },
  'DELETE /users/:userId/sessions': { rule: 'platform-admin', call: () => ({ params: { userId: memberId } }) },
  'PUT /users/:userId/memberships/:businessId': {
    rule: 'platform-admin',
    call: async (id) => ({ params: { userId: await member(id) }, body: { role: 'STAFF' } }),
  },
  'DELETE /users/:userId/memberships/:businessId': { rule: 'platform-admin', call: async (id) => ({ params: { userId: await member(id) } }) },
  // A person takes a conversation over and hands it back; the bot has it again after each call.
  'POST /businesses/:businessId/conversations/:customerId/take-over': {
    rule: 'view',
    call: async (id) => ({ params: { customerId: await customerOf(id) }, restore: () => botAgain(id) }),
  },
  'POST /businesses/:businessId/conversations/:customerId/hand-back': { rule: 'view', call: takenOverUntilRestored },
  // Only the person handling a conversation may reply, and no caller here has taken it over: an allowed caller reaches
  // the workflow, which refuses (409); the others are refused before it. Replies themselves: conversation-takeover.test.ts.
  'POST /businesses/:businessId/conversations/:customerId/replies': {
    rule: 'view',
    ok: 409,
    call: async (id) => ({ params: { customerId: await customerOf(id) }, body: { text: 'Hello', requestId: randomUUID() } }),
  },
  'GET /invitations/:token': { rule: 'public', call: async () => ({ params: { token: (await invitation(stack.businessId)).token } }) },
  'POST /invitations/:token/accept': {
    rule: 'public',
    ok: 201,
    call: async () => ({ params: { token: (await invitation(stack.businessId)).token }, body: { name: 'New Person', password: PASSWORD } }),
  },
};

type Who = 'nobody' | 'admin' | 'ownerA' | 'staffA' | 'ownerB' | 'noBusiness';
const CALLERS: Who[] = ['nobody', 'admin', 'ownerA', 'staffA', 'ownerB', 'noBusiness'];
type Target = 'A' | 'B' | 'missing';
const TARGETS: Target[] = ['A', 'B', 'missing'];

function permits(rule: Exclude<Rule, 'public'>, who: Exclude<Who, 'nobody'>, on: Target | undefined): boolean {
  switch (rule) {
    case 'signed-in':
      return true;
    case 'platform-admin':
      return who === 'admin';
    case 'view':
      return who === 'admin' || (on === 'A' && (who === 'ownerA' || who === 'staffA')) || (on === 'B' && who === 'ownerB');
    case 'manage':
      return who === 'admin' || (on === 'A' && who === 'ownerA') || (on === 'B' && who === 'ownerB');
  }
}

function expectedStatus({ rule, ok = 200 }: Row, who: Who, on: Target | undefined): number {
  if (rule === 'public') return ok;
  if (who === 'nobody') return 401;
  // A business that does not exist answers like another's (403); only a platform admin, who may see every business, learns it is not there.
  if (!permits(rule, who, on)) return 403;
  return on === 'missing' ? 404 : ok;
}

// The people and businesses the calls are made with.
const SIGNER = 'signer@example.com';
const browsers = {} as Record<Exclude<Who, 'nobody'>, ConsoleClient>;
const businesses = {} as Record<Target, string>;
/** A staff member of A and B whose role the matrix changes and whom it removes and adds back. */
let memberId: string;
let counter = 0;

beforeAll(async () => {
  const passwordHash = await hashPassword(PASSWORD);
  const other = await db().business.create({ data: { name: 'Other Salon', phoneNumberId: OTHER_PHONE_NUMBER_ID }, select: { id: true } });
  Object.assign(businesses, { A: stack.businessId, B: other.id, missing: MISSING_BUSINESS });
  browsers.admin = await signedInUser(stack, 'admin@example.com', 'platform-admin');
  browsers.ownerA = await signedInUser(stack, 'ownera@example.com', 'owner', DEMO_PHONE_NUMBER_ID);
  browsers.staffA = await signedInUser(stack, 'staffa@example.com', 'staff', DEMO_PHONE_NUMBER_ID);
  browsers.ownerB = await signedInUser(stack, 'ownerb@example.com', 'owner', OTHER_PHONE_NUMBER_ID);
  await db().adminUser.create({ data: { email: 'nobusiness@example.com', passwordHash } });
  browsers.noBusiness = ConsoleClient.for(stack);
  expect((await browsers.noBusiness.signIn('nobusiness@example.com', PASSWORD)).status).toBe(200);
  await db().adminUser.create({ data: { email: SIGNER, passwordHash } });
  memberId = (await db().adminUser.create({ data: { email: 'member@example.com', passwordHash }, select: { id: true } })).id;
  // B gets A's services, so that saving B's own settings is a valid request too.
  const { services, ...rules } = (await loadSettings(db(), businesses.A))!;
  const seeded = await browsers.admin.request('PUT', `${API}/businesses/${businesses.B}/settings`, {
    ...rules,
    services: services.map(({ id: _id, ...service }) => service),
  });
  expect(seeded.status).toBe(200);
});

const newEmail = () => `person${++counter}@example.com`;

function newBusiness() {
  return { name: `Matrix ${++counter}`, phoneNumberId: String(100000000100000 + counter), timeZone: 'Europe/Madrid', language: 'en' };
}

const exists = async (businessId: string) => (await db().business.count({ where: { id: businessId } })) > 0;

async function setActive(businessId: string, active: boolean) {
  await db().business.updateMany({ where: { id: businessId }, data: { active } });
}

/** The business inactive for the call, so that activating it is a real change, and active again after it. */
async function inactiveUntilRestored(businessId: string): Promise<Call> {
  await setActive(businessId, false);
  return { restore: () => setActive(businessId, true) };
}

/** The business's calendar connection as it was, put back after the call (which may disconnect it). */
async function calendarRestored(businessId: string): Promise<Call> {
  const select = { googleCalendarId: true, googleRefreshToken: true, calendarAccessError: true, calendarAccessErrorAt: true } as const;
  const before = await db().business.findUnique({ where: { id: businessId }, select });
  return { restore: async () => before && (await db().business.update({ where: { id: businessId }, data: before })) };
}

/** Puts the business's stored WhatsApp token back as it was before the call. */
async function whatsappTokenRestored(businessId: string): Promise<() => Promise<unknown>> {
  const before = await db().business.findUnique({ where: { id: businessId }, select: { whatsappAccessToken: true } });
  return async () => before && (await db().business.update({ where: { id: businessId }, data: before }));
}

/** A token set for the call, so that clearing it is a real change, and none again after it. */
async function whatsappTokenSetUntilRestored(businessId: string): Promise<Call> {
  if (await exists(businessId)) await storeWhatsAppToken(db(), TEST_SECRETS, businessId, 'EAAG-matrix-token');
  return { restore: () => db().business.updateMany({ where: { id: businessId }, data: { whatsappAccessToken: null } }) };
}

/** The business's own settings (A's for a business that does not exist): saving them changes nothing. */
async function settingsOf(businessId: string) {
  return (await loadSettings(db(), businessId)) ?? (await loadSettings(db(), businesses.A));
}

/** The business's own prompt fields (A's for a business that does not exist): saving them changes nothing. */
async function promptOf(businessId: string) {
  const fields = (id: string) => db().business.findUnique({ where: { id }, select: { personality: true, policies: true, language: true } });
  return (await fields(businessId)) ?? (await fields(businesses.A));
}

/** The member's id, a staff member of the business again (if it exists) whatever an earlier call did. */
async function member(businessId: string): Promise<string> {
  if (await exists(businessId)) {
    await db().membership.upsert({
      where: { userId_businessId: { userId: memberId, businessId } },
      create: { userId: memberId, businessId, role: 'STAFF' },
      update: { role: 'STAFF' },
    });
  }
  return memberId;
}

/** An open invitation to the business (made as the API makes them), or made-up ids for one that does not exist. */
async function invitation(businessId: string): Promise<{ id: string; token: string }> {
  const { token, tokenHash } = newToken();
  if (!(await exists(businessId))) return { id: randomUUID(), token };
  const { id } = await db().invitation.create({
    data: { tokenHash, email: newEmail(), businessId, role: 'STAFF', expiresAt: new Date(Date.now() + 86_400_000) },
    select: { id: true },
  });
  return { id, token };
}

let appointmentSlots = 0;

/**
 * A booked appointment of the business (made-up ids for one that does not exist), each in a time of its own
 * (a Monday's hour, moved half an hour later), so that every allowed cancel or move is a real change.
 */
async function appointment(businessId: string): Promise<{ id: string; moveTo: string }> {
  const slot = ++appointmentSlots;
  const date = addDays(upcomingWeekday('mon'), 7 * Math.floor(slot / 6));
  const hour = [10, 11, 12, 15, 16, 17][slot % 6];
  const moveTo = `${date}T${hour}:30`;
  if (!(await exists(businessId))) return { id: randomUUID(), moveTo };
  const startsAt = fromLocal(parseLocalDateTime(`${date}T${hour}:00`)!, 'Europe/Madrid')!;
  const customer = await db().customer.create({ data: { businessId, waId: String(34600000000 + slot) } });
  const { id } = await db().appointment.create({
    data: { businessId, customerId: customer.id, serviceName: 'Haircut', startsAt, endsAt: new Date(startsAt.getTime() + 30 * 60_000) },
    select: { id: true },
  });
  return { id, moveTo };
}

/** A customer of the business with one message (a made-up id for a business that does not exist). */
async function conversation(businessId: string): Promise<string> {
  if (!(await exists(businessId))) return randomUUID();
  const { id } = await db().customer.create({ data: { businessId, waId: String(34690000000 + ++counter) }, select: { id: true } });
  await db().message.create({ data: { businessId, customerId: id, direction: 'INBOUND', role: 'USER', text: 'hello', status: 'RECEIVED' } });
  return id;
}

/** A customer of the business (made once), or a made-up id for a business that does not exist. */
async function customerOf(businessId: string): Promise<string> {
  if (!(await exists(businessId))) return randomUUID();
  const waId = '34600000999';
  const customer = await db().customer.upsert({ where: { businessId_waId: { businessId, waId } }, create: { businessId, waId }, update: {} });
  return customer.id;
}

const conversationPath = (businessId: string, customerId: string, action: string) => `${API}/businesses/${businessId}/conversations/${customerId}/${action}`;

/** Hands the business's conversation back to the bot, as the platform admin (refused, harmlessly, when the bot has it). */
async function botAgain(businessId: string): Promise<void> {
  if (await exists(businessId)) await browsers.admin.request('POST', conversationPath(businessId, await customerOf(businessId), 'hand-back'));
}

/** The conversation taken over by the platform admin for the call, so that handing it back is a real change, and the bot's again after it. */
async function takenOverUntilRestored(businessId: string): Promise<Call> {
  const customerId = await customerOf(businessId);
  if (await exists(businessId)) expect((await browsers.admin.request('POST', conversationPath(businessId, customerId, 'take-over'))).status).toBe(200);
  return { params: { customerId }, restore: () => botAgain(businessId) };
}

/** The route's method and path (below /admin/api) with its parameters filled in: :businessId by the caller, the rest by the row. */
function split(route: string, businessId: string, params: Record<string, string> = {}): [string, string] {
  const [method, path] = route.split(' ') as [string, string];
  // A parameter the row does not give gets a made-up value: the call then fails on it, visibly, rather than on access.
  return [method, path.replace(/:(\w+)/g, (_, name: string) => (name === 'businessId' ? businessId : (params[name] ?? randomUUID())))];
}

/** Makes the row's call as this caller: `nobody` is a new browser each time (with a CSRF token but no session). */
async function send(route: string, row: Row, who: Who, businessId: string, { csrf = true } = {}): Promise<ConsoleResponse> {
  const call = (await row.call?.(businessId)) ?? {};
  try {
    const browser = who === 'nobody' ? ConsoleClient.for(stack) : browsers[who];
    if (!csrf) await browser.request('GET', `${API}/csrf-token`); // the CSRF cookie, as a browser that opened the console has
    const [method, path] = split(route, businessId, call.params);
    // A redirect is an answer to see, not to follow: an API route that redirects is the OAuth callback, for a browser.
    return await browser.request(method, `${API}${path}`, call.body, { csrf, redirect: 'manual' });
  } finally {
    await call.restore?.();
  }
}

/**
 * Every route the app serves under /admin/api, as "METHOD /path" below /admin/api, read from Fastify's own
 * route tree (`printRoutes`: one line per path, indented under its parent path, with its methods).
 * HEAD, which Fastify adds to every GET, is left out.
 */
function registeredApiRoutes(app: FastifyInstance): string[] {
  const routes: string[] = [];
  const parents: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n').filter(Boolean)) {
    const parsed = /^((?:[│ ] {3})*)[├└]── (\S+) \(([A-Z, ]+)\)$/.exec(line);
    if (!parsed) throw new Error(`A line of Fastify's route tree this test cannot read: ${JSON.stringify(line)}`);
    const depth = parsed[1]!.length / 4;
    const path = (parents[depth - 1] ?? '') + parsed[2]!;
    parents.splice(depth, parents.length, path);
    if (!path.startsWith(`${API}/`)) continue;
    const methods = parsed[3]!.split(', ');
    for (const method of methods) {
      if (method === 'HEAD' && methods.includes('GET')) continue;
      routes.push(`${method} ${path.slice(API.length)}`);
    }
  }
  return routes.sort();
}

/** Parameter names left out, so that a route and its row match however either names its parameters. */
const shape = (route: string) => route.replace(/:[^/]+/g, ':');
const rowsByShape = new Map(Object.entries(ROUTES).map(([route, row]) => [shape(route), { route, row }]));

test('every route under /admin/api has a row in the access table, and every row a route', () => {
  const registered = registeredApiRoutes(stack.app);
  // A route tree read wrongly would list nothing, and nothing would be missing from the table.
  expect(registered.length).toBeGreaterThan(10);
  expect(registered.filter((route) => !rowsByShape.has(shape(route)))).toEqual([]);
  const registeredShapes = new Set(registered.map(shape));
  expect(Object.keys(ROUTES).filter((route) => !registeredShapes.has(shape(route)))).toEqual([]);
});

test.each(Object.entries(ROUTES))('%s: the only successes are the allowed ones', async (route, row) => {
  const scoped = route.includes(':businessId');
  const expected: Record<string, number> = {};
  const actual: Record<string, number> = {};
  const refusals: Record<string, unknown> = {};
  for (const who of row.rule === 'public' ? (['nobody'] as const) : CALLERS) {
    for (const on of scoped ? TARGETS : [undefined]) {
      const cell = on ? `${who} on ${on}` : who;
      const response = await send(route, row, who, businesses[on ?? 'A']);
      expected[cell] = expectedStatus(row, who, on);
      actual[cell] = response.status;
      if (actual[cell] !== expected[cell]) refusals[cell] = response.body;
    }
  }
  // The answers of the calls that went wrong are shown next to the statuses, to say why.
  expect({ statuses: actual, ...(Object.keys(refusals).length ? { answers: refusals } : {}) }).toEqual({ statuses: expected });
});

test('a change without the CSRF token is refused on every state-changing route, for a caller who may make it', async () => {
  const changes = registeredApiRoutes(stack.app).filter((route) => !route.startsWith('GET '));
  const answers: Record<string, string> = {};
  for (const route of changes) {
    // A route without a row yet is still checked, with no body (the token is checked before anything else).
    const row = rowsByShape.get(shape(route))?.row ?? { rule: 'manage' };
    const response = await send(route, row, row.rule === 'public' ? 'nobody' : 'admin', businesses.A, { csrf: false });
    answers[route] = `${response.status} ${String(response.body.code)}`;
  }
  expect(answers).toEqual(Object.fromEntries(changes.map((route) => [route, '403 FST_CSRF_INVALID_TOKEN'])));
});

test('accepting an invitation signs in with a new session, never one the browser brought', async () => {
  // The planted token is one the attacker knows: if the server adopted it, the attacker would be signed in as the new user.
  const browser = ConsoleClient.for(stack);
  const planted = newToken().token;
  browser.cookies.set(SESSION_COOKIE, planted);
  const { token } = await invitation(businesses.A);
  expect((await browser.request('POST', `${API}/invitations/${token}/accept`, { name: 'Invited', password: PASSWORD })).status).toBe(201);
  expect(browser.cookies.get(SESSION_COOKIE)).not.toBe(planted);
  expect((await browser.request('GET', `${API}/me`)).status).toBe(200);
  const attacker = ConsoleClient.for(stack);
  attacker.cookies.set(SESSION_COOKIE, planted);
  expect((await attacker.request('GET', `${API}/me`)).status).toBe(401);
});
