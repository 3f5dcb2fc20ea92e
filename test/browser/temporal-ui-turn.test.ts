// An operator reading turns in the Temporal Web UI: the list of a business's
// conversations, with the Outcome and TurnSummary columns added through the UI's
// own table settings, reads "Booked Haircut …" beside each customer's latest turn;
// a query finds one business's failed turns; and a conversation's history, decoded
// through the app's codec server for a signed-in platform admin, names each step
// ("Model call 1", "book_appointment: Haircut …").
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { conversationWorkflowId } from '../../src/workflows/conversation-id';
import { localTimeWords } from '../../src/workflows/summaries';
import { textAttributeValue } from '../../src/workflows/search-attributes';
import { screenshot, useConsoleBrowser } from '../support/browser';
import { signedInUser } from '../support/console-client';
import { signInToConsole, useCodecServer } from '../support/temporal-ui';
import { deliver } from '../support/deliver';
import { textMessagePayload } from '../support/payloads';
import { DEMO_PHONE_NUMBER_ID, useStack } from '../support/stack';
import { upcomingWeekday } from '../support/waiting';

const uiUrl = process.env.TEST_TEMPORAL_UI_URL!;
const stack = useStack({ temporalUiUrl: uiUrl });
const browser = useConsoleBrowser(stack);

const waId = `3467${Math.floor(Math.random() * 1e7)}`;
const otherWaId = `3468${Math.floor(Math.random() * 1e7)}`;
const date = upcomingWeekday('wed');
let adminEmail: string;

beforeAll(async () => {
  stack.sandbox.openai.enqueue(
    { toolCalls: [{ name: 'check_availability', arguments: { service: 'Haircut', date, days: null } }] },
    { toolCalls: [{ name: 'book_appointment', arguments: { service: 'Haircut', start: `${date}T11:00`, customer_name: 'Ana' } }] },
    { content: `Booked: *Haircut* on ${date} at 11:00.` },
  );
  await deliver(stack, textMessagePayload({ phoneNumberId: DEMO_PHONE_NUMBER_ID, from: waId, text: 'A haircut on Wednesday at 11?' }));
  stack.sandbox.openai.enqueue({ content: 'We open at 9:00 on Saturdays.' });
  await deliver(stack, textMessagePayload({ phoneNumberId: DEMO_PHONE_NUMBER_ID, from: otherWaId, text: 'When do you open on Saturday?' }));
  adminEmail = `admin-${randomUUID()}@example.com`;
  await signedInUser(stack, adminEmail, 'platform-admin');
}, 120_000);

async function signInAndUseCodec(page: Page): Promise<void> {
  await signInToConsole(page, browser, adminEmail);
  await useCodecServer(page, stack, uiUrl, '/namespaces/default/workflows');
}

/** The columns the README suggests, through the table's settings drawer: the outcome and the sentence in; run ID, type and end out. */
async function showTurnColumns(page: Page): Promise<void> {
  await page.getByTestId('workflows-summary-table-configuration-button').click();
  for (const name of ['Add Outcome column', 'Add TurnSummary column', 'Remove Run ID column', 'Remove Type column', 'Remove End column']) {
    await page.getByRole('button', { name }).click();
  }
  await page.getByRole('button', { name: 'Close Workflows Table configuration' }).click();
  await page.getByRole('button', { name: 'Close Workflows Table configuration' }).waitFor({ state: 'hidden' });
}

test("the list reads as a sentence per customer's latest turn, and a query narrows it to one business and outcome", async () => {
  const page = await browser.newPage({ width: 1600, height: 900 });
  await signInAndUseCodec(page);
  const query = `BusinessId="${stack.businessId}" AND WorkflowType="conversation"`;
  await page.goto(`${uiUrl}/namespaces/default/workflows?query=${encodeURIComponent(query)}`);
  await showTurnColumns(page);
  const table = page.getByRole('table').first();
  // As the conversation stores it (search-attributes.ts: the colon is a look-alike there).
  await table.getByText(textAttributeValue(`Booked Haircut ${localTimeWords(`${date}T11:00`)}`)).waitFor({ timeout: 20_000 });
  await table.getByText('Answered', { exact: true }).waitFor();
  expect(await table.getByText('replied', { exact: true }).count()).toBe(2);
  await screenshot(page, 'temporal-ui-turns', { fullPage: false });

  const failed = `${query} AND Outcome IN ("model-failed", "turn-failed", "send-failed")`;
  await page.goto(`${uiUrl}/namespaces/default/workflows?query=${encodeURIComponent(failed)}`);
  await page
    .getByText(/^0 Workflows$/)
    .first()
    .waitFor({ timeout: 20_000 });
}, 90_000);

test("the conversation's history names each step, decoded for a signed-in admin", async () => {
  const page = await browser.newPage({ width: 1600, height: 1200 });
  await signInAndUseCodec(page);
  const customer = await stack.database.db.customer.findFirstOrThrow({ where: { waId }, select: { id: true } });
  await page.goto(`${uiUrl}/namespaces/default/workflows/${encodeURIComponent(conversationWorkflowId(customer.id))}`);
  await page.getByText(`book_appointment: Haircut ${date}T11:00`).first().waitFor({ timeout: 20_000 });
  await page.getByText('Model call 1').first().waitFor();
  await screenshot(page, 'temporal-ui-conversation', { fullPage: false });
}, 90_000);
