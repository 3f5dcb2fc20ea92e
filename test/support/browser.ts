// The console in a real browser for tests: Debian's chromium driven by
// playwright-core (never Playwright's own download, which needs the internet),
// installed on first use by scripts/install-chromium.sh. One browser per test
// file, one context (cookies, CSRF token) per user, pages at desktop or phone
// width, screenshots in test/browser/screenshots/ (gitignored).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import type { Stack } from './stack';

const CHROMIUM = '/usr/bin/chromium';
const INSTALLER = path.resolve(__dirname, '../../scripts/install-chromium.sh');
const SCREENSHOTS = path.resolve(__dirname, '../browser/screenshots');

export const DESKTOP = { width: 1200, height: 800 };
export const PHONE = { width: 390, height: 844 };
type Viewport = typeof DESKTOP;

// apt-get on a clean CI machine takes a while; only the first browser file of a run pays it.
const LAUNCH_TIMEOUT_MS = 10 * 60_000;

let chromiumInstalled: Promise<void> | undefined;

/** Installs chromium the first time a browser test needs it, so unit-only runs never touch apt. */
function ensureChromium(): Promise<void> {
  chromiumInstalled ??= fs.existsSync(CHROMIUM)
    ? Promise.resolve()
    : new Promise((resolve, reject) => {
        process.stderr.write(`${CHROMIUM} is missing: installing it with ${path.relative(process.cwd(), INSTALLER)}\n`);
        execFile('bash', [INSTALLER], { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) =>
          err ? reject(new Error(`Could not install chromium for the browser tests:\n${stderr.trim() || stdout.trim()}`)) : resolve(),
        );
      });
  return chromiumInstalled;
}

export interface ConsoleBrowser {
  /** The console's address on the test stack: http://127.0.0.1:<port>/admin */
  readonly url: string;
  /** A page in a fresh context: a new user's browser, signed in to nothing. */
  newPage(viewport?: Viewport): Promise<Page>;
  /**
   * A test whose open pages are screenshotted when it fails (failed-<test name>-<n>.png),
   * and which fails when a page threw an uncaught error or the console's CSP refused something.
   */
  test(name: string, body: () => Promise<void>, timeoutMs?: number): void;
}

/** A browser for the enclosing describe block (or file), launched after the stack and closed at its end. */
export function useConsoleBrowser(stack: Stack): ConsoleBrowser {
  let browser: Browser | undefined;
  let contexts: BrowserContext[] = [];
  let pageProblems: string[] = [];

  beforeAll(async () => {
    await ensureChromium();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'],
    });
  }, LAUNCH_TIMEOUT_MS);

  afterEach(async () => {
    await Promise.all(contexts.map((context) => context.close()));
    contexts = [];
    pageProblems = [];
  });

  afterAll(async () => {
    await browser?.close();
  });

  const url = () => stack.webhookUrl.replace(/\/webhook$/, '/admin');

  return {
    get url() {
      return url();
    },

    async newPage(viewport = DESKTOP) {
      if (!browser) throw new Error('The browser is only available once the tests run (useConsoleBrowser launches it in beforeAll)');
      // The business's locale and zone, whatever the machine's: dates the pages format read the same in every run and screenshot.
      const context = await browser.newContext({ viewport, baseURL: `${url()}/`, locale: 'en-GB', timezoneId: 'Europe/Madrid' });
      contexts.push(context);
      const page = await context.newPage();
      page.on('pageerror', (err) => pageProblems.push(`${page.url()}: ${err.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) pageProblems.push(`${page.url()}: ${message.text()}`);
      });
      return page;
    },

    test(name, body, timeoutMs) {
      test(
        name,
        async () => {
          const failureLabel = fileNameOf(`failed-${name}`).slice(0, 100);
          // Shots of an earlier failure of this test would otherwise outlive the fix.
          for (const file of fs.existsSync(SCREENSHOTS) ? fs.readdirSync(SCREENSHOTS) : []) {
            if (file.startsWith(`${failureLabel}-`)) fs.rmSync(path.join(SCREENSHOTS, file));
          }
          try {
            await body();
          } catch (err) {
            await screenshotOpenPages(contexts, failureLabel);
            throw err;
          }
          expect(pageProblems).toEqual([]);
        },
        timeoutMs,
      );
    },
  };
}

async function screenshotOpenPages(contexts: BrowserContext[], label: string): Promise<void> {
  const pages = contexts.flatMap((context) => context.pages());
  // Best effort: a page that crashed or closed must not hide the test's own error.
  await Promise.all(pages.map((page, i) => screenshot(page, `${label}-${i + 1}`).catch(() => undefined)));
}

/** A name as a file name: letters, digits, dots and dashes. */
const fileNameOf = (name: string) => name.replace(/[^\w.-]+/g, '-');

/** Saves a PNG of the whole page (or of what the window shows) as test/browser/screenshots/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string, { fullPage = true } = {}): Promise<string> {
  const file = path.join(SCREENSHOTS, `${fileNameOf(name)}.png`);
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: file, fullPage });
  return file;
}

/** Signs in through the sign-in form, as a person does, and waits until the console has left it. */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((address) => !address.pathname.endsWith('/sign-in'));
}

/**
 * The little of the DOM the in-page checks read. The project's tsconfig has no DOM library (it is Node code), and
 * these functions run in the page, where the casts are gone by the time Playwright sends them there.
 */
interface InPage {
  document: { documentElement: { scrollWidth: number }; activeElement: unknown; body: { innerText: string } };
  innerWidth: number;
}

/** Waits until no part of the page says it is still loading (a page's data can come in several answers). */
export async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() => !(globalThis as unknown as InPage).document.body.innerText.includes('Loading…'));
}

/** The page's width and what it can scroll to sideways: equal when nothing sticks out at this viewport. */
export function horizontalExtent(page: Page): Promise<{ scrollWidth: number; innerWidth: number }> {
  return page.evaluate(() => {
    const { document, innerWidth } = globalThis as unknown as InPage;
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth };
  });
}

/** Whether the element has the keyboard focus. */
export function isFocused(element: Locator): Promise<boolean> {
  return element.evaluate((el) => el === (globalThis as unknown as InPage).document.activeElement);
}

/** Every input, select and textarea on the page (hidden inputs aside) whose accessible name is empty, described for a failure message. */
export async function unnamedFields(page: Page): Promise<string[]> {
  const unnamed: string[] = [];
  for (const field of await page.locator('input:not([type=hidden]):visible, select:visible, textarea:visible').all()) {
    // The accessibility tree's own name: `- textbox "Opens"`; a field without one shows only its role.
    const [first = ''] = (await field.ariaSnapshot()).split('\n');
    if (!/^- \S+ "[^"]*\S[^"]*"/.test(first))
      unnamed.push(`${first} ${await field.evaluate((el) => (el as unknown as { outerHTML: string }).outerHTML.slice(0, 160))}`);
  }
  return unnamed;
}
