// Signing in to the admin console over HTTP, as a browser does: sessions in
// PostgreSQL, CSRF on every change, lockout after wrong passwords, a rate
// limit per address, security headers, and the command that makes the first user.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { passwordMatches } from '../../src/admin/passwords';
import { SIGN_IN_FAILURE_LIMIT } from '../../src/api/admin/auth-routes';
import { SESSION_COOKIE } from '../../src/api/admin/sessions';
import { createUser } from '../../src/cli/admin';
import { ConsoleClient } from '../support/console-client';
import { DEMO_PHONE_NUMBER_ID, useStack } from '../support/stack';

const stack = useStack();
const PASSWORD = 'correct horse battery';
let counter = 0;

function passwordFile(password: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'admin-pw-')), 'password');
  fs.writeFileSync(file, `${password}\n`);
  return file;
}

/** A new user made with the same command an operator runs; returns their email. */
async function newUser(role: 'platform-admin' | 'owner' | 'staff' = 'owner', password = PASSWORD): Promise<string> {
  const email = `person${++counter}-${Date.now()}@Example.com`;
  const lines: string[] = [];
  await createUser(
    stack.database.db,
    ['--email', email, '--role', role, ...(role === 'platform-admin' ? [] : ['--business', DEMO_PHONE_NUMBER_ID]), '--password-file', passwordFile(password)],
    (l) => lines.push(l),
  );
  expect(lines.join('\n')).not.toContain(password);
  return email.toLowerCase();
}

test('without a session, who am I is 401', async () => {
  const browser = ConsoleClient.for(stack);
  expect((await browser.request('GET', '/admin/api/me')).status).toBe(401);
});

test('signing in sets an HttpOnly, SameSite=Lax session cookie scoped to /admin, and me names the user with their roles', async () => {
  const email = await newUser('owner');
  const browser = ConsoleClient.for(stack);
  const signedIn = await browser.signIn(email.toUpperCase(), PASSWORD);
  expect(signedIn.status).toBe(200);
  const cookie = signedIn.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`))!;
  expect(cookie).toMatch(/HttpOnly/i);
  expect(cookie).toMatch(/SameSite=Lax/i);
  expect(cookie).toMatch(/Path=\/admin/);
  // Plain HTTP in development and tests; Secure everywhere else (app.ts).
  expect(cookie).not.toMatch(/Secure/i);

  const me = await browser.request<{ user: { email: string; platformAdmin: boolean; memberships: unknown[] } }>('GET', '/admin/api/me');
  expect(me.status).toBe(200);
  expect(me.body.user).toMatchObject({
    email,
    platformAdmin: false,
    memberships: [{ businessId: stack.businessId, businessName: 'Lumen Hair Studio', role: 'OWNER' }],
  });
  // Only a hash of the token is stored.
  const token = browser.cookies.get(SESSION_COOKIE)!;
  expect(await stack.database.db.adminSession.count({ where: { id: token } })).toBe(0);
});

test('a change without the CSRF token is refused, sign-in included', async () => {
  const email = await newUser();
  const browser = ConsoleClient.for(stack);
  const refused = await browser.request('POST', '/admin/api/sign-in', { email, password: PASSWORD }, { csrf: false });
  expect(refused.status).toBe(403);
  expect(browser.cookies.has(SESSION_COOKIE)).toBe(false);
  // A token from another browser does not fit this one's secret either.
  const other = ConsoleClient.for(stack);
  const { body } = await other.request<{ token: string }>('GET', '/admin/api/csrf-token');
  const forged = await fetch(`${stack.webhookUrl.replace('/webhook', '')}/admin/api/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': body.token },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  expect(forged.status).toBe(403);
});

test('a wrong password and an unknown email get the same answer', async () => {
  const email = await newUser();
  const wrong = await ConsoleClient.for(stack).signIn(email, 'not the password');
  const unknown = await ConsoleClient.for(stack).signIn('nobody@example.com', 'not the password');
  expect(wrong.status).toBe(401);
  expect(unknown).toMatchObject({ status: 401, body: wrong.body });
});

test('a session the browser brought is never adopted: signing in makes a new one and ends the old one', async () => {
  const attacker = await newUser('staff');
  const victim = await newUser('owner');
  const browser = ConsoleClient.for(stack);
  await browser.signIn(attacker, PASSWORD);
  const planted = browser.cookies.get(SESSION_COOKIE)!;

  await browser.signIn(victim, PASSWORD);
  expect(browser.cookies.get(SESSION_COOKIE)).not.toBe(planted);
  // Whoever kept the planted token is not signed in as the victim, nor as anyone.
  const replay = new ConsoleClient(stack.webhookUrl.replace('/webhook', ''));
  replay.cookies.set(SESSION_COOKIE, planted);
  expect((await replay.request('GET', '/admin/api/me')).status).toBe(401);
  expect((await browser.request<{ user: { email: string } }>('GET', '/admin/api/me')).body.user.email).toBe(victim);
});

test('signing out ends the session on the server, not only in the browser', async () => {
  const email = await newUser();
  const browser = ConsoleClient.for(stack);
  await browser.signIn(email, PASSWORD);
  const token = browser.cookies.get(SESSION_COOKIE)!;
  expect((await browser.request('POST', '/admin/api/sign-out')).status).toBe(204);
  expect(browser.cookies.has(SESSION_COOKIE)).toBe(false);
  const replay = ConsoleClient.for(stack);
  replay.cookies.set(SESSION_COOKIE, token);
  expect((await replay.request('GET', '/admin/api/me')).status).toBe(401);
});

test('changing the password ends every other session, keeps this one, and checks the old and the new password', async () => {
  const email = await newUser();
  const [here, elsewhere] = [ConsoleClient.for(stack), ConsoleClient.for(stack)];
  await here.signIn(email, PASSWORD);
  await elsewhere.signIn(email, PASSWORD);

  expect(await here.request('POST', '/admin/api/password', { currentPassword: 'wrong one', newPassword: 'a new long password' })).toMatchObject({
    status: 400,
    body: { fields: { currentPassword: expect.any(String) } },
  });
  expect(await here.request('POST', '/admin/api/password', { currentPassword: PASSWORD, newPassword: 'short' })).toMatchObject({
    status: 400,
    body: { fields: { newPassword: expect.stringMatching(/at least 10 characters/) } },
  });
  expect((await here.request('POST', '/admin/api/password', { currentPassword: PASSWORD, newPassword: 'a new long password' })).status).toBe(204);

  expect((await here.request('GET', '/admin/api/me')).status).toBe(200);
  expect((await elsewhere.request('GET', '/admin/api/me')).status).toBe(401);
  expect((await ConsoleClient.for(stack).signIn(email, PASSWORD)).status).toBe(401);
  expect((await ConsoleClient.for(stack).signIn(email, 'a new long password')).status).toBe(200);
});

test(`${SIGN_IN_FAILURE_LIMIT} wrong passwords lock the account with a clear message, even against the right password, until the lock ends`, async () => {
  const email = await newUser();
  const browser = ConsoleClient.for(stack);
  for (let i = 1; i < SIGN_IN_FAILURE_LIMIT; i++) expect((await browser.signIn(email, `wrong ${i}`)).status).toBe(401);
  const locked = await browser.signIn(email, 'wrong again');
  expect(locked).toMatchObject({ status: 423, body: { error: expect.stringMatching(/locked until \d\d:\d\d UTC/), lockedUntil: expect.any(String) } });
  expect((await browser.signIn(email, PASSWORD)).status).toBe(423);

  await stack.database.db.adminUser.update({ where: { email }, data: { lockedUntil: new Date(Date.now() - 1000) } });
  expect((await browser.signIn(email, PASSWORD)).status).toBe(200);
});

test('console responses carry security headers; the webhook keeps its plain answers', async () => {
  const me = await ConsoleClient.for(stack).request('GET', '/admin/api/me');
  expect(me.headers.get('content-security-policy')).toContain("default-src 'self'");
  expect(me.headers.get('x-content-type-options')).toBe('nosniff');
  expect(me.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  const webhook = await fetch(`${stack.webhookUrl}?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1`);
  expect(webhook.headers.get('content-security-policy')).toBeNull();
});

describe('the sign-in rate limit per address', () => {
  const limited = useStack({ adminSignInRateLimitPerMinute: 3 });

  test('past the limit, sign-in answers 429 with how long to wait', async () => {
    const browser = ConsoleClient.for(limited);
    for (let i = 0; i < 3; i++) expect((await browser.signIn('nobody@example.com', 'x')).status).toBe(401);
    const refused = await browser.signIn('nobody@example.com', 'x');
    expect(refused).toMatchObject({ status: 429, body: { error: expect.stringMatching(/Wait \d+ seconds/) } });
  });
});

describe('npm run admin -- create-user', () => {
  test('makes a platform admin with a generated password printed once, stored only as argon2id', async () => {
    const lines: string[] = [];
    const previousTty = process.stdin.isTTY;
    process.stdin.isTTY = false;
    try {
      await createUser(stack.database.db, ['--email', 'Root@Example.com', '--role', 'platform-admin'], (l) => lines.push(l));
    } finally {
      process.stdin.isTTY = previousTty;
    }
    const password = /Password \(shown once\): (\S+)/.exec(lines.join('\n'))?.[1];
    expect(password).toBeDefined();
    const user = await stack.database.db.adminUser.findUniqueOrThrow({ where: { email: 'root@example.com' } });
    expect(user.platformAdmin).toBe(true);
    expect(user.passwordHash).toMatch(/^\$argon2id\$/);
    expect(await passwordMatches(user.passwordHash, password!)).toBe(true);
    expect((await ConsoleClient.for(stack).signIn('root@example.com', password!)).status).toBe(200);
  });

  test.each([
    [['--email', 'x@example.com', '--role', 'owner'], /needs --business/],
    [['--email', 'x@example.com', '--role', 'owner', '--business', '999'], /No business has phone_number_id 999/],
    [['--email', 'not-an-email', '--role', 'platform-admin'], /must be an email address/],
    [['--email', 'x@example.com', '--role', 'boss'], /must be platform-admin, owner or staff/],
    [['--email', 'x@example.com', '--role', 'platform-admin', '--password-file', passwordFile('short')], /at least 10 characters/],
    [['--email', 'x@example.com', '--role', 'platform-admin', '--colour', 'blue'], /Unknown option/],
  ])('refuses %j with a clear reason', async (args, reason) => {
    await expect(createUser(stack.database.db, args, () => undefined)).rejects.toThrow(reason);
  });

  test('refuses a second user with the same email, whatever its case', async () => {
    const email = await newUser('platform-admin');
    await expect(
      createUser(stack.database.db, ['--email', email.toUpperCase(), '--role', 'platform-admin', '--password-file', passwordFile(PASSWORD)], () => undefined),
    ).rejects.toThrow(/already exists/);
  });
});
