// The OAuth consent command as an owner runs it, against the local stand-ins for
// Google's OAuth endpoints and Calendar: the refresh token it stores is then
// used by the booking tools through the real googleapis OAuth client.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { bookAppointment } from '../../src/booking/appointments';
import { addDays, localDateOf, weekdayOf } from '../../src/booking/time';
import { calendarFor } from '../../src/calendar/google-calendar';
import { loadBusiness } from '../../src/booking/business';
import { openSecret } from '../../src/crypto/secrets';
import { DEMO_PHONE_NUMBER_ID, TEST_SECRETS, TEST_SECRETS_KEYS, useStack } from '../support/stack';

const root = path.resolve(__dirname, '../..');
const stack = useStack();

function oauthEnv() {
  return {
    GOOGLE_OAUTH_CLIENT_ID: 'owner-app.apps.googleusercontent.com',
    GOOGLE_OAUTH_CLIENT_SECRET: 'owner-app-secret',
    GOOGLE_OAUTH_AUTH_URL: `${stack.sandbox.url}/o/oauth2/v2/auth`,
    GOOGLE_OAUTH_TOKEN_URL: `${stack.sandbox.url}/token`,
    GOOGLE_CALENDAR_ROOT_URL: stack.sandbox.url,
  };
}

async function connect(args: string[], env: Record<string, string> = oauthEnv()): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [require.resolve('tsx/cli'), 'src/cli/calendar-connect.ts', ...args], {
    cwd: root,
    env: { PATH: process.env.PATH, NODE_ENV: 'development', DATABASE_URL: stack.database.url, SECRETS_ENCRYPTION_KEYS: TEST_SECRETS_KEYS, ...env },
  });
  let output = '';
  let approved = false;
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    const url = /https?:\/\/\S+\/o\/oauth2\/v2\/auth\S+/.exec(output)?.[0];
    if (url && !approved) {
      approved = true;
      // The owner opens the link; the consent page redirects back to the command.
      void fetch(url);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, output };
}

test('stores the refresh token sealed after consent for calendar events only, and bookings then go through OAuth to that calendar', async () => {
  const result = await connect([DEMO_PHONE_NUMBER_ID, '--calendar', 'owner@example.com']);
  expect(result.output).toContain('Open this address in a browser');
  expect(result.code).toBe(0);
  expect(result.output).toContain('now books into calendar "owner@example.com"');
  expect(result.output).not.toMatch(/1\/\/[A-Za-z0-9_-]{20,}/); // the refresh token is never printed

  const business = (await loadBusiness(stack.database.db, stack.businessId)).booking;
  expect(business.googleCalendarId).toBe('owner@example.com');
  expect(stack.sandbox.googleOAuth.requestedScopes.at(-1)).toEqual(['https://www.googleapis.com/auth/calendar.events']);
  // Sealed for this business under the configured key: the column never holds the token Google issued.
  const [row] = await stack.database.db.$queryRaw<
    Array<{ raw: string }>
  >`SELECT google_refresh_token AS raw FROM business WHERE id = ${stack.businessId}::uuid`;
  const raw = row!.raw;
  expect(raw).toMatch(/^enc:v1:stest1:/);
  const token = openSecret(TEST_SECRETS, 'google-refresh-token', stack.businessId, raw);
  expect(token).toMatch(/^1\/\//);
  expect(raw).not.toContain(token);

  let date = addDays(localDateOf(new Date(), 'Europe/Madrid'), 3);
  while (weekdayOf(date) === 'sun') date = addDays(date, 1);
  const calendar = calendarFor(business, {
    rootUrl: stack.sandbox.url,
    secrets: TEST_SECRETS,
    oauthClient: {
      clientId: oauthEnv().GOOGLE_OAUTH_CLIENT_ID,
      clientSecret: oauthEnv().GOOGLE_OAUTH_CLIENT_SECRET,
      tokenUrl: oauthEnv().GOOGLE_OAUTH_TOKEN_URL,
    },
  });
  const customer = await stack.database.db.customer.create({ data: { businessId: stack.businessId, waId: '34677000001' } });
  const booked = await bookAppointment(
    { db: stack.database.db, business, calendar, customerId: customer.id, now: new Date() },
    { serviceName: 'Haircut', start: `${date}T10:00`, customerName: 'Owner test', bookingKey: randomUUID() },
  );
  expect(booked.ok).toBe(true);
  expect(stack.sandbox.calendar.liveEvents('owner@example.com')).toHaveLength(1);
});

test('refuses clearly for an unknown business, and without an OAuth client', async () => {
  const unknown = await connect(['999999999999999']);
  expect(unknown.code).toBe(1);
  expect(unknown.output).toContain('No business has phone_number_id 999999999999999');

  const noClient = await connect([DEMO_PHONE_NUMBER_ID], {});
  expect(noClient.code).toBe(1);
  expect(noClient.output).toContain('Set GOOGLE_OAUTH_CLIENT_ID and GOOGLE_OAUTH_CLIENT_SECRET');
});
