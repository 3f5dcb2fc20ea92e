// A browser's view of the console API for tests: it keeps the cookies the
// server sets, as a browser would, and sends the CSRF token on every change.
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

  async request<T = Record<string, unknown>>(method: string, path: string, body?: unknown, { csrf = true } = {}): Promise<ConsoleResponse<T>> {
    if (csrf && method !== 'GET' && !this.csrfToken) {
      this.csrfToken = (await this.request<{ token: string }>('GET', '/admin/api/csrf-token')).body.token;
    }
    const headers: Record<string, string> = {};
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (csrf && method !== 'GET' && this.csrfToken) headers['x-csrf-token'] = this.csrfToken;
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
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
