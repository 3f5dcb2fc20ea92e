// The console's one way to call its API: same origin, the session cookie sent
// by the browser, the CSRF token added to every state-changing request, and
// refusals turned into an ApiError that carries the per-field messages the API
// sends, so forms can show each next to its field.

const BASE = '/admin/api';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Messages by field path ("services.0.price"), when the API named the fields. */
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
  }
}

let csrfToken: Promise<string> | undefined;

function csrf(): Promise<string> {
  csrfToken ??= request<{ token: string }>('GET', '/csrf-token').then((r) => r.token);
  // A failed fetch must not be remembered, or every later form would fail the same way.
  csrfToken.catch(() => (csrfToken = undefined));
  return csrfToken;
}

async function request<T>(method: string, path: string, body?: unknown, token?: string): Promise<T> {
  let response: Response;
  try {
    response = await fetch(BASE + path, {
      method,
      credentials: 'same-origin',
      headers: {
        accept: 'application/json',
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(token ? { 'x-csrf-token': token } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
  } catch {
    throw new ApiError(0, 'The console cannot reach the server. Check your connection and try again.');
  }
  if (response.status === 204) return undefined as T;
  const payload = (await response.json().catch(() => ({}))) as ErrorPayload;
  if (!response.ok) throw new ApiError(response.status, refusalMessage(response.status, payload), payload.fields ?? {});
  return payload as T;
}

interface ErrorPayload {
  error?: unknown;
  code?: unknown;
  fields?: Record<string, string>;
}

const STALE_PAGE = 'This page is out of date. Reload it and try again.';

function refusalMessage(status: number, payload: ErrorPayload): string {
  // Fastify's own errors ({ statusCode, code, error: "Forbidden", message }) carry a code; the console's carry a sentence.
  if (typeof payload.code === 'string' && payload.code.startsWith('FST_CSRF')) return STALE_PAGE;
  if (status >= 500) return 'Something went wrong on the server. Try again in a moment.';
  if (typeof payload.error === 'string' && payload.code === undefined) return payload.error;
  return `The server refused the request (${status}).`;
}

/** A state-changing call with the CSRF token; a stale token (after sign-in or a restart) is fetched again once. */
async function send<T>(method: 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
  try {
    return await request<T>(method, path, body ?? {}, await csrf());
  } catch (err) {
    if (!(err instanceof ApiError) || err.message !== STALE_PAGE) throw err;
    csrfToken = undefined;
    return request<T>(method, path, body ?? {}, await csrf());
  }
}

export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T>(path: string, body?: unknown) => send<T>('POST', path, body),
  put: <T>(path: string, body?: unknown) => send<T>('PUT', path, body),
  delete: <T>(path: string) => send<T>('DELETE', path),
};

/** The message to show for anything a call threw. */
export function errorMessage(err: unknown): string {
  return err instanceof ApiError ? err.message : 'Something went wrong in the page. Reload it and try again.';
}
