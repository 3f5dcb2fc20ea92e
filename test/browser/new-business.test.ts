// The "done when": a platform admin sets up a second business entirely
// in the browser (the business, its hours and a priced service, its Google
// Calendar through the consent page of the sandbox's OAuth stand-in), and a
// WhatsApp message to its number is answered with a booking in that calendar.
import type { Page } from 'playwright-core';
import { screenshot, signIn, useConsoleBrowser } from '../support/browser';
import { signedInUser, TEST_PASSWORD } from '../support/console-client';
import { deliver } from '../support/deliver';
import { textMessagePayload } from '../support/payloads';
import { useStack } from '../support/stack';

const stack = useStack({ googleOAuth: true });
const browser = useConsoleBrowser(stack);
const ADMIN = 'admin@example.com';
const PHONE_NUMBER_ID = '100000000000042';
const TIME_ZONE = 'Europe/Lisbon';
const CALENDAR_ID = 'harbour-barbers@sandbox';

beforeAll(async () => {
  await signedInUser(stack, ADMIN, 'platform-admin');
});

async function createBusiness(page: Page): Promise<string> {
  await page.getByRole('link', { name: 'New business' }).click();
  await page.getByLabel('Name').fill('Harbour Barbers');
  await page.getByLabel('WhatsApp phone number ID').fill(PHONE_NUMBER_ID);
  await page.getByLabel('Time zone').fill(TIME_ZONE);
  await page.getByLabel('Language').fill('en');
  await page.getByRole('button', { name: 'Create business' }).click();
  // A new business opens on its settings, which it still has to fill in.
  await page.getByText('Business created.').waitFor();
  const businessId = /\/businesses\/([^/]+)\/settings$/.exec(new URL(page.url()).pathname)?.[1];
  if (!businessId) throw new Error(`Not on the new business's settings: ${page.url()}`);
  return businessId;
}

async function fillSettings(page: Page): Promise<void> {
  const monday = page.getByRole('group', { name: 'Monday' });
  await monday.getByRole('button', { name: 'Add hours on Monday' }).click();
  await monday.getByLabel('Opens').fill('09:00');
  await monday.getByLabel('Closes').fill('17:00');

  await page.getByRole('button', { name: 'Add a service' }).click();
  const service = page.getByRole('group', { name: 'New service' });
  await service.getByLabel('Name').fill('Beard trim');
  // The group takes the service's name as it is typed.
  const beardTrim = page.getByRole('group', { name: 'Beard trim' });
  await beardTrim.getByLabel('Duration (minutes)').fill('20');
  await beardTrim.getByLabel('Price').fill('12.50');
  await beardTrim.getByLabel('Currency').selectOption('EUR');
  // A short quiet window: the customer's single message is answered without waiting the default 2 seconds.
  await page.getByLabel('Quiet window before replying (seconds)').fill('0.2');

  await page.getByRole('button', { name: 'Save settings' }).click();
  await page.getByRole('status').filter({ hasText: 'Settings saved' }).waitFor();
}

/** "Connect Google Calendar" goes to the stand-in's consent page, which approves at once and sends the browser back. */
async function connectCalendar(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Business' }).getByRole('link', { name: 'Calendar' }).click();
  await page.getByLabel('Calendar ID').fill(CALENDAR_ID);
  await page.getByRole('button', { name: 'Connect Google Calendar' }).click();
  await page.getByText('Google Calendar connected.').waitFor();
  await page.getByText(`Connected to calendar ${CALENDAR_ID}`).waitFor();
}

browser.test(
  'a platform admin sets up a second business in the browser, and its WhatsApp customers can book',
  async () => {
    const page = await browser.newPage();
    await signIn(page, ADMIN, TEST_PASSWORD);
    const businessId = await createBusiness(page);
    await fillSettings(page);
    await connectCalendar(page);
    await screenshot(page, 'calendar-connected-desktop');

    const business = await stack.database.db.business.findUniqueOrThrow({ where: { id: businessId }, include: { services: true } });
    expect(business).toMatchObject({ phoneNumberId: PHONE_NUMBER_ID, timeZone: TIME_ZONE, googleCalendarId: CALENDAR_ID });
    expect(business.googleRefreshToken).toBeTruthy();
    expect(business.services).toEqual([expect.objectContaining({ name: 'Beard trim', durationMinutes: 20, priceCents: 1250, currency: 'EUR' })]);

    const result = await deliver(
      stack,
      textMessagePayload({ phoneNumberId: PHONE_NUMBER_ID, from: '351912000111', text: 'Book a beard trim on Monday at 10am, my name is Rui' }),
    );
    expect(result.outcome).toBe('replied');
    expect(result.replyText).toMatch(/Booked \*Beard trim\* on \d{4}-\d{2}-\d{2} at 10:00 for Rui/);
    expect(stack.sandbox.graph.sent.at(-1)).toMatchObject({ phoneNumberId: PHONE_NUMBER_ID, to: '351912000111' });

    // The worker opened the calendar with the refresh token the console stored.
    const [event, ...more] = stack.sandbox.calendar.liveEvents(CALENDAR_ID);
    expect(more).toEqual([]);
    expect(event?.summary).toBe('Beard trim – Rui');
    const localStart = new Intl.DateTimeFormat('en-GB', { timeZone: TIME_ZONE, weekday: 'long', hour: '2-digit', minute: '2-digit' });
    expect(localStart.format(new Date(event!.start.dateTime!))).toBe('Monday 10:00');

    // The list shows it as an operator checks it: answering, its calendar connected, a recent message.
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Businesses' }).click();
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'Harbour Barbers' }) });
    await row.getByText('Connected').waitFor();
    await expect(row.getByText('Active').count()).resolves.toBe(1);
    await expect(row.getByText('None yet').count()).resolves.toBe(0);
    await screenshot(page, 'businesses-two-desktop');
  },
  90_000,
);
