// `npm run calendar:connect -- <phone_number_id> [--calendar <calendar id>]`
// Walks a business owner through Google's OAuth consent and stores the refresh
// token on the business, so the assistant can manage its calendar. Uses a
// loopback redirect (http://127.0.0.1:<port>/oauth2callback), as Google
// recommends for installed apps; register that redirect URI on the OAuth client.
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { calendarAccess, loadConfig, loadDotEnv, requireDatabaseUrl } from '../config';
import { CALENDAR_SCOPES, createOAuthClient } from '../calendar/google-calendar';
import { proveConnection } from '../calendar/oauth-connect';
import { secretsKeyring } from '../crypto/secrets';
import { storeCalendarConnection } from '../db/calendar-connection';
import { createDatabase } from '../db/client';

const CONSENT_TIMEOUT_MS = 10 * 60_000;

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { calendar: { type: 'string', default: 'primary' } } });
  const phoneNumberId = positionals[0];
  if (!phoneNumberId) fail('Usage: npm run calendar:connect -- <phone_number_id> [--calendar <calendar id>]');
  loadDotEnv();
  const config = loadConfig();
  const secrets = secretsKeyring(config.SECRETS_ENCRYPTION_KEYS);
  const { oauthClient } = calendarAccess(config);
  if (!oauthClient)
    fail('Set GOOGLE_OAUTH_CLIENT_ID and GOOGLE_OAUTH_CLIENT_SECRET (an OAuth client of type "Desktop app" or one with a loopback redirect URI).');

  const db = createDatabase(requireDatabaseUrl(config), { maxConnections: 1 });
  const business = await db.business.findUnique({ where: { phoneNumberId } });
  if (!business) fail(`No business has phone_number_id ${phoneNumberId}.`);

  const state = randomBytes(16).toString('hex');
  const callback = await listenForRedirect(state);
  const redirectUri = callback.redirectUri;
  const client = createOAuthClient(oauthClient, redirectUri);
  const consentUrl = client.generateAuthUrl({ access_type: 'offline', prompt: 'consent', scope: CALENDAR_SCOPES, state });

  console.log(`Connecting the Google Calendar of "${business.name}".`);
  console.log('Open this address in a browser, signed in as the calendar owner, and approve access:\n');
  console.log(`  ${consentUrl}\n`);
  const code = await callback.code.catch((err: Error) => fail(`Not connected: ${err.message}`));

  const calendarId = values.calendar ?? 'primary';
  const connection = await proveConnection({ code, redirectUri, calendarId }, oauthClient, { rootUrl: config.GOOGLE_CALENDAR_ROOT_URL }).catch((err: Error) =>
    fail(`Not connected: ${err.message}`),
  );
  await storeCalendarConnection(db, secrets, business.id, connection);
  await db.$disconnect();
  console.log(`Connected: "${business.name}" now books into calendar "${calendarId}".`);
}

/** A loopback server for Google's redirect; `code` resolves with the authorization code. */
async function listenForRedirect(expectedState: string): Promise<{ redirectUri: string; code: Promise<string> }> {
  let settle!: (result: { code?: string; error?: string }) => void;
  const outcome = new Promise<{ code?: string; error?: string }>((resolve) => (settle = resolve));
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/oauth2callback') {
      res.writeHead(404).end();
      return;
    }
    const error = url.searchParams.get('error');
    const code = url.searchParams.get('code');
    const ok = !error && code && url.searchParams.get('state') === expectedState;
    res.writeHead(ok ? 200 : 400, { 'content-type': 'text/plain' }).end(ok ? 'Calendar connected. You can close this tab.' : 'The calendar was not connected.');
    settle(ok ? { code } : { error: error ? `Google answered: ${error}` : 'the redirect carried no code or a wrong state' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const timer = setTimeout(() => settle({ error: 'no answer from the consent page within 10 minutes' }), CONSENT_TIMEOUT_MS);
  const code = outcome.then(({ code: received, error }) => {
    clearTimeout(timer);
    server.close();
    if (!received) throw new Error(error);
    return received;
  });
  return { redirectUri: `http://127.0.0.1:${(server.address() as { port: number }).port}/oauth2callback`, code };
}

main().catch((err: Error) => fail(err.message));
