// An owner invites a new staff member from the Users page and passes on the
// link it shows; the invitee opens it in their own browser, creates the account
// and lands signed in on the business, with a staff member's view of it.
import { screenshot, signIn, useConsoleBrowser } from '../support/browser';
import { signedInUser, TEST_PASSWORD } from '../support/console-client';
import { DEMO_PHONE_NUMBER_ID, useStack } from '../support/stack';

const stack = useStack();
const browser = useConsoleBrowser(stack);
const OWNER = 'owner@example.com';
const INVITEE = 'new.staff@example.com';

beforeAll(async () => {
  await signedInUser(stack, OWNER, 'owner', DEMO_PHONE_NUMBER_ID);
});

browser.test('an invited staff member creates their account from the link and lands on the business', async () => {
  const owner = await browser.newPage();
  await signIn(owner, OWNER, TEST_PASSWORD);
  await owner.getByRole('navigation', { name: 'Business' }).getByRole('link', { name: 'Users' }).click();
  await owner.getByRole('heading', { name: 'Invite someone' }).waitFor();
  await owner.getByLabel('Email').fill(INVITEE);
  await owner.getByLabel('Role', { exact: true }).selectOption({ label: 'Staff' });
  await owner.getByRole('button', { name: 'Invite' }).click();
  const link = await owner.getByLabel('Invitation link').inputValue();
  // A whole address on this console, for pasting into a message.
  expect(link.startsWith(`${browser.url}/invite/`)).toBe(true);
  await owner.getByRole('cell', { name: INVITEE, exact: true }).waitFor();
  await screenshot(owner, 'users-invited-desktop');

  const invitee = await browser.newPage();
  await invitee.goto(link);
  await invitee.getByRole('heading', { name: 'Join Lumen Hair Studio' }).waitFor();
  await invitee.getByLabel('Your name').fill('Nadia Staff');
  await invitee.getByLabel('Password', { exact: true }).fill('a harbour of long passwords');
  await invitee.getByLabel('Password again').fill('a harbour of long passwords');
  await screenshot(invitee, 'invitation-desktop');
  await invitee.getByRole('button', { name: 'Create account' }).click();

  await invitee.getByRole('heading', { name: 'Conversations' }).waitFor();
  expect(new URL(invitee.url()).pathname).toBe(`/admin/businesses/${stack.businessId}/conversations`);
  await invitee.getByText('You: Staff').waitFor();
  await invitee.getByText('Nadia Staff').waitFor();

  const account = await stack.database.db.adminUser.findUniqueOrThrow({ where: { email: INVITEE }, include: { memberships: true } });
  expect(account.memberships).toEqual([expect.objectContaining({ businessId: stack.businessId, role: 'STAFF' })]);

  // The owner's page, loaded again, lists them as a member and no longer as invited.
  await owner.reload();
  await owner.getByRole('heading', { name: 'Members' }).waitFor();
  await owner.getByRole('cell', { name: 'Nadia Staff', exact: true }).waitFor();
  await owner.getByText('No invitation is waiting to be accepted.').waitFor();
});
