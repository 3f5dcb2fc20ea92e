// The appointments page in a browser: two customers book through the bot (a
// WhatsApp message and the scripted model), the owner sees them on the day,
// moves one (a refused time first, its reason next to the field) and cancels the
// other; the calendar and the customers' WhatsApp follow. Staff see the same day
// with no way to change it. Screenshots at desktop and phone width.
import type { Page } from 'playwright-core';
import { addDays, fromLocal, parseLocalDateTime } from '../../src/booking/time';
import { DESKTOP, PHONE, screenshot, settled, horizontalExtent, signIn, useConsoleBrowser } from '../support/browser';
import { signedInUser, TEST_PASSWORD } from '../support/console-client';
import { inboundText, runMessage } from '../support/deliver';
import { DEMO_PHONE_NUMBER_ID, useStack } from '../support/stack';
import { upcomingWeekday } from '../support/waiting';

const stack = useStack();
const browser = useConsoleBrowser(stack);
const OWNER = 'owner@example.com';
const STAFF = 'staff@example.com';
const ANA = '34655000101';
const BO = '34655000102';
const monday = upcomingWeekday('mon');
const tuesday = addDays(monday, 1);

beforeAll(async () => {
  await signedInUser(stack, OWNER, 'owner', DEMO_PHONE_NUMBER_ID);
  await signedInUser(stack, STAFF, 'staff', DEMO_PHONE_NUMBER_ID);
  await bookThroughTheBot(ANA, 'Ana', `${monday}T10:00`);
  await bookThroughTheBot(BO, 'Bruno', `${monday}T12:00`);
  stack.sandbox.graph.sent.length = 0;
});

/** A customer asks on WhatsApp and the (scripted) model books with the real tool, as in production. */
async function bookThroughTheBot(waId: string, name: string, start: string) {
  stack.sandbox.openai.enqueue(
    { toolCalls: [{ name: 'book_appointment', arguments: { service: 'Haircut', start, customer_name: name } }] },
    { content: `Booked, ${name}!` },
  );
  const result = await runMessage(stack, inboundText(stack, `A haircut at ${start}, I'm ${name}`, { customer: { waId, profileName: name } }));
  expect(result.appointments).toEqual([expect.objectContaining({ kind: 'booked' })]);
}

const instant = (local: string) => fromLocal(parseLocalDateTime(local)!, 'Europe/Madrid')!.getTime();

async function appointmentOf(waId: string) {
  return stack.database.db.appointment.findFirstOrThrow({ where: { customer: { waId } } });
}

const rowOf = (page: Page, name: string) => page.getByRole('row').filter({ hasText: name });

async function openDay(page: Page, email: string) {
  await signIn(page, email, TEST_PASSWORD);
  await page.goto(`businesses/${stack.businessId}/appointments?date=${monday}`);
  await settled(page);
}

browser.test('the owner sees the day, moves one appointment and cancels another; the calendar and WhatsApp follow', async () => {
  const page = await browser.newPage(DESKTOP);
  await openDay(page, OWNER);
  await expect(page.getByRole('link', { name: 'Appointments' }).getAttribute('aria-current')).resolves.toBe('page');
  await expect(rowOf(page, 'Ana').getByRole('cell').first().textContent()).resolves.toBe('10:00–10:30');
  await expect(rowOf(page, 'Bruno').textContent()).resolves.toContain('+34655000102');
  await screenshot(page, 'appointments-day-desktop');

  // A time in the lunch break: refused, the reason next to the time, nothing changed.
  await rowOf(page, 'Ana').getByRole('button', { name: 'Move' }).click();
  await page.getByLabel('New time').fill('14:00');
  await page.getByRole('button', { name: 'Move appointment' }).click();
  await page.getByText(/That time is outside opening hours/).waitFor();
  expect(await page.getByLabel('New time').getAttribute('aria-invalid')).toBe('true');
  await screenshot(page, 'appointments-move-refused-desktop');
  expect((await appointmentOf(ANA)).startsAt.getTime()).toBe(instant(`${monday}T10:00`));

  await page.getByLabel('New date').fill(tuesday);
  await page.getByLabel('New time').fill('11:30');
  await page.getByRole('button', { name: 'Move appointment' }).click();
  await page.getByText(/Moved Ana’s Haircut to .* 11:30\. Ana was told on WhatsApp\./).waitFor();
  // The day's list reloads after the confirmation shows: wait for Ana's row to leave it.
  await rowOf(page, 'Ana').waitFor({ state: 'detached' });
  await page.getByRole('button', { name: 'Week' }).click();
  await rowOf(page, 'Ana').getByText('11:30–12:00').waitFor();
  await expect(rowOf(page, 'Ana').textContent()).resolves.toContain(`Moved by ${OWNER}`);
  const moved = await appointmentOf(ANA);
  expect(moved.startsAt.getTime()).toBe(instant(`${tuesday}T11:30`));
  const event = stack.sandbox.calendar.allEvents().find((e) => e.id === moved.calendarEventId);
  expect(Date.parse(event!.start.dateTime!)).toBe(instant(`${tuesday}T11:30`));
  expect(stack.sandbox.graph.sent.map((m) => m.to)).toEqual([ANA]);
  expect(stack.sandbox.graph.sent[0]?.text).toMatch(/was moved by Lumen Hair Studio to Tue \d+ \w+ at 11:30/);

  page.once('dialog', (dialog) => {
    expect(dialog.message()).toMatch(/Cancel Bruno’s Haircut on .* 12:00\? Bruno is told on WhatsApp/);
    void dialog.accept();
  });
  await rowOf(page, 'Bruno').getByRole('button', { name: 'Cancel appointment' }).click();
  await page.getByText(/Cancelled Bruno’s Haircut .* Bruno was told on WhatsApp\./).waitFor();
  await rowOf(page, 'Bruno').getByText('Cancelled', { exact: true }).waitFor();
  await expect(rowOf(page, 'Bruno').getByRole('button').count()).resolves.toBe(0);
  const cancelled = await appointmentOf(BO);
  expect(cancelled.status).toBe('CANCELLED');
  expect(stack.sandbox.calendar.allEvents().find((e) => e.id === cancelled.calendarEventId)?.status).toBe('cancelled');
  expect(stack.sandbox.graph.sent.map((m) => m.to)).toEqual([ANA, BO]);
  await screenshot(page, 'appointments-week-desktop');

  const phone = await browser.newPage(PHONE);
  await openDay(phone, OWNER);
  await phone.getByRole('button', { name: 'Next day' }).click();
  await rowOf(phone, 'Ana').waitFor();
  await rowOf(phone, 'Ana').getByRole('button', { name: 'Move' }).click();
  const extent = await horizontalExtent(phone);
  expect(extent.scrollWidth).toBeLessThanOrEqual(extent.innerWidth);
  await screenshot(phone, 'appointments-phone');
});

browser.test('staff see the appointments with no way to change them', async () => {
  const page = await browser.newPage(DESKTOP);
  await openDay(page, STAFF);
  await page.getByText('Only an owner of this business can cancel or move appointments.').waitFor();
  await page.getByRole('button', { name: 'Week' }).click();
  await rowOf(page, 'Bruno').waitFor();
  await expect(page.getByRole('button', { name: /Move|Cancel appointment/ }).count()).resolves.toBe(0);
  await screenshot(page, 'appointments-staff-desktop');
});
