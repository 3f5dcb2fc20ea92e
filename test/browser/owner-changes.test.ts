// An owner changes the business in the browser, and the next WhatsApp message
// follows: new Monday hours and a new Haircut price on the settings page, a new
// personality on the prompt page (its preview changing before it is saved), then
// a recorded webhook replayed with the project's replay command is answered
// with the new personality in the model's instructions and only the new hours offered.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import type { SettingsView } from '../../src/db/business-settings';
import type { PromptView } from '../../src/api/admin/views';
import { screenshot, signIn, useConsoleBrowser } from '../support/browser';
import { signedInUser, TEST_PASSWORD, type ConsoleClient } from '../support/console-client';
import { fixture } from '../support/deliver';
import { DEMO_PHONE_NUMBER_ID, TEST_APP_SECRET, TEST_PAYLOAD_KEYS, useStack } from '../support/stack';

const stack = useStack();
const browser = useConsoleBrowser(stack);
const OWNER = 'owner@example.com';
let owner: ConsoleClient;

beforeAll(async () => {
  owner = await signedInUser(stack, OWNER, 'owner', DEMO_PHONE_NUMBER_ID);
});

const execFileAsync = promisify(execFile);
const root = path.resolve(__dirname, '../..');

/**
 * `npm run replay -- <fixture>` against this stack: a recorded webhook with the text given, under a fresh WhatsApp
 * message ID (the Temporal server is shared by every test file of the run), signed and posted by the command.
 */
async function replay(text: string): Promise<string> {
  const { payload } = fixture('appointment_request.json');
  const message = payload.entry[0]!.changes[0]!.value.messages![0]!;
  message.text = { body: text };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'browser-replay-'));
  const file = path.join(dir, 'question.json');
  fs.writeFileSync(file, JSON.stringify(payload));
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [require.resolve('tsx/cli'), 'src/cli/replay.ts', file], {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        SERVER_URL: stack.webhookUrl,
        APP_SECRET: TEST_APP_SECRET,
        PHONE_NUMBER_ID: DEMO_PHONE_NUMBER_ID,
        TEMPORAL_ADDRESS: process.env.TEST_TEMPORAL_ADDRESS,
        // The stack's keys: the CLI reads the workflow's result, which the worker encrypted.
        TEMPORAL_PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
        // And the stack's database, where the turn that answered the message is recorded.
        DATABASE_URL: stack.database.url,
      },
    });
    return stdout + stderr;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function savedSettings(): Promise<SettingsView> {
  return (await owner.request<{ settings: SettingsView }>('GET', `/admin/api/businesses/${stack.businessId}/settings`)).body.settings;
}

async function savedPrompt(): Promise<PromptView> {
  return (await owner.request<{ prompt: PromptView }>('GET', `/admin/api/businesses/${stack.businessId}/prompt`)).body.prompt;
}

const PERSONALITY = 'Brisk and cheerful, like a ship captain; greets every customer with "Ahoy".';

function preview(page: Page) {
  return page.getByRole('region', { name: 'System prompt preview' }).locator('pre');
}

function monday(page: Page) {
  return page.getByRole('group', { name: 'Monday' });
}

function haircutPrice(page: Page) {
  return page.getByRole('group', { name: 'Haircut', exact: true }).getByLabel('Price');
}

browser.test(
  "an owner's new hours, price and personality are what the next WhatsApp message gets",
  async () => {
    const page = await browser.newPage();
    await signIn(page, OWNER, TEST_PASSWORD);
    // An owner of one business lands on its conversations; the settings are a tab away.
    await page.getByRole('heading', { name: 'Conversations' }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/admin/businesses/${stack.businessId}/conversations`);
    await page.getByRole('navigation', { name: 'Business' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Booking settings' }).waitFor();

    // Monday: one afternoon range instead of the morning and the afternoon.
    await monday(page).getByRole('button', { name: 'Remove Monday 15:00–19:00' }).click();
    await monday(page).getByLabel('Opens').fill('16:00');
    await monday(page).getByLabel('Closes').fill('18:00');
    await haircutPrice(page).fill('31.50');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByRole('status').filter({ hasText: 'Settings saved' }).waitFor();
    await screenshot(page, 'settings-saved-desktop');

    const saved = await savedSettings();
    expect(saved.openingHours.mon).toEqual([['16:00', '18:00']]);
    expect(saved.services.find((s) => s.name === 'Haircut')).toMatchObject({ price: '31.50', currency: 'EUR' });

    await page.reload();
    await page.getByRole('heading', { name: 'Booking settings' }).waitFor();
    await expect(monday(page).getByLabel('Opens').inputValue()).resolves.toBe('16:00');
    await expect(monday(page).getByLabel('Closes').inputValue()).resolves.toBe('18:00');
    await expect(haircutPrice(page).inputValue()).resolves.toBe('31.50');
    await screenshot(page, 'settings-window-desktop', { fullPage: false });

    await page.getByRole('navigation', { name: 'Business' }).getByRole('link', { name: 'Prompt' }).click();
    await page.getByLabel('Personality').fill(PERSONALITY);
    // The preview is the system prompt the draft would make, shown before anything is saved.
    await preview(page)
      .filter({ hasText: `Personality and tone: ${PERSONALITY}` })
      .waitFor();
    expect((await savedPrompt()).personality).not.toBe(PERSONALITY);
    await screenshot(page, 'prompt-preview-desktop');
    await page.getByRole('button', { name: 'Save prompt' }).click();
    await page.getByRole('status').filter({ hasText: 'Prompt saved' }).waitFor();
    expect((await savedPrompt()).personality).toBe(PERSONALITY);

    const output = await replay('What times are free on Monday for a haircut?');
    expect(output).toContain('outcome: replied');
    const { times } = lastReply();

    // The model was told the new hours and price, as the workflow builds its instructions from the database.
    const instructions = systemMessages();
    expect(instructions.at(-1)).toContain(`Personality and tone: ${PERSONALITY}`);
    expect(instructions.at(-1)).toContain('- Monday: 16:00–18:00');
    expect(instructions.at(-1)).toContain('- Haircut: 30 min, €31.50');
    // The offline model reads the free times from the booking tools: a 30-minute haircut every 30 minutes from 16:00, the last ending at 18:00.
    expect(times).toEqual(['16:00', '16:30', '17:00', '17:30']);
  },
  90_000,
);

/** Every time of day the last WhatsApp message offers, in its text or as options to tap. */
function lastReply(): { times: string[] } {
  const sent = stack.sandbox.graph.sent.at(-1);
  if (!sent?.text) throw new Error('No reply was sent');
  const options = JSON.stringify((sent.body as { interactive?: { action?: unknown } }).interactive?.action ?? {});
  const offered = [...`${sent.text} ${options}`.matchAll(/(?<![\d:])([01]\d|2[0-3]):[0-5]\d(?![\d:])/g)].map((m) => m[0]);
  return { times: [...new Set(offered)].sort() };
}

/** The system message of every request the model stand-in received, in order. */
function systemMessages(): string[] {
  return stack.sandbox.openai.requests.map((r) => r.messages.find((m) => m.role === 'system')?.content).filter((c): c is string => typeof c === 'string');
}
