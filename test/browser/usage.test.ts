// This month's AI use in the browser: the owner reads the tokens and their cost
// under the business's limits and in the list of businesses, at desktop and
// phone width; staff see neither.
import type { Page } from 'playwright-core';
import { DESKTOP, horizontalExtent, PHONE, screenshot, settled, signIn, useConsoleBrowser } from '../support/browser';
import { signedInUser, TEST_PASSWORD } from '../support/console-client';
import { DEMO_PHONE_NUMBER_ID, useStack } from '../support/stack';

const stack = useStack();
const browser = useConsoleBrowser(stack);
const OWNER = 'owner@example.com';
const STAFF = 'staff@example.com';
const ADMIN = 'admin@example.com';

beforeAll(async () => {
  await signedInUser(stack, ADMIN, 'platform-admin');
  await stack.database.db.business.create({ data: { name: 'Quiet Salon', phoneNumberId: '100000000000830' } });
  await signedInUser(stack, OWNER, 'owner', DEMO_PHONE_NUMBER_ID);
  await signedInUser(stack, STAFF, 'staff', DEMO_PHONE_NUMBER_ID);
  const now = new Date();
  const call = (key: string, model: string, promptTokens: number, completionTokens: number) => ({
    businessId: stack.businessId,
    callKey: `browser-usage-${key}`,
    model,
    promptTokens,
    completionTokens,
    totalTokens: promptTokens + completionTokens,
    createdAt: now,
  });
  // $1.80 + $0.18 at gpt-4o-mini's price, and a model with no price at all.
  await stack.database.db.modelUsage.createMany({
    data: [call('a', 'gpt-4o-mini', 11_000_000, 200_000), call('b', 'gpt-4o-mini-2024-07-18', 1_000_000, 100_000), call('c', 'house-model', 5_000, 500)],
  });
});

const monthSection = (page: Page) => page.getByRole('region', { name: 'AI use this month' });

async function openSettings(page: Page): Promise<void> {
  await page.getByRole('heading', { name: 'Conversations' }).waitFor();
  await page.getByRole('navigation', { name: 'Business' }).getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('heading', { name: 'Booking settings' }).waitFor();
}

for (const [width, viewport] of [
  ['desktop', DESKTOP],
  ['phone', PHONE],
] as const) {
  browser.test(`the owner reads this month's tokens and cost in Settings and the list of businesses (${width})`, async () => {
    const page = await browser.newPage(viewport);
    await signIn(page, OWNER, TEST_PASSWORD);
    await openSettings(page);
    const month = monthSection(page);
    await month.getByText('12,305,500 tokens').waitFor();
    expect(await month.getByRole('paragraph').first().innerText()).toMatch(
      /^\w+ \d{4}: 12,305,500 tokens in 3 calls to the AI model, \$1\.98 \+ calls with no price \(house-model\)\.$/,
    );
    const rows = await month.getByRole('row').allInnerTexts();
    expect(rows.slice(1).map((row) => row.split(/\s*\n\s*|\t/).filter(Boolean))).toEqual([
      expect.arrayContaining(['gpt-4o-mini', '1', '11,000,000', '200,000', '$1.77']),
      expect.arrayContaining(['gpt-4o-mini-2024-07-18', '1', '1,000,000', '100,000', '$0.21']),
      expect.arrayContaining(['house-model', '1', '5,000', '500', 'No price']),
    ]);
    await settled(page);
    expect((await horizontalExtent(page)).scrollWidth).toBe(viewport.width);
    await month.scrollIntoViewIfNeeded();
    await screenshot(page, `usage-settings-${width}`, { fullPage: false });

    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Businesses' }).click();
    const row = page.getByRole('row').filter({ hasText: 'WhatsApp ' + DEMO_PHONE_NUMBER_ID });
    await row.getByText('12,305,500 tokens · $1.98 + calls with no price (house-model)').waitFor();
    await settled(page);
    expect((await horizontalExtent(page)).scrollWidth).toBe(viewport.width);
    await screenshot(page, `usage-businesses-${width}`);
  });
}

browser.test("a platform admin's list of businesses has every business's month", async () => {
  const page = await browser.newPage();
  await signIn(page, ADMIN, TEST_PASSWORD);
  await page.getByRole('heading', { level: 1, name: 'Businesses' }).waitFor();
  const monthOf = (phoneNumberId: string) =>
    page
      .getByRole('row')
      .filter({ hasText: `WhatsApp ${phoneNumberId}` })
      .locator('td[data-label="This month"]');
  await monthOf(DEMO_PHONE_NUMBER_ID).getByText('12,305,500 tokens · $1.98 + calls with no price (house-model)').waitFor();
  await monthOf('100000000000830').getByText('No AI use yet').waitFor();
});

browser.test('staff see neither the month nor its cost', async () => {
  const page = await browser.newPage();
  await signIn(page, STAFF, TEST_PASSWORD);
  await openSettings(page);
  await page.getByText('Only an owner of this business can change its settings.').waitFor();
  await settled(page);
  expect(await monthSection(page).count()).toBe(0);
  await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Businesses' }).click();
  await page
    .getByRole('row')
    .filter({ hasText: 'WhatsApp ' + DEMO_PHONE_NUMBER_ID })
    .waitFor();
  expect(await page.getByRole('columnheader', { name: 'This month' }).count()).toBe(0);
  expect(await page.getByText('tokens ·').count()).toBe(0);
});
