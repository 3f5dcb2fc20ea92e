// Driving the Temporal Web UI as an operator does: signed in to the console as a
// platform admin, with the UI's Codec Server dialog pointed at the app's codec
// server and "include cross-origin credentials" on (the dev server cannot preset it).
import type { Page } from 'playwright-core';
import { CODEC_PATH } from '../../src/api/codec-routes';
import type { ConsoleBrowser } from './browser';
import { TEST_PASSWORD } from './console-client';
import type { Stack } from './stack';

/** Signs this page's browser in to the console (the codec server decodes for a platform admin's session). */
export async function signInToConsole(page: Page, browser: ConsoleBrowser, email: string): Promise<void> {
  const csrf = (await (await page.context().request.get(`${browser.url}/api/csrf-token`)).json()) as { token: string };
  const signedIn = await page.context().request.post(`${browser.url}/api/sign-in`, {
    headers: { 'x-csrf-token': csrf.token },
    data: { email, password: TEST_PASSWORD },
  });
  expect(signedIn.status()).toBe(200);
}

/** Opens `uiPath` and points this browser's Web UI at the app's codec server, with cookies, through the UI's own dialog. */
export async function useCodecServer(page: Page, stack: Stack, uiUrl: string, uiPath: string): Promise<void> {
  await page.goto(`${uiUrl}${uiPath}`);
  await page
    .getByRole('button', { name: /Codec Server/ })
    .first()
    .click();
  await page.getByText('Use Cluster-level setting, where available.').first().click();
  await page.getByText('Use my browser setting and ignore Cluster-level setting.').last().click();
  await page.getByPlaceholder('Paste your endpoint here').fill(stack.webhookUrl.replace(/\/webhook$/, CODEC_PATH));
  // The dialog's switches sit under the page header at small sizes; a direct click is what a person's tap does.
  await page.getByLabel('Include cross-origin credentials').dispatchEvent('click');
  await page.getByRole('button', { name: 'Apply' }).dispatchEvent('click');
}
