// The inbox in a real browser: a customer asks for a person and the
// conversation shows up flagged without a reload; a staff member opens it,
// takes over and replies (the customer receives it through the Graph
// stand-in); the customer writes again and the bot stays quiet while the page
// shows the message; the staff member hands back. Desktop and phone widths.
import type { Page } from 'playwright-core';
import { PHONE, horizontalExtent, screenshot, settled, signIn, unnamedFields, useConsoleBrowser } from '../support/browser';
import { signedInUser, TEST_PASSWORD } from '../support/console-client';
import { deliver } from '../support/deliver';
import { postSigned, textMessagePayload } from '../support/payloads';
import { DEMO_PHONE_NUMBER_ID, TEST_APP_SECRET, useStack } from '../support/stack';
import { until } from '../support/waiting';

// Meta's sent/delivered statuses arrive as they would, so the replies read "Delivered".
const stack = useStack({ statusWebhooks: true });
const browser = useConsoleBrowser(stack);
const STAFF = 'sam@example.com';
const CUSTOMER = '34677000123';
const REPLY = 'Hi Rosa, this is Sam from the salon. What can I do for you?';

beforeAll(async () => {
  await signedInUser(stack, STAFF, 'staff', DEMO_PHONE_NUMBER_ID);
  await stack.database.db.adminUser.update({ where: { email: STAFF }, data: { name: 'Sam' } });
});

const inboxPath = () => `businesses/${stack.businessId}/conversations`;
const sentToCustomer = () => stack.sandbox.graph.sent.filter((m) => m.to === CUSTOMER);
const say = (text: string) => textMessagePayload({ phoneNumberId: DEMO_PHONE_NUMBER_ID, from: CUSTOMER, name: 'Rosa', text });
const conversationList = (page: Page) => page.getByRole('list', { name: 'Conversations' });

browser.test(
  'a customer asks for a person: flagged in the inbox within seconds, taken over, answered by a person, and handed back',
  async () => {
    const page = await browser.newPage();
    await signIn(page, STAFF, TEST_PASSWORD);
    await page.goto(inboxPath());
    await page.getByRole('heading', { name: 'Conversations', level: 1 }).waitFor();
    await page.getByText('No customer has written yet.').waitFor();

    // The customer writes while the page is open: the page is not reloaded from here on.
    const asked = await postSigned(stack.webhookUrl, say('Can I talk to a person?'), TEST_APP_SECRET);
    expect(asked.status).toBe(200);
    const item = conversationList(page).getByRole('link', { name: /Rosa/ });
    await item.getByText('Needs a person', { exact: true }).waitFor({ timeout: 15_000 });
    await item.getByText('Asked for a person', { exact: false }).waitFor();
    await item.getByText('1 unread').waitFor();
    await until('the bot to tell the customer a person will reply', () => sentToCustomer().length === 1, 15_000);
    await screenshot(page, 'inbox-needs-person-desktop');

    await item.click();
    const conversation = page.getByRole('article', { name: 'Rosa' });
    await conversation.getByText('Can I talk to a person?', { exact: true }).waitFor();
    await conversation.getByRole('status').filter({ hasText: 'Needs a person.' }).waitFor();
    // Opening it marks it read.
    await item.getByText('1 unread').waitFor({ state: 'detached', timeout: 10_000 });
    const tools = conversation.getByText('What the assistant did').first();
    await tools.click();
    await conversation.getByRole('link', { name: 'Open in Temporal' }).first().waitFor();

    await conversation.getByRole('button', { name: 'Take over' }).click();
    const replyBox = conversation.getByLabel('Your reply');
    await replyBox.waitFor();
    await conversation.getByText('You are answering this customer instead of the assistant', { exact: false }).waitFor();
    await replyBox.fill(REPLY);
    await conversation.getByRole('button', { name: 'Send' }).click();
    await until('the reply to reach the customer', () => sentToCustomer().some((m) => m.text === REPLY), 15_000);
    const replied = conversation.getByRole('listitem').filter({ hasText: REPLY });
    await replied.getByText('Sam (team)').waitFor();
    await replied.getByText('Delivered', { exact: false }).waitFor({ timeout: 10_000 });
    expect(await replyBox.inputValue()).toBe('');

    // The customer answers; the bot stays quiet and asks the model nothing, and the page shows the message.
    const modelRequests = stack.sandbox.openai.requests.length;
    expect((await deliver(stack, say('Great, can I come at 5?'))).outcome).toBe('held-for-person');
    await conversation.getByText('Great, can I come at 5?', { exact: true }).waitFor({ timeout: 10_000 });
    expect(stack.sandbox.openai.requests.length).toBe(modelRequests);
    expect(sentToCustomer().map((m) => m.text)).toEqual([expect.any(String), REPLY]);
    await settled(page);
    await screenshot(page, 'inbox-taken-over-desktop');

    const phone = await browser.newPage(PHONE);
    await signIn(phone, STAFF, TEST_PASSWORD);
    await phone.goto(inboxPath());
    await conversationList(phone).getByText('With Sam').waitFor();
    expect(await unnamedFields(phone)).toEqual([]);
    const extent = await horizontalExtent(phone);
    expect(extent.scrollWidth).toBeLessThanOrEqual(extent.innerWidth);
    await screenshot(phone, 'inbox-list-phone');
    await conversationList(phone).getByRole('link', { name: /Rosa/ }).click();
    // On a phone the conversation replaces the list.
    await phone.getByRole('article', { name: 'Rosa' }).getByLabel('Your reply').waitFor();
    expect(await conversationList(phone).isVisible()).toBe(false);
    const phoneExtent = await horizontalExtent(phone);
    expect(phoneExtent.scrollWidth).toBeLessThanOrEqual(phoneExtent.innerWidth);
    await screenshot(phone, 'inbox-conversation-phone');
    await phone.getByRole('link', { name: '← All conversations' }).click();
    await conversationList(phone).waitFor();

    await conversation.getByRole('button', { name: 'Hand back to the bot' }).click();
    await conversation.getByRole('button', { name: 'Take over' }).waitFor();
    expect(await conversation.getByLabel('Your reply').count()).toBe(0);
    await conversationList(page).getByText('With Sam').waitFor({ state: 'detached', timeout: 10_000 });
    await screenshot(page, 'inbox-handed-back-desktop');
  },
  120_000,
);
