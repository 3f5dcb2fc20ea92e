// Every console user across businesses, for platform admins only: the list,
// memberships added, changed and removed, platform admin rights (never the
// last one, never one's own), sessions ended, and each change in an audit log.
import { setPlatformAdmin, type PlatformUserView } from '../../src/db/platform-users';
import { ConsoleClient, signedInUser } from '../support/console-client';
import { DEMO_PHONE_NUMBER_ID, useStack } from '../support/stack';

const stack = useStack();
const OTHER_PHONE_NUMBER_ID = '100000000000781';
const PASSWORD = 'correct horse battery';
let admin: ConsoleClient;
let owner: ConsoleClient;
let staff: ConsoleClient;
let otherBusinessId: string;

interface Users {
  users: PlatformUserView[];
}
interface AuditPage {
  entries: Array<{ action: string; by: string; before: unknown; after: unknown }>;
}

const db = () => stack.database.db;
const idOf = async (email: string) => (await db().adminUser.findUniqueOrThrow({ where: { email } })).id;
const listed = async (email: string) => (await admin.request<Users>('GET', '/admin/api/users')).body.users.find((u) => u.email === email)!;

async function signIn(email: string): Promise<ConsoleClient> {
  const browser = ConsoleClient.for(stack);
  expect((await browser.signIn(email, PASSWORD)).status).toBe(200);
  return browser;
}

beforeAll(async () => {
  otherBusinessId = (await db().business.create({ data: { name: 'Other Salon', phoneNumberId: OTHER_PHONE_NUMBER_ID } })).id;
  admin = await signedInUser(stack, 'root@example.com', 'platform-admin');
  owner = await signedInUser(stack, 'owner@example.com', 'owner', DEMO_PHONE_NUMBER_ID);
  staff = await signedInUser(stack, 'staff@example.com', 'staff', DEMO_PHONE_NUMBER_ID);
});

test('only platform admins reach these routes: owners and staff get 403, no session 401', async () => {
  const someone = await idOf('staff@example.com');
  const routes: Array<[string, string, unknown?]> = [
    ['GET', '/admin/api/users'],
    ['GET', '/admin/api/audit'],
    ['PUT', `/admin/api/users/${someone}/platform-admin`, { platformAdmin: true }],
    ['DELETE', `/admin/api/users/${someone}/sessions`],
    ['PUT', `/admin/api/users/${someone}/memberships/${otherBusinessId}`, { role: 'OWNER' }],
    ['DELETE', `/admin/api/users/${someone}/memberships/${stack.businessId}`],
  ];
  const nobody = ConsoleClient.for(stack);
  for (const [method, path, body] of routes) {
    expect([method, path, (await owner.request(method, path, body)).status]).toEqual([method, path, 403]);
    expect([method, path, (await staff.request(method, path, body)).status]).toEqual([method, path, 403]);
    expect([method, path, (await nobody.request(method, path, body)).status]).toEqual([method, path, 401]);
  }
  // Nothing above took effect.
  expect(await listed('staff@example.com')).toMatchObject({
    platformAdmin: false,
    memberships: [{ businessId: stack.businessId, role: 'STAFF' }],
    sessions: { open: 1 },
  });
});

test('the list shows every user with their businesses, admin rights, lock and sessions', async () => {
  const lockedUntil = new Date(Date.now() + 10 * 60_000);
  await signedInUser(stack, 'locked@example.com', 'staff', DEMO_PHONE_NUMBER_ID);
  await db().adminUser.update({ where: { email: 'locked@example.com' }, data: { lockedUntil } });
  const { status, body } = await admin.request<Users>('GET', '/admin/api/users');
  expect(status).toBe(200);
  expect(body.users.map((u) => u.email)).toEqual(['locked@example.com', 'owner@example.com', 'root@example.com', 'staff@example.com']);
  expect(body.users.find((u) => u.email === 'root@example.com')).toMatchObject({ platformAdmin: true, memberships: [], lockedUntil: null });
  expect(body.users.find((u) => u.email === 'owner@example.com')).toEqual({
    id: await idOf('owner@example.com'),
    email: 'owner@example.com',
    name: '',
    platformAdmin: false,
    lockedUntil: null,
    createdAt: expect.any(String),
    sessions: { open: 1, lastSeenAt: expect.any(String) },
    memberships: [{ businessId: stack.businessId, businessName: 'Lumen Hair Studio', role: 'OWNER', since: expect.any(String) }],
  });
  expect(body.users.find((u) => u.email === 'locked@example.com')!.lockedUntil).toBe(lockedUntil.toISOString());
});

test('a platform admin adds someone to a business, changes their role and removes them; each change is in that business’s audit log', async () => {
  const staffId = await idOf('staff@example.com');
  const added = await admin.request<Users>('PUT', `/admin/api/users/${staffId}/memberships/${otherBusinessId}`, { role: 'OWNER' });
  expect(added.status).toBe(200);
  expect(added.body.users.find((u) => u.id === staffId)!.memberships).toEqual([
    expect.objectContaining({ businessName: 'Lumen Hair Studio', role: 'STAFF' }),
    expect.objectContaining({ businessName: 'Other Salon', role: 'OWNER' }),
  ]);
  // Joining changes nothing the person already had: their session goes on.
  expect((await staff.request('GET', `/admin/api/businesses/${otherBusinessId}/settings`)).status).toBe(200);

  const demoted = await admin.request<Users>('PUT', `/admin/api/users/${staffId}/memberships/${otherBusinessId}`, { role: 'STAFF' });
  expect(demoted).toMatchObject({ status: 409, body: { error: 'A business needs at least one owner.' } });

  const ownerId = await idOf('owner@example.com');
  const promoted = await admin.request<Users>('PUT', `/admin/api/users/${ownerId}/memberships/${otherBusinessId}`, { role: 'OWNER' });
  expect(promoted.status).toBe(200);
  const removed = await admin.request<Users>('DELETE', `/admin/api/users/${staffId}/memberships/${otherBusinessId}`);
  expect(removed.body.users.find((u) => u.id === staffId)!.memberships.map((m) => m.businessName)).toEqual(['Lumen Hair Studio']);
  // A removed membership ends the person's sessions, so the change applies to their very next request.
  expect((await staff.request('GET', '/admin/api/me')).status).toBe(401);
  expect((await admin.request('DELETE', `/admin/api/users/${staffId}/memberships/${otherBusinessId}`)).status).toBe(404);

  const audit = await admin.request<AuditPage>('GET', `/admin/api/businesses/${otherBusinessId}/audit`);
  // The refused demotion left no entry.
  expect(audit.body.entries.map((e) => [e.action, e.by])).toEqual([
    ['user.remove', 'root@example.com'],
    ['user.add', 'root@example.com'],
    ['user.add', 'root@example.com'],
  ]);
  expect(audit.body.entries[0]).toMatchObject({ before: { userId: staffId, email: 'staff@example.com', role: 'OWNER' }, after: null });
  staff = await signIn('staff@example.com');
});

test('an unknown user or business is a 404; a bad role names the field', async () => {
  const staffId = await idOf('staff@example.com');
  const nobodyId = '00000000-0000-4000-8000-000000000000';
  expect((await admin.request('PUT', `/admin/api/users/${nobodyId}/memberships/${otherBusinessId}`, { role: 'STAFF' })).status).toBe(404);
  expect((await admin.request('PUT', `/admin/api/users/${staffId}/memberships/${nobodyId}`, { role: 'STAFF' })).status).toBe(404);
  expect(await admin.request('PUT', `/admin/api/users/${staffId}/memberships/${otherBusinessId}`, { role: 'BOSS' })).toMatchObject({
    status: 400,
    body: { fields: { role: expect.any(String) } },
  });
  expect((await admin.request('PUT', `/admin/api/users/${nobodyId}/platform-admin`, { platformAdmin: true })).status).toBe(404);
  expect((await admin.request('DELETE', `/admin/api/users/${nobodyId}/sessions`)).status).toBe(404);
});

test('platform admin rights are granted and withdrawn, the person signed out each time; never one’s own, never the last', async () => {
  const ownerId = await idOf('owner@example.com');
  const granted = await admin.request<Users>('PUT', `/admin/api/users/${ownerId}/platform-admin`, { platformAdmin: true });
  expect(granted.body.users.find((u) => u.id === ownerId)).toMatchObject({ platformAdmin: true, sessions: { open: 0 } });
  expect((await owner.request('GET', '/admin/api/me')).status).toBe(401);

  owner = await signIn('owner@example.com');
  expect((await owner.request('GET', '/admin/api/users')).status).toBe(200);
  const rootId = await idOf('root@example.com');
  expect(await admin.request('PUT', `/admin/api/users/${rootId}/platform-admin`, { platformAdmin: false })).toMatchObject({
    status: 409,
    body: { error: expect.stringMatching(/your own/) },
  });

  const withdrawn = await admin.request<Users>('PUT', `/admin/api/users/${ownerId}/platform-admin`, { platformAdmin: false });
  expect(withdrawn.body.users.find((u) => u.id === ownerId)).toMatchObject({ platformAdmin: false });
  expect((await owner.request('GET', '/admin/api/me')).status).toBe(401);
  owner = await signIn('owner@example.com');
  expect((await owner.request('GET', '/admin/api/users')).status).toBe(403);

  // root@ is now the only platform admin: the rule holds below the route's own-rights check too.
  expect(await setPlatformAdmin(db(), rootId, false, { userId: ownerId, email: 'owner@example.com' })).toBe('last-admin');
  expect((await db().adminUser.findUniqueOrThrow({ where: { id: rootId } })).platformAdmin).toBe(true);

  const audit = await admin.request<AuditPage>('GET', '/admin/api/audit');
  expect(audit.body.entries.slice(0, 2)).toEqual([
    expect.objectContaining({
      action: 'user.platform-admin',
      by: 'root@example.com',
      before: { userId: ownerId, email: 'owner@example.com', platformAdmin: true },
      after: { userId: ownerId, email: 'owner@example.com', platformAdmin: false },
    }),
    expect.objectContaining({ action: 'user.platform-admin', after: expect.objectContaining({ platformAdmin: true }) }),
  ]);
});

test('two platform admins withdrawing each other at once leave one platform admin', async () => {
  await signedInUser(stack, 'second@example.com', 'platform-admin');
  const second = await signIn('second@example.com');
  const [rootId, secondId] = [await idOf('root@example.com'), await idOf('second@example.com')];
  const answers = await Promise.all([
    admin.request('PUT', `/admin/api/users/${secondId}/platform-admin`, { platformAdmin: false }),
    second.request('PUT', `/admin/api/users/${rootId}/platform-admin`, { platformAdmin: false }),
  ]);
  const statuses = answers.map((a) => a.status).sort();
  expect(statuses[0]).toBe(200);
  // The other found its session ended with its rights (401), its rights gone (403), or the platform about to lose its last admin (409).
  expect([401, 403, 409]).toContain(statuses[1]);
  expect(await db().adminUser.count({ where: { platformAdmin: true } })).toBe(1);
  // Whoever is left restores the other, so the tests after this one start from root@ as an admin.
  const survivor = (await db().adminUser.findFirstOrThrow({ where: { platformAdmin: true } })).email;
  const restorer = await signIn(survivor);
  const restored = survivor === 'root@example.com' ? secondId : rootId;
  expect((await restorer.request('PUT', `/admin/api/users/${restored}/platform-admin`, { platformAdmin: true })).status).toBe(200);
  admin = await signIn('root@example.com');
});

test("ending a user's sessions signs them out everywhere, and the audit log says who did it", async () => {
  const elsewhere = await signIn('staff@example.com');
  const staffId = await idOf('staff@example.com');
  expect((await listed('staff@example.com')).sessions.open).toBe(2);
  const ended = await admin.request<Users & { ended: number }>('DELETE', `/admin/api/users/${staffId}/sessions`);
  expect(ended.status).toBe(200);
  expect(ended.body.ended).toBe(2);
  expect(ended.body.users.find((u) => u.id === staffId)!.sessions).toEqual({ open: 0, lastSeenAt: null });
  for (const browser of [staff, elsewhere]) expect((await browser.request('GET', '/admin/api/me')).status).toBe(401);
  const audit = await admin.request<AuditPage>('GET', '/admin/api/audit');
  expect(audit.body.entries[0]).toMatchObject({
    action: 'user.sessions-end',
    by: 'root@example.com',
    after: { userId: staffId, email: 'staff@example.com', sessionsEnded: 2 },
  });
});
