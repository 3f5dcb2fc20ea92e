// The end of Google's consent flow, shared by the console's redirect and the
// `calendar:connect` command's loopback: trade the authorization code for a
// refresh token and prove that token opens the chosen calendar. Nothing is
// stored until both have worked, so a failed attempt leaves a working
// connection as it was.
import { classifyCalendarFailure } from './calendar-errors';
import { calendarWithGrant, createOAuthClient, type CalendarAccess, type OAuthClientSettings } from './google-calendar';

/** A connection attempt that cannot work; its message is short and safe to show the person who tried. */
export class CalendarConnectFailure extends Error {
  override name = 'CalendarConnectFailure';
}

export interface ProvenConnection {
  googleCalendarId: string;
  /** In clear: storeCalendarConnection seals it. */
  googleRefreshToken: string;
}

export interface ConsentAnswer {
  code: string;
  /** Exactly the redirect URI the consent request named: Google refuses the exchange otherwise. */
  redirectUri: string;
  calendarId: string;
}

export async function proveConnection(
  answer: ConsentAnswer,
  oauthClient: OAuthClientSettings,
  access: Pick<CalendarAccess, 'rootUrl' | 'timeoutMs'> = {},
): Promise<ProvenConnection> {
  const client = createOAuthClient(oauthClient, answer.redirectUri);
  const { tokens } = await client.getToken({ code: answer.code, redirect_uri: answer.redirectUri }).catch((err: unknown) => {
    throw new CalendarConnectFailure(`Google did not accept the authorization (${oauthErrorOf(err)}). Start again.`);
  });
  if (!tokens.refresh_token) {
    throw new CalendarConnectFailure("Google returned no refresh token. Remove the app's access at https://myaccount.google.com/permissions and try again.");
  }
  const connection = { googleCalendarId: answer.calendarId, googleRefreshToken: tokens.refresh_token };

  // The same client the booking tools will use, with nothing but the new token: it must open this calendar on its own.
  const calendar = calendarWithGrant(answer.calendarId, tokens.refresh_token, { rootUrl: access.rootUrl, timeoutMs: access.timeoutMs, oauthClient });
  const now = new Date();
  await calendar.listEvents(now, new Date(now.getTime() + 86_400_000)).catch((err: unknown) => {
    throw new CalendarConnectFailure(`Google gave access, but calendar "${answer.calendarId}" could not be opened: ${calendarProblem(err)}.`);
  });
  return connection;
}

/** Google's OAuth error code (invalid_grant, …): an identifier, never a token. */
function oauthErrorOf(err: unknown): string {
  const code = (err as { response?: { data?: { error?: unknown } } } | null)?.response?.data?.error;
  return typeof code === 'string' && /^[a-z_]{1,40}$/.test(code) ? code : 'no answer from Google';
}

function calendarProblem(err: unknown): string {
  const failure = classifyCalendarFailure(err);
  switch (failure.kind) {
    case 'access-refused':
    case 'invalid-request':
      return failure.reason;
    case 'back-off':
      return 'Google Calendar is busy or unavailable, try again in a moment';
    case 'unknown':
      return 'Google Calendar could not be reached';
  }
}
