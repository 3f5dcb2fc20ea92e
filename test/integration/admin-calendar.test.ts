// Connecting a business's Google Calendar from the console, through the real
// googleapis OAuth client and the sandbox's stand-ins for Google's consent page,
// token endpoint and Calendar: who may connect, every way a redirect back can be
// refused, the audit log, and a booking made afterwards with the stored token.
import { randomBytes } from 'node:crypto';
import { openSecret } from '../../src/crypto/secrets';
import { ConsoleClient, signedInUser } from '../support/console-client';
import { deliver } from '../support/deliver';
import { newWamid, textMessagePayload } from '../support/payloads';
import { DEMO_PHONE_NUMBER_ID, TEST_OAUTH_CLIENT, TEST_SECRETS, useStack } from '../support/stack';
import { upcomingWeekday } from '../support/waiting';

// A fixed token the Calendar stand-in refuses: the worker can only reach a calendar through a connected refresh token.
const stack = useStack({ googleOAuth: true, workerGoogleToken: 'not-a-token-google-accepts' });
const OTHER_PHONE_NUMBER_ID = '100000000000781';
type Who = 'admin' | 'owner' | 'staff' | 'stranger';
const browsers = {} as Record<Who, ConsoleClient>;
let otherBusiness: string;

interface CalendarView {
  connected: boolean;
  calendarId: string | null;
  accessError: string | null;
  accessErrorAt: string | null;
  canConnect: boolean;
  via: 'google-account' | 'server-credentials' | null;
  redirectUri: string;
}

beforeAll(async () => {
  otherBusiness = (await stack.database.db.business.create({ data: { name: 'Other Salon', phoneNumberId: OTHER_PHONE_NUMBER_ID } })).id;
  browsers.admin = await signedInUser(stack, 'admin@example.com', 'platform-admin');
  browsers.owner = await signedInUser(stack, 'owner@example.com', 'owner', DEMO_PHONE_NUMBER_ID);
  browsers.staff = await signedInUser(stack, 'staff@example.com', 'staff', DEMO_PHONE_NUMBER_ID);
  browsers.stranger = await signedInUser(stack, 'stranger@example.com', 'owner', OTHER_PHONE_NUMBER_ID);
  // The demo business comes connected to the sandbox calendar by the server's own token; these tests start from nothing.
  await stack.database.db.business.update({ where: { id: stack.businessId }, data: { googleCalendarId: null } });
});

beforeEach(() => stack.sandbox.reset());
// Each test starts with no calendar connected, whatever the one before left.
afterEach(async () => {
  await stack.database.db.business.update({
    where: { id: stack.businessId },
    data: { googleCalendarId: null, googleRefreshToken: null, calendarAccessError: null, calendarAccessErrorAt: null },
  });
});

const calendarPath = (businessId = stack.businessId) => `/admin/api/businesses/${businessId}/calendar`;

async function calendarOf(who: Who = 'owner'): Promise<CalendarView> {
  return (await browsers[who].request<{ calendar: CalendarView }>('GET', calendarPath())).body.calendar;
}

/** "Connect Google Calendar": the consent URL the console sends the browser to. */
async function startConnect(who: Who, calendarId?: string): Promise<URL> {
  const started = await browsers[who].request<{ url: string }>('POST', `${calendarPath()}/connect`, calendarId === undefined ? {} : { calendarId });
  expect(started.status).toBe(200);
  return new URL(started.body.url);
}

/** Google's consent page, approved: it redirects the browser to the console's callback with a code and the state. */
async function approve(consentUrl: URL): Promise<URL> {
  const consent = await fetch(consentUrl, { redirect: 'manual' });
  expect(consent.status).toBe(302);
  return new URL(consent.headers.get('location')!);
}

/** The browser follows a redirect to the console with its cookies; where the console sends it next. */
async function open(who: Who | 'nobody', url: URL): Promise<{ status: number; location: URL }> {
  const cookie = who === 'nobody' ? '' : [...browsers[who].cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  const response = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
  return { status: response.status, location: new URL(response.headers.get('location') ?? '', url) };
}

function expectCalendarPage(location: URL, outcome: { connected: true } | { error: RegExp }, businessId = stack.businessId) {
  expect(location.pathname).toBe(`/admin/businesses/${businessId}/calendar`);
  if ('connected' in outcome) expect(Object.fromEntries(location.searchParams)).toEqual({ connected: '1' });
  else expect(location.searchParams.get('error')).toMatch(outcome.error);
}

async function connectFully(who: Who, calendarId?: string) {
  const back = await open(who, await approve(await startConnect(who, calendarId)));
  expect(back.status).toBe(303);
  return back.location;
}

async function disconnect(who: Who) {
  return browsers[who].request<{ calendar: CalendarView }>('POST', `${calendarPath()}/disconnect`);
}

/** The refresh token column as PostgreSQL holds it, read past Prisma, and the token it opens to with the stack's keys. */
async function storedRefreshToken(): Promise<{ raw: string; token: string }> {
  const [row] = await stack.database.db.$queryRaw<
    Array<{ raw: string }>
  >`SELECT google_refresh_token AS raw FROM business WHERE id = ${stack.businessId}::uuid`;
  return { raw: row!.raw, token: openSecret(TEST_SECRETS, 'google-refresh-token', stack.businessId, row!.raw) };
}

async function storedConnection() {
  return stack.database.db.business.findUniqueOrThrow({
    where: { id: stack.businessId },
    select: { googleCalendarId: true, googleRefreshToken: true, calendarAccessError: true, calendarAccessErrorAt: true },
  });
}

test('the consent URL asks Google for offline access to calendar events only, with a random state, and comes back to the console', async () => {
  const url = await startConnect('owner');
  const { redirectUri } = await calendarOf();
  expect(url.origin + url.pathname).toBe(`${stack.sandbox.url}/o/oauth2/v2/auth`);
  expect(Object.fromEntries(url.searchParams)).toMatchObject({
    client_id: TEST_OAUTH_CLIENT.clientId,
    access_type: 'offline',
    prompt: 'consent',
    response_type: 'code',
    // Events (read, add, move, delete) and nothing else: not the whole-calendar scope, which could share or delete calendars.
    scope: 'https://www.googleapis.com/auth/calendar.events',
    redirect_uri: redirectUri,
    state: expect.stringMatching(new RegExp(`^${stack.businessId}\\.[A-Za-z0-9_-]{43}$`)),
  });
  expect(redirectUri).toBe(new URL('/admin/api/calendar/oauth/callback', stack.webhookUrl).toString());
  // Only the state's hash is kept.
  const kept = await stack.database.db.calendarConnectionRequest.findMany({ select: { stateHash: true } });
  expect(JSON.stringify(kept)).not.toContain(url.searchParams.get('state')!);
});

test('owner: connect a calendar, book into it with the stored token through a WhatsApp message, and disconnect', async () => {
  await stack.database.db.business.update({
    where: { id: stack.businessId },
    data: { calendarAccessError: 'Google refused the calendar credentials (401)', calendarAccessErrorAt: new Date() },
  });
  expect((await calendarOf()).accessError).toMatch(/401/);

  expectCalendarPage(await connectFully('owner', 'salon@example.com'), { connected: true });
  expect(await calendarOf()).toMatchObject({
    connected: true,
    calendarId: 'salon@example.com',
    via: 'google-account',
    canConnect: true,
    accessError: null,
    accessErrorAt: null,
  });
  // Google's consent page was asked for calendar events and nothing more.
  expect(stack.sandbox.googleOAuth.requestedScopes.at(-1)).toEqual(['https://www.googleapis.com/auth/calendar.events']);
  // The database holds the token sealed under the current key, never the token itself.
  const stored = await storedRefreshToken();
  expect(stored.token).toMatch(/^1\/\/[A-Za-z0-9_-]{20,}$/);
  expect(stored.raw).toMatch(/^enc:v1:stest1:/);
  expect(stored.raw).not.toContain(stored.token);
  const page = JSON.stringify(await browsers.owner.request('GET', calendarPath()));
  expect(page).not.toContain(stored.token);
  expect(page).not.toContain(stored.raw);

  const date = upcomingWeekday('tue');
  stack.sandbox.openai.enqueue(
    { toolCalls: [{ name: 'book_appointment', arguments: { service: 'Haircut', start: `${date}T10:00`, customer_name: 'Ana' } }] },
    { content: `Booked: haircut on ${date} at 10:00.` },
  );
  const turn = await deliver(
    stack,
    textMessagePayload({ phoneNumberId: DEMO_PHONE_NUMBER_ID, from: '34655001001', text: 'Haircut Tuesday 10?', wamid: newWamid() }),
  );
  expect(turn.appointments).toEqual([expect.objectContaining({ kind: 'booked', start: `${date}T10:00` })]);
  expect(stack.sandbox.calendar.liveEvents('salon@example.com')).toHaveLength(1);

  const disconnected = await disconnect('owner');
  expect(disconnected.status).toBe(200);
  expect(disconnected.body.calendar).toMatchObject({ connected: false, calendarId: null, via: null, accessError: null });
  expect(await storedConnection()).toEqual({ googleCalendarId: null, googleRefreshToken: null, calendarAccessError: null, calendarAccessErrorAt: null });
});

test('a platform admin connects and disconnects too; the default calendar is primary', async () => {
  expectCalendarPage(await connectFully('admin'), { connected: true });
  expect(await calendarOf('admin')).toMatchObject({ connected: true, calendarId: 'primary', via: 'google-account' });
  expect((await disconnect('admin')).status).toBe(200);
  expect((await calendarOf('admin')).connected).toBe(false);
});

test('staff see the connection but cannot change it; another business cannot even see it', async () => {
  const staffView = await browsers.staff.request<{ calendar: CalendarView }>('GET', calendarPath());
  expect(staffView.status).toBe(200);
  expect(staffView.body.calendar.canConnect).toBe(true);
  expect((await browsers.staff.request('POST', `${calendarPath()}/connect`, {})).status).toBe(403);
  expect((await browsers.staff.request('POST', `${calendarPath()}/disconnect`)).status).toBe(403);

  const outsiders: Array<[Who, string]> = [
    ['stranger', calendarPath()],
    ['owner', calendarPath(otherBusiness)],
    ['staff', calendarPath(otherBusiness)],
  ];
  for (const [who, path] of outsiders) {
    expect((await browsers[who].request('GET', path)).status).toBe(403);
    expect((await browsers[who].request('POST', `${path}/connect`, {})).status).toBe(403);
    expect((await browsers[who].request('POST', `${path}/disconnect`)).status).toBe(403);
  }
  expect((await browsers.stranger.request('GET', calendarPath(otherBusiness))).status).toBe(200);
});

test('a bad calendar ID is named', async () => {
  const refused = await browsers.owner.request<{ fields: Record<string, string> }>('POST', `${calendarPath()}/connect`, { calendarId: 'two words' });
  expect(refused.status).toBe(400);
  expect(refused.body.fields.calendarId).toMatch(/calendar ID/);
});

describe('a redirect back is refused, and lands on the calendar page with the reason', () => {
  test('when the person declined on Google’s page', async () => {
    const consent = await startConnect('owner');
    const declined = new URL(consent.searchParams.get('redirect_uri')!);
    declined.search = new URLSearchParams({ error: 'access_denied', state: consent.searchParams.get('state')! }).toString();
    const back = await open('owner', declined);
    expect(back.status).toBe(303);
    expectCalendarPage(back.location, { error: /not granted/ });
    expect((await calendarOf()).connected).toBe(false);
  });

  test('for a state this server never issued, or one that is not even shaped like ours', async () => {
    const callback = await approve(await startConnect('owner'));
    callback.searchParams.set('state', `${stack.businessId}.${randomBytes(32).toString('base64url')}`);
    expectCalendarPage((await open('owner', callback)).location, { error: /did not match/ });

    callback.searchParams.set('state', 'forged');
    const back = await open('owner', callback);
    expect(back.status).toBe(303);
    expect(back.location.pathname).toBe('/admin/businesses');
    expect((await calendarOf()).connected).toBe(false);
  });

  test('for a state used once already', async () => {
    const callback = await approve(await startConnect('owner'));
    expectCalendarPage((await open('owner', callback)).location, { connected: true });
    await disconnect('owner');
    expectCalendarPage((await open('owner', callback)).location, { error: /already used/ });
    expect((await calendarOf()).connected).toBe(false);
  });

  test('for a state older than 10 minutes', async () => {
    const callback = await approve(await startConnect('owner'));
    await stack.database.db.calendarConnectionRequest.updateMany({ data: { expiresAt: new Date(Date.now() - 1000) } });
    expectCalendarPage((await open('owner', callback)).location, { error: /expired/ });
    expect((await calendarOf()).connected).toBe(false);
  });

  test('for another user’s state, which stays usable by the user who started it', async () => {
    const callback = await approve(await startConnect('owner'));
    expectCalendarPage((await open('admin', callback)).location, { error: /started by someone else/ });
    expectCalendarPage((await open('nobody', callback)).location, { error: /signed out/ });
    expect((await calendarOf()).connected).toBe(false);
    expectCalendarPage((await open('owner', callback)).location, { connected: true });
  });

  test('when Google does not accept the code', async () => {
    const callback = await approve(await startConnect('owner'));
    callback.searchParams.set('code', '4/not-a-code-google-issued');
    expectCalendarPage((await open('owner', callback)).location, { error: /did not accept the authorization \(invalid_grant\)/ });
    expect((await calendarOf()).connected).toBe(false);
  });

  test('when the token does not open the calendar, and an earlier connection is kept', async () => {
    expectCalendarPage(await connectFully('owner', 'first@example.com'), { connected: true });
    const before = await storedConnection();
    stack.sandbox.faults.inject({
      endpoint: 'calendar.list',
      respond: { status: 404, body: { error: { code: 404, message: 'Not Found', errors: [{ reason: 'notFound', message: 'Not Found' }] } } },
    });
    expectCalendarPage(await connectFully('owner', 'missing@example.com'), { error: /could not be opened: .*does not exist or is not shared/ });
    expect(await storedConnection()).toEqual(before);
  });

  test('when the owner lost the role while Google’s page was open', async () => {
    const callback = await approve(await startConnect('owner'));
    const owner = await stack.database.db.adminUser.findUniqueOrThrow({ where: { email: 'owner@example.com' } });
    await stack.database.db.membership.update({ where: { userId_businessId: { userId: owner.id, businessId: stack.businessId } }, data: { role: 'STAFF' } });
    try {
      expectCalendarPage((await open('owner', callback)).location, { error: /Only an owner/ });
      expect((await calendarOf()).connected).toBe(false);
    } finally {
      await stack.database.db.membership.update({ where: { userId_businessId: { userId: owner.id, businessId: stack.businessId } }, data: { role: 'OWNER' } });
    }
  });
});

test('the audit log has each connection and disconnection with the calendar ID and never the token', async () => {
  expectCalendarPage(await connectFully('owner', 'audited@example.com'), { connected: true });
  const { raw, token } = await storedRefreshToken();
  await disconnect('owner');
  const entries = await stack.database.db.auditEntry.findMany({
    where: { businessId: stack.businessId, action: { startsWith: 'calendar.' } },
    orderBy: { createdAt: 'asc' },
  });
  expect(entries.length).toBeGreaterThanOrEqual(2);
  expect(entries.slice(-2)).toEqual([
    expect.objectContaining({ action: 'calendar.connect', userEmail: 'owner@example.com', after: { calendarId: 'audited@example.com' } }),
    expect.objectContaining({
      action: 'calendar.disconnect',
      userEmail: 'owner@example.com',
      before: { calendarId: 'audited@example.com' },
      after: { calendarId: null },
    }),
  ]);
  const audit = JSON.stringify(await browsers.owner.request('GET', `/admin/api/businesses/${stack.businessId}/audit`));
  expect(audit).toContain('audited@example.com');
  expect(audit).not.toContain(token);
  expect(audit).not.toContain(raw);
  expect(JSON.stringify(entries)).not.toMatch(/1\/\//);
});

describe('without an OAuth client on the server', () => {
  const bare = useStack({ inProcessWorker: false });

  test('the page learns it cannot connect, and connecting is refused with the variables to set', async () => {
    const owner = await signedInUser(bare, 'owner@example.com', 'owner', DEMO_PHONE_NUMBER_ID);
    const view = await owner.request<{ calendar: CalendarView }>('GET', `/admin/api/businesses/${bare.businessId}/calendar`);
    // The demo business books with the server's own credentials (the sandbox token): connected, but not by a Google account.
    expect(view.body.calendar).toMatchObject({ canConnect: false, connected: true, via: 'server-credentials' });
    const refused = await owner.request<{ error: string }>('POST', `/admin/api/businesses/${bare.businessId}/calendar/connect`, {});
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatch(/GOOGLE_OAUTH_CLIENT_ID and GOOGLE_OAUTH_CLIENT_SECRET/);
  });
});
