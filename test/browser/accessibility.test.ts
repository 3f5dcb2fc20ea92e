// The console as people with a phone or only a keyboard use it: every page fits
// a 390-pixel-wide screen without sideways scrolling, sign-in works from the
// keyboard alone, and every field has a name a screen reader can say.
import type { Locator, Page } from 'playwright-core';
import { DESKTOP, horizontalExtent, isFocused, PHONE, screenshot, settled, signIn, unnamedFields, useConsoleBrowser } from '../support/browser';
import { signedInUser, TEST_PASSWORD } from '../support/console-client';
import { useStack } from '../support/stack';

const stack = useStack();
const browser = useConsoleBrowser(stack);
const ADMIN = 'admin@example.com';
const INVITEE = 'invitee@example.com';
let invitationLink: string;

beforeAll(async () => {
  const admin = await signedInUser(stack, ADMIN, 'platform-admin');
  // An open invitation: its link's page to look at, and something in the Users page and the audit log.
  const invited = await admin.request<{ link: string }>('POST', `/admin/api/businesses/${stack.businessId}/invitations`, { email: INVITEE, role: 'STAFF' });
  invitationLink = invited.body.link;
});

/** A console page: where it is, and what shows once its data has loaded (a screenshot of "Loading…" proves nothing). */
interface ConsolePage {
  name: string;
  path: () => string;
  loaded: (page: Page) => Locator;
}

const business = () => `businesses/${stack.businessId}`;

/** The pages for people not signed in. */
const signedOutPages: ConsolePage[] = [
  { name: 'sign-in', path: () => 'sign-in', loaded: (page) => page.getByRole('button', { name: 'Sign in' }) },
  { name: 'invitation', path: () => invitationLink, loaded: (page) => page.getByRole('heading', { name: 'Join Lumen Hair Studio' }) },
];

/** Every page a platform admin opens, the demo business's tabs included. */
const signedInPages: ConsolePage[] = [
  { name: 'businesses', path: () => 'businesses', loaded: (page) => page.getByRole('link', { name: 'Lumen Hair Studio' }) },
  { name: 'new-business', path: () => 'businesses/new', loaded: (page) => page.getByLabel('WhatsApp phone number ID') },
  { name: 'conversations', path: () => `${business()}/conversations`, loaded: (page) => page.getByText('No customer has written yet.') },
  { name: 'appointments', path: () => `${business()}/appointments`, loaded: (page) => page.getByLabel('Date') },
  { name: 'settings', path: () => `${business()}/settings`, loaded: (page) => page.getByRole('group', { name: 'Monday' }) },
  { name: 'prompt', path: () => `${business()}/prompt`, loaded: (page) => page.getByLabel('Personality') },
  { name: 'try-it', path: () => `${business()}/try-it`, loaded: (page) => page.getByLabel('Message') },
  { name: 'whatsapp', path: () => `${business()}/whatsapp`, loaded: (page) => page.getByLabel('Access token') },
  { name: 'calendar', path: () => `${business()}/calendar`, loaded: (page) => page.getByRole('button', { name: 'Connect Google Calendar' }) },
  { name: 'users', path: () => `${business()}/users`, loaded: (page) => page.getByRole('main').getByText(INVITEE, { exact: true }) },
  { name: 'audit', path: () => `${business()}/audit`, loaded: (page) => page.getByRole('main').getByText(INVITEE).first() },
  { name: 'all-users', path: () => 'users', loaded: (page) => page.getByRole('heading', { name: 'Platform changes' }) },
  { name: 'account', path: () => 'account', loaded: (page) => page.getByRole('heading', { name: 'Change password' }) },
];

/** Opens every page, signed out and then signed in, and hands each to `check` once it has loaded. */
async function visitEveryPage(page: Page, check: (name: string) => Promise<void>): Promise<void> {
  const visit = async ({ name, path, loaded }: ConsolePage) => {
    await page.goto(path());
    await loaded(page).waitFor();
    await settled(page);
    await check(name);
  };
  for (const consolePage of signedOutPages) await visit(consolePage);
  await signIn(page, ADMIN, TEST_PASSWORD);
  for (const consolePage of signedInPages) await visit(consolePage);
}

for (const [width, viewport] of [
  ['phone', PHONE],
  ['desktop', DESKTOP],
] as const) {
  browser.test(`every page fits a ${viewport.width}-pixel-wide screen without scrolling sideways`, async () => {
    const page = await browser.newPage(viewport);
    await visitEveryPage(page, async (name) => {
      const { scrollWidth, innerWidth } = await horizontalExtent(page);
      expect({ page: name, scrollWidth }).toEqual({ page: name, scrollWidth: innerWidth });
      await screenshot(page, `${name}-${width}`);
    });
  });
}

browser.test('every field on every page has a name a screen reader says', async () => {
  const page = await browser.newPage();
  await visitEveryPage(page, async (name) => {
    expect({ page: name, unnamed: await unnamedFields(page) }).toEqual({ page: name, unnamed: [] });
  });
});

browser.test('signing in needs nothing but the keyboard', async () => {
  const page = await browser.newPage();
  await page.goto('sign-in');
  const email = page.getByLabel('Email');
  await email.waitFor();

  await page.keyboard.press('Tab');
  expect(await isFocused(email)).toBe(true);
  await page.keyboard.type(ADMIN);
  await page.keyboard.press('Tab');
  expect(await isFocused(page.getByLabel('Password'))).toBe(true);
  await page.keyboard.type(TEST_PASSWORD);
  await page.keyboard.press('Enter');

  await page.getByRole('heading', { level: 1, name: 'Businesses' }).waitFor();
  expect(new URL(page.url()).pathname).toBe('/admin/businesses');
});
