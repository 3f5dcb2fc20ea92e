// A staff member sees the business's settings and prompt read-only, without the
// owners' tabs, and the server refuses a change sent from their browser anyway.
import type { Page } from 'playwright-core';
import type { SettingsView } from '../../src/db/business-settings';
import { screenshot, signIn, useConsoleBrowser } from '../support/browser';
import { signedInUser, TEST_PASSWORD } from '../support/console-client';
import { DEMO_PHONE_NUMBER_ID, useStack } from '../support/stack';

const stack = useStack();
const browser = useConsoleBrowser(stack);
const STAFF = 'staff@example.com';

beforeAll(async () => {
  await signedInUser(stack, STAFF, 'staff', DEMO_PHONE_NUMBER_ID);
});

/** Every input, select and textarea of the page's main part, as enabled or not. */
async function fieldsEnabled(page: Page): Promise<boolean[]> {
  const fields = await page.getByRole('main').locator('input, select, textarea').all();
  return Promise.all(fields.map((field) => field.isEnabled()));
}

browser.test('staff read the settings and the prompt, and cannot change them', async () => {
  const page = await browser.newPage();
  await signIn(page, STAFF, TEST_PASSWORD);
  // A member lands on the conversations, the page they use most.
  await page.getByRole('heading', { name: 'Conversations' }).waitFor();
  await page.getByRole('navigation', { name: 'Business' }).getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('heading', { name: 'Booking settings' }).waitFor();
  await page.getByRole('group', { name: 'Monday' }).waitFor();

  await page.getByText('Only an owner of this business can change its settings.').waitFor();
  expect(await page.getByRole('button', { name: 'Save settings' }).count()).toBe(0);
  const settingsFields = await fieldsEnabled(page);
  expect(settingsFields.length).toBeGreaterThan(10);
  expect(settingsFields.filter(Boolean)).toEqual([]);
  // The values are there to read.
  await expect(page.getByRole('group', { name: 'Haircut', exact: true }).getByLabel('Price').inputValue()).resolves.toBe('25.00');

  const tabs = await page.getByRole('navigation', { name: 'Business' }).getByRole('link').allTextContents();
  expect(tabs).toEqual(['Conversations', 'Appointments', 'Settings', 'Prompt']);
  await screenshot(page, 'settings-staff-desktop');

  await page.getByRole('navigation', { name: 'Business' }).getByRole('link', { name: 'Prompt' }).click();
  await page.getByRole('region', { name: 'System prompt preview' }).waitFor();
  await page.getByText('Only an owner of this business can change the prompt.').waitFor();
  expect(await page.getByRole('button', { name: 'Save prompt' }).count()).toBe(0);
  expect((await fieldsEnabled(page)).filter(Boolean)).toEqual([]);
});

browser.test('a change sent from a staff member’s browser is refused by the server', async () => {
  const page = await browser.newPage();
  await signIn(page, STAFF, TEST_PASSWORD);
  // A member lands on the conversations, the page they use most.
  await page.getByRole('heading', { name: 'Conversations' }).waitFor();
  await page.getByRole('navigation', { name: 'Business' }).getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('heading', { name: 'Booking settings' }).waitFor();

  // What a staff member could send by hand from the page: the settings as read, Haircut at a new price, with the CSRF token.
  const answers = await page.evaluate(async (settingsUrl) => {
    const { token } = (await (await fetch('/admin/api/csrf-token')).json()) as { token: string };
    const read = await fetch(settingsUrl);
    const { settings } = (await read.json()) as { settings: SettingsView };
    const changed = { ...settings, services: settings.services.map((s) => (s.name === 'Haircut' ? { ...s, price: '1.00' } : s)) };
    const write = await fetch(settingsUrl, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'x-csrf-token': token },
      body: JSON.stringify(changed),
    });
    return { read: read.status, write: write.status };
  }, `/admin/api/businesses/${stack.businessId}/settings`);

  expect(answers).toEqual({ read: 200, write: 403 });
  const haircut = await stack.database.db.service.findFirstOrThrow({ where: { businessId: stack.businessId, name: 'Haircut' } });
  expect(haircut.priceCents).toBe(2500);
});
