// A browser's view of the console API for tests: it keeps the cookies the
// server sets, as a browser would, and sends the CSRF token on every change.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createUser } from '../../src/cli/admin';
import type { Stack } from './stack';

export interface ConsoleResponse<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

export class ConsoleClient {
  readonly cookies = new Map<string, string>();
  private csrfToken: string | undefined;

  constructor(private readonly baseUrl: string) {}

  static for(stack: Stack): ConsoleClient {
    return new ConsoleClient(stack.webhookUrl.replace(/\/webhook$/, ''));
  }

  /** `redirect: 'manual'` answers a redirect as it is (its status and location) instead of following it. */
  async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    { csrf = true, redirect = 'follow' }: { csrf?: boolean; redirect?: 'follow' | 'manual' } = {},
  ): Promise<ConsoleResponse<T>> {
    if (csrf && method !== 'GET' && !this.csrfToken) {
      this.csrfToken = (await this.request<{ token: string }>('GET', '/admin/api/csrf-token')).body.token;
    }
    const headers: Record<string, string> = {};
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (csrf && method !== 'GET' && this.csrfToken) headers['x-csrf-token'] = this.csrfToken;
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), redirect });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, ...value] = pair!.split('=');
      const expired = /expires=Thu, 01 Jan 1970/i.test(line) || /max-age=0/i.test(line);
      if (expired) this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), value.join('='));
    }
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as T, headers: response.headers };
  }

  signIn(email: string, password: string) {
    return this.request('POST', '/admin/api/sign-in', { email, password });
  }
}

/** The password of every user signedInUser makes, for signing in again (a browser test signs in through the form). */
export const TEST_PASSWORD = 'correct horse battery';

/**
 * A console user made with the operator's command (`npm run admin -- create-user`),
 * already signed in: a platform admin, or an owner or staff member of the
 * business with that phone_number_id.
 */
export async function signedInUser(stack: Stack, email: string, role: 'platform-admin' | 'owner' | 'staff', phoneNumberId?: string): Promise<ConsoleClient> {
  const passwordFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'console-user-')), 'password');
  fs.writeFileSync(passwordFile, TEST_PASSWORD);
  await createUser(
    stack.database.db,
    ['--email', email, '--role', role, ...(phoneNumberId ? ['--business', phoneNumberId] : []), '--password-file', passwordFile],
    () => undefined,
  );
  const browser = ConsoleClient.for(stack);
  const signedIn = await browser.signIn(email, TEST_PASSWORD);
  if (signedIn.status !== 200) throw new Error(`Could not sign in as ${email}: ${signedIn.status}`);
  return browser;
}
