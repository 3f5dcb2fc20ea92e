// An owner changes the prompt, then tries the assistant from the console: the
// answer (formatted as on WhatsApp, with its choices as buttons) comes from the
// real workflows with the new prompt, a tap books a test appointment marked TEST
// in the calendar, and "Clear test data" removes it. Nothing reaches WhatsApp.
import { SANDBOX_CALENDAR_ID } from '../../src/db/demo-business';
import { horizontalExtent, PHONE, screenshot, settled, signIn, unnamedFields, useConsoleBrowser } from '../support/browser';
import { signedInUser, TEST_PASSWORD } from '../support/console-client';
import { DEMO_PHONE_NUMBER_ID, useStack } from '../support/stack';
import { upcomingWeekday } from '../support/waiting';

const stack = useStack();
const browser = useConsoleBrowser(stack);
const OWNER = 'owner@example.com';
const PERSONALITY = 'Cheerful and brief. Greet every customer with "Ahoy".';

beforeAll(async () => {
  await signedInUser(stack, OWNER, 'owner', DEMO_PHONE_NUMBER_ID);
});

beforeEach(() => stack.sandbox.reset());

browser.test('the owner edits the prompt, tries it, books from a button, and clears the test data', async () => {
  const date = upcomingWeekday('tue');
  const page = await browser.newPage();
  await signIn(page, OWNER, TEST_PASSWORD);
  await page.goto(`businesses/${stack.businessId}/prompt`);
  await page.getByLabel('Personality').fill(PERSONALITY);
  await page.getByRole('button', { name: 'Save prompt' }).click();
  await page.getByRole('status').filter({ hasText: 'Prompt saved' }).waitFor();

  await page.getByRole('navigation', { name: 'Business' }).getByRole('link', { name: 'Try it' }).click();
  await page.getByRole('heading', { name: 'Try it' }).waitFor();
  await page.getByText('Nothing is sent to WhatsApp.').waitFor();

  const times = [
    { id: `${date}T10:30`, title: 'Tue 10:30', description: null },
    { id: `${date}T11:00`, title: 'Tue 11:00', description: null },
  ];
  stack.sandbox.openai.enqueue(
    { toolCalls: [{ name: 'present_options', arguments: { options: times } }] },
    { content: 'Ahoy! **Free times** on Tuesday:\n\n- 10:30\n- 11:00\n\nWhich one _suits_ you?' },
  );
  await page.getByLabel('Message').fill('A haircut on Tuesday?');
  await page.getByRole('button', { name: 'Send' }).click();

  const chat = page.getByRole('log', { name: 'Test conversation' });
  await chat.getByRole('button', { name: 'Tue 10:30' }).waitFor();
  // WhatsApp's marks are shown as emphasis, the list as a list: elements, not the marks' characters.
  await expect(chat.locator('strong', { hasText: 'Free times' }).count()).resolves.toBe(1);
  await expect(chat.locator('em', { hasText: 'suits' }).count()).resolves.toBe(1);
  await expect(chat.locator('li').allInnerTexts()).resolves.toEqual(['10:30', '11:00']);
  expect(stack.sandbox.openai.requests[0]!.messages[0]!.content).toContain(PERSONALITY);

  stack.sandbox.openai.enqueue(
    { toolCalls: [{ name: 'book_appointment', arguments: { service: 'Haircut', start: `${date}T10:30`, customer_name: 'Olga' } }] },
    { content: `Booked: *Haircut* on ${date} at 10:30. See you, Olga!` },
  );
  await chat.getByRole('button', { name: 'Tue 10:30' }).click();
  await chat.getByText('See you, Olga!').waitFor();
  await page.getByRole('region', { name: 'Test data' }).getByText('Booked').waitFor();
  await expect(page.getByRole('region', { name: 'Test data' }).getByText('Test', { exact: true }).count()).resolves.toBe(1);
  expect(stack.sandbox.calendar.liveEvents(SANDBOX_CALENDAR_ID).map((e) => e.summary)).toEqual(['TEST – Haircut – Olga']);
  expect(await unnamedFields(page)).toEqual([]);
  await screenshot(page, 'try-it-desktop');

  await page.getByRole('button', { name: 'Clear test data' }).click();
  await page.getByRole('button', { name: 'Yes, clear test data' }).click();
  await page.getByRole('status').filter({ hasText: 'Test data cleared' }).waitFor();
  await expect(chat.locator('.bubble').count()).resolves.toBe(0);
  expect(stack.sandbox.calendar.liveEvents(SANDBOX_CALENDAR_ID)).toEqual([]);
  expect(stack.sandbox.graph.sent).toEqual([]);
});

browser.test('the chat at phone width', async () => {
  const page = await browser.newPage(PHONE);
  await signIn(page, OWNER, TEST_PASSWORD);
  await page.goto(`businesses/${stack.businessId}/try-it`);
  await settled(page);
  stack.sandbox.openai.enqueue({ content: 'Ahoy! We are open *Monday to Saturday*.\n\n1. Haircut: 25 €\n2. Beard trim: 12 €' });
  await page.getByLabel('Message').fill('When are you open, and what does it cost?');
  await page.getByLabel('Message').press('Enter');
  await page.getByRole('log', { name: 'Test conversation' }).getByText('Beard trim: 12 €').waitFor();
  const { scrollWidth, innerWidth } = await horizontalExtent(page);
  expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
  await screenshot(page, 'try-it-phone');
  await page.getByRole('button', { name: 'Clear test data' }).click();
  await page.getByRole('button', { name: 'Yes, clear test data' }).click();
  await page.getByRole('status').filter({ hasText: 'Test data cleared' }).waitFor();
});
