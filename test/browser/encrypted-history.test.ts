// The Temporal Web UI reading an encrypted history: with its codec server set to
// the app's endpoint and "include cross-origin credentials" on, a browser signed
// in to the console as a platform admin sees the message text; any other browser
// sees ciphertext. The settings are made through the UI's own Codec Server
// dialog, as an operator does (the dev server cannot preset credentials).
import { randomUUID } from 'node:crypto';
import { CODEC_PATH } from '../../src/api/codec-routes';
import { signInToConsole, useCodecServer } from '../support/temporal-ui';
import type { IntakeReport } from '../../src/api/intake';
import { screenshot, useConsoleBrowser } from '../support/browser';
import { signedInUser } from '../support/console-client';
import { newWamid, postSigned, textMessagePayload } from '../support/payloads';
import { DEMO_PHONE_NUMBER_ID, TEST_APP_SECRET, useStack } from '../support/stack';
import { until } from '../support/waiting';
import { messageResultOf } from '../support/deliver';

const uiUrl = process.env.TEST_TEMPORAL_UI_URL!;
const stack = useStack({ temporalUiUrl: uiUrl });
const browser = useConsoleBrowser(stack);

const marker = `pii-${randomUUID()}`;
let workflowId: string;
let adminEmail: string;

beforeAll(async () => {
  stack.sandbox.openai.enqueue({ content: 'Yes, from 9:00 to 14:00.' });
  const response = await postSigned(
    stack.webhookUrl,
    textMessagePayload({ phoneNumberId: DEMO_PHONE_NUMBER_ID, from: '34600555444', text: `Open on Saturday? ${marker}`, wamid: newWamid() }),
    TEST_APP_SECRET,
  );
  workflowId = ((await response.json()) as IntakeReport).messages[0]!.workflowId!;
  await messageResultOf(stack, workflowId);
  adminEmail = `admin-${randomUUID()}@example.com`;
  await signedInUser(stack, adminEmail, 'platform-admin');
});

test('a platform admin signed in to the console reads the decoded history in the Web UI', async () => {
  const page = await browser.newPage({ width: 1400, height: 1400 });
  await signInToConsole(page, browser, adminEmail);
  await useCodecServer(page, stack, uiUrl, `/namespaces/default/workflows/${workflowId}`);
  await page.reload();
  await page.getByText(marker).first().waitFor({ timeout: 20_000 });
  await screenshot(page, 'temporal-ui-decoded-history', { fullPage: false });
}, 60_000);

test('a browser not signed in gets only ciphertext from the same settings', async () => {
  const page = await browser.newPage({ width: 1400, height: 1400 });
  const refused: number[] = [];
  page.on('response', (response) => {
    if (response.url().includes(`${CODEC_PATH}/decode`)) refused.push(response.status());
  });
  await useCodecServer(page, stack, uiUrl, `/namespaces/default/workflows/${workflowId}`);
  await page.reload();
  await until('the Web UI to ask the codec server', () => refused.length > 0, 20_000);
  // The input shown as the server stores it: the encrypted payload with its key ID.
  await until('the Web UI to show the encrypted input', async () => ((await page.textContent('body')) ?? '').includes('encryption-key-id'), 20_000);
  expect(new Set(refused)).toEqual(new Set([401]));
  expect(await page.textContent('body')).not.toContain(marker);
  await screenshot(page, 'temporal-ui-encrypted-history', { fullPage: false });
}, 60_000);
