// The people of a business in the console: invitation links that expire,
// accepting one, roles that change (ending the person's sessions), removal,
// and a business that always keeps an owner.
import { ConsoleClient, signedInUser } from '../support/console-client';
import { DEMO_PHONE_NUMBER_ID, useStack } from '../support/stack';

const stack = useStack();
const OTHER_PHONE_NUMBER_ID = '100000000000780';
let owner: ConsoleClient;
let staff: ConsoleClient;
let otherOwner: ConsoleClient;
const base = () => `/admin/api/businesses/${stack.businessId}`;

interface Members {
  members: Array<{ userId: string; email: string; role: string }>;
}

beforeAll(async () => {
  await stack.database.db.business.create({ data: { name: 'Other Salon', phoneNumberId: OTHER_PHONE_NUMBER_ID } });
  owner = await signedInUser(stack, 'owner@example.com', 'owner', DEMO_PHONE_NUMBER_ID);
  staff = await signedInUser(stack, 'staff@example.com', 'staff', DEMO_PHONE_NUMBER_ID);
  otherOwner = await signedInUser(stack, 'other@example.com', 'owner', OTHER_PHONE_NUMBER_ID);
});

async function invite(email: string, role = 'STAFF') {
  return owner.request<{ added: boolean; link?: string; token?: string; expiresAt?: string }>('POST', `${base()}/invitations`, { email, role });
}

async function memberId(email: string): Promise<string> {
  const { body } = await owner.request<Members>('GET', `${base()}/users`);
  return body.members.find((m) => m.email === email)!.userId;
}

test('an invitation link is shown to the inviter, opens for the invited person, and makes their account once', async () => {
  const invited = await invite('New.Person@Example.com');
  expect(invited).toMatchObject({ status: 201, body: { added: false, link: expect.stringMatching(/^\/admin\/invite\/[\w-]{43}$/) } });
  const token = invited.body.token!;
  expect(new Date(invited.body.expiresAt!).getTime()).toBeGreaterThan(Date.now() + 6 * 86_400_000);
  expect((await owner.request<Members & { invitations: unknown[] }>('GET', `${base()}/users`)).body.invitations).toEqual([
    expect.objectContaining({ email: 'new.person@example.com', role: 'STAFF' }),
  ]);

  const newcomer = ConsoleClient.for(stack);
  expect(await newcomer.request('GET', `/admin/api/invitations/${token}`)).toMatchObject({
    status: 200,
    body: { invitation: { email: 'new.person@example.com', role: 'STAFF', businessName: 'Lumen Hair Studio' } },
  });
  expect(await newcomer.request('POST', `/admin/api/invitations/${token}/accept`, { name: 'New', password: 'short' })).toMatchObject({
    status: 400,
    body: { fields: { password: expect.stringMatching(/at least 10/) } },
  });
  expect((await newcomer.request('POST', `/admin/api/invitations/${token}/accept`, { name: 'New Person', password: 'a long enough password' })).status).toBe(
    201,
  );
  expect((await newcomer.request<{ user: { memberships: unknown[] } }>('GET', '/admin/api/me')).body.user).toMatchObject({
    email: 'new.person@example.com',
    memberships: [{ businessId: stack.businessId, role: 'STAFF' }],
  });
  expect(await ConsoleClient.for(stack).request('POST', `/admin/api/invitations/${token}/accept`, { password: 'another long password' })).toMatchObject({
    status: 410,
    body: { error: expect.stringMatching(/already been used/) },
  });
});

test('an expired invitation says so and makes nothing', async () => {
  const { body } = await invite('late@example.com');
  await stack.database.db.invitation.updateMany({ where: { email: 'late@example.com' }, data: { expiresAt: new Date(Date.now() - 1000) } });
  const late = ConsoleClient.for(stack);
  expect(await late.request('GET', `/admin/api/invitations/${body.token}`)).toMatchObject({ status: 410, body: { error: expect.stringMatching(/expired/) } });
  expect((await late.request('POST', `/admin/api/invitations/${body.token}/accept`, { password: 'a long enough password' })).status).toBe(410);
  expect(await stack.database.db.adminUser.count({ where: { email: 'late@example.com' } })).toBe(0);
  expect((await late.request('GET', '/admin/api/invitations/not-a-token')).status).toBe(404);
});

test('someone who already has an account is added at once', async () => {
  expect(await invite('other@example.com', 'STAFF')).toMatchObject({ status: 201, body: { added: true } });
  expect(
    (await otherOwner.request<{ user: { memberships: Array<{ businessName: string; role: string }> } }>('GET', '/admin/api/me')).body.user.memberships,
  ).toEqual(expect.arrayContaining([expect.objectContaining({ businessName: 'Lumen Hair Studio', role: 'STAFF' })]));
});

test('staff and other businesses cannot see or change the people of a business', async () => {
  const staffId = await memberId('staff@example.com');
  const outsider = await signedInUser(stack, 'outsider@example.com', 'owner', OTHER_PHONE_NUMBER_ID);
  for (const browser of [staff, outsider]) {
    expect((await browser.request('GET', `${base()}/users`)).status).toBe(403);
    expect((await browser.request('POST', `${base()}/invitations`, { email: 'x@example.com', role: 'OWNER' })).status).toBe(403);
    expect((await browser.request('PUT', `${base()}/users/${staffId}`, { role: 'OWNER' })).status).toBe(403);
    expect((await browser.request('DELETE', `${base()}/users/${staffId}`)).status).toBe(403);
  }
  expect(await stack.database.db.invitation.count({ where: { email: 'x@example.com' } })).toBe(0);
});

test("a role change applies at once: the person's sessions end, and the audit log says who did it", async () => {
  const person = await signedInUser(stack, 'promoted@example.com', 'staff', DEMO_PHONE_NUMBER_ID);
  const id = await memberId('promoted@example.com');
  const changed = await owner.request<Members>('PUT', `${base()}/users/${id}`, { role: 'OWNER' });
  expect(changed.body.members.find((m) => m.userId === id)).toMatchObject({ role: 'OWNER' });
  expect((await person.request('GET', '/admin/api/me')).status).toBe(401);
  const audit = await owner.request<{ entries: Array<{ action: string; by: string; after: unknown }> }>('GET', `${base()}/audit`);
  expect(audit.body.entries[0]).toMatchObject({ action: 'user.role', by: 'owner@example.com', after: { userId: id, role: 'OWNER' } });
});

test('a business keeps at least one owner; others can be removed', async () => {
  const other = ConsoleClient.for(stack);
  await other.signIn('other@example.com', 'correct horse battery');
  const otherBusiness = (await stack.database.db.business.findUniqueOrThrow({ where: { phoneNumberId: OTHER_PHONE_NUMBER_ID } })).id;
  const otherId = (await stack.database.db.adminUser.findUniqueOrThrow({ where: { email: 'other@example.com' } })).id;
  // other@ is the only owner of the other business.
  const outsiderId = (await stack.database.db.adminUser.findUniqueOrThrow({ where: { email: 'outsider@example.com' } })).id;
  await stack.database.db.membership.delete({ where: { userId_businessId: { userId: outsiderId, businessId: otherBusiness } } });
  expect(await other.request('PUT', `/admin/api/businesses/${otherBusiness}/users/${otherId}`, { role: 'STAFF' })).toMatchObject({
    status: 409,
    body: { error: expect.stringMatching(/at least one owner/) },
  });
  expect((await other.request('DELETE', `/admin/api/businesses/${otherBusiness}/users/${otherId}`)).status).toBe(409);

  const staffId = await memberId('staff@example.com');
  const removed = await owner.request<Members>('DELETE', `${base()}/users/${staffId}`);
  expect(removed.body.members.map((m) => m.email)).not.toContain('staff@example.com');
  expect((await staff.request('GET', '/admin/api/me')).status).toBe(401);
});

test('an owner withdraws an open invitation: its link stops working, and the audit log says so; staff cannot', async () => {
  const { body } = await invite('withdrawn@example.com', 'OWNER');
  const open = (await owner.request<{ invitations: Array<{ id: string; email: string }> }>('GET', `${base()}/users`)).body.invitations;
  const invitationId = open.find((i) => i.email === 'withdrawn@example.com')!.id;
  const staffBrowser = await signedInUser(stack, 'staff-two@example.com', 'staff', DEMO_PHONE_NUMBER_ID);
  expect((await staffBrowser.request('DELETE', `${base()}/invitations/${invitationId}`)).status).toBe(403);
  expect((await otherOwner.request('DELETE', `${base()}/invitations/${invitationId}`)).status).toBe(403);

  const withdrawn = await owner.request<{ invitations: Array<{ email: string }> }>('DELETE', `${base()}/invitations/${invitationId}`);
  expect(withdrawn.status).toBe(200);
  expect(withdrawn.body.invitations.map((i) => i.email)).not.toContain('withdrawn@example.com');
  expect((await owner.request('DELETE', `${base()}/invitations/${invitationId}`)).status).toBe(404);
  const late = ConsoleClient.for(stack);
  expect((await late.request('GET', `/admin/api/invitations/${body.token}`)).status).toBe(404);
  expect((await late.request('POST', `/admin/api/invitations/${body.token}/accept`, { password: 'a long enough password' })).status).toBe(404);
  const audit = await owner.request<{ entries: Array<{ action: string; by: string; before: unknown }> }>('GET', `${base()}/audit`);
  expect(audit.body.entries[0]).toMatchObject({
    action: 'invitation.revoke',
    by: 'owner@example.com',
    before: { email: 'withdrawn@example.com', role: 'OWNER' },
  });
});

test('inviting someone who is already a member is refused, with the reason next to the email', async () => {
  expect(await invite('owner@example.com', 'STAFF')).toMatchObject({ status: 409, body: { fields: { email: expect.stringMatching(/already a member/) } } });
  expect((await owner.request<Members>('GET', `${base()}/users`)).body.members.find((m) => m.email === 'owner@example.com')).toMatchObject({ role: 'OWNER' });
});

test('a link for an address that has since got an account adds that account but does not sign the link holder in as it', async () => {
  const { body } = await invite('later@example.com', 'STAFF');
  const elsewhere = await signedInUser(stack, 'later@example.com', 'owner', OTHER_PHONE_NUMBER_ID);
  const holder = ConsoleClient.for(stack);
  const accepted = await holder.request('POST', `/admin/api/invitations/${body.token}/accept`, { name: 'Someone', password: 'not their password' });
  expect(accepted).toMatchObject({ status: 201, body: { signedIn: false, businessId: stack.businessId } });
  expect((await holder.request('GET', '/admin/api/me')).status).toBe(401);
  // The account keeps its own password and now belongs to both businesses.
  const me = await elsewhere.request<{ user: { name: string; memberships: Array<{ businessName: string; role: string }> } }>('GET', '/admin/api/me');
  expect(me.body.user.memberships).toEqual(
    expect.arrayContaining([expect.objectContaining({ businessName: 'Lumen Hair Studio', role: 'STAFF' }), expect.objectContaining({ role: 'OWNER' })]),
  );
  const audit = await owner.request<{ entries: Array<{ action: string; by: string }> }>('GET', `${base()}/audit`);
  expect(audit.body.entries[0]).toMatchObject({ action: 'invitation.accept', by: 'later@example.com' });
});

test('accepting an invitation in a browser signed in as someone else signs that person out there, as signing in does', async () => {
  const { body } = await invite('second.browser@example.com');
  const shared = await signedInUser(stack, 'shared.browser@example.com', 'staff', OTHER_PHONE_NUMBER_ID);
  const before = new Map(shared.cookies);
  expect((await shared.request('POST', `/admin/api/invitations/${body.token}/accept`, { password: 'a long enough password' })).status).toBe(201);
  expect((await shared.request<{ user: { email: string } }>('GET', '/admin/api/me')).body.user.email).toBe('second.browser@example.com');
  // The earlier session ended on the server, not only in this browser's cookie jar.
  const earlier = ConsoleClient.for(stack);
  for (const [name, value] of before) earlier.cookies.set(name, value);
  expect((await earlier.request('GET', '/admin/api/me')).status).toBe(401);
});
