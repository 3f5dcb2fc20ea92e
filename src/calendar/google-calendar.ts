// A business's Google Calendar through the real googleapis client, pointed at
// Google or at the local stand-in by rootUrl. Retries belong to Temporal: this
// module turns Google's answers into outcomes (an event already created is
// success; one already deleted is success) and leaves real failures thrown.
import { auth as googleAuth, calendar_v3 } from 'googleapis/build/src/apis/calendar';
import type { Keyring } from '../crypto/keyring';
import { openSecret } from '../crypto/secrets';

/** Private extended properties the bot writes on its events, to tell them from the owner's own. */
export const BOT_PROPERTY = 'waBookingAppointmentId';

/** The client's own timeout per request, inside the calendar activity's (retry-policies.ts). */
export const CALENDAR_CLIENT_TIMEOUT_MS = 15_000;

export interface CalendarEventSummary {
  id: string;
  start: Date;
  end: Date;
  /** The appointment this event belongs to, when the bot created it. */
  appointmentId?: string;
}

export interface NewEvent {
  id: string;
  summary: string;
  description: string;
  start: Date;
  end: Date;
  timeZone: string;
  privateProperties: Record<string, string>;
}

export interface BusinessCalendar {
  listEvents(from: Date, to: Date): Promise<CalendarEventSummary[]>;
  /** Creates the event, or finds it when an earlier attempt already did (409). */
  createEvent(event: NewEvent): Promise<{ id: string; alreadyExisted: boolean }>;
  /** Moves the event, guarded by its etag; a concurrent change is re-read and retried once. */
  moveEvent(id: string, start: Date, end: Date, timeZone: string): Promise<void>;
  /** Deletes the event; one that is already gone counts as deleted. */
  deleteEvent(id: string): Promise<'deleted' | 'already-gone'>;
  /** Replaces the event's title and description (erasing a customer's name from it); deleted events too, as Google keeps them. */
  rewriteEventText(id: string, text: { summary: string; description: string }): Promise<'rewritten' | 'unchanged' | 'gone'>;
}

export interface CalendarAccess {
  rootUrl?: string;
  /** A fixed access token (the local stand-in, or a token obtained elsewhere). */
  accessToken?: string;
  /** Service account key file; the business shares its calendar with the service account. */
  serviceAccountKeyFile?: string;
  /** OAuth client for businesses that connected with `npm run calendar:connect`. */
  oauthClient?: OAuthClientSettings;
  /** SECRETS_ENCRYPTION_KEYS: opens the refresh tokens as the database holds them (src/crypto/secrets.ts). */
  secrets?: Keyring;
  /** How long one request may take before it is abandoned (and the activity retried); 15 s by default. */
  timeoutMs?: number;
}

export interface OAuthClientSettings {
  clientId: string;
  clientSecret: string;
  /** Google's by default; the local stand-in's in development. */
  authBaseUrl?: string;
  tokenUrl?: string;
}

/** An OAuth 2.0 client for Google, using Node's own fetch. */
export function createOAuthClient(settings: OAuthClientSettings, redirectUri?: string) {
  return new googleAuth.OAuth2({
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    redirectUri,
    endpoints: {
      ...(settings.authBaseUrl ? { oauth2AuthBaseUrl: settings.authBaseUrl } : {}),
      ...(settings.tokenUrl ? { oauth2TokenUrl: settings.tokenUrl } : {}),
    },
    transporterOptions: { fetchImplementation: fetch },
  });
}

/**
 * What the booking tools need and nothing more: events.list, get, insert, patch
 * and delete all accept calendar.events ("view and edit events"), while the
 * whole-calendar scope would also let us share, re-permission or delete the
 * owner's calendars. Free/busy is read from events.list (the bot's own events are
 * told apart by their private properties, which freebusy.query cannot show), so
 * no free/busy scope is asked for; calendar.events.owned would refuse calendars
 * merely shared with the account that connects them.
 */
export const CALENDAR_SCOPES = ['https://www.googleapis.com/auth/calendar.events'];

export interface CalendarOwner {
  /** The business: a stored refresh token opens only for the business it was sealed for. */
  id: string;
  googleCalendarId: string | null;
  /** As the database holds it: sealed, or in clear when written before secrets were encrypted. */
  googleRefreshToken: string | null;
}

/** The calendar of one business, or undefined when it has none connected. */
export function calendarFor(owner: CalendarOwner, access: CalendarAccess): BusinessCalendar | undefined {
  if (!owner.googleCalendarId) return undefined;
  const authClient = authFor(owner, access);
  if (!authClient) return undefined;
  return openCalendar(owner.googleCalendarId, authClient, access);
}

/** A calendar opened with a refresh token in hand (one just granted, not yet stored). */
export function calendarWithGrant(calendarId: string, refreshToken: string, access: CalendarAccess & { oauthClient: OAuthClientSettings }): BusinessCalendar {
  return openCalendar(calendarId, refreshTokenClient(access.oauthClient, refreshToken), access);
}

function openCalendar(calendarId: string, authClient: calendar_v3.Options['auth'], access: CalendarAccess): BusinessCalendar {
  const api = new calendar_v3.Calendar({
    auth: authClient,
    ...(access.rootUrl ? { rootUrl: ensureSlash(access.rootUrl) } : {}),
    // Temporal retries the activity; a second retry loop inside the client would hide failures and double waits.
    retry: false,
    // Without a timeout a hung request would hold the activity until Temporal's own timeout.
    timeout: access.timeoutMs ?? CALENDAR_CLIENT_TIMEOUT_MS,
    // Node's own fetch, rather than the node-fetch that gaxios would import dynamically.
    fetchImplementation: fetch,
  });
  return createBusinessCalendar(api, calendarId);
}

function authFor(owner: CalendarOwner, access: CalendarAccess) {
  if (owner.googleRefreshToken && access.oauthClient) {
    // The only place a stored refresh token is opened: it lives in clear just as long as this client.
    if (!access.secrets) throw new Error('The calendar access has no SECRETS_ENCRYPTION_KEYS keyring to open the stored refresh token with');
    return refreshTokenClient(access.oauthClient, openSecret(access.secrets, 'google-refresh-token', owner.id, owner.googleRefreshToken));
  }
  if (access.serviceAccountKeyFile) return new googleAuth.GoogleAuth({ keyFile: access.serviceAccountKeyFile, scopes: CALENDAR_SCOPES });
  if (access.accessToken) {
    const client = new googleAuth.OAuth2();
    client.setCredentials({ access_token: access.accessToken });
    return client;
  }
  return undefined;
}

function refreshTokenClient(settings: OAuthClientSettings, refreshToken: string) {
  const client = createOAuthClient(settings);
  client.setCredentials({ refresh_token: refreshToken });
  return client;
}

function ensureSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

export function httpStatusOf(err: unknown): number | undefined {
  const e = err as { status?: unknown; code?: unknown; response?: { status?: unknown } };
  const status = e.response?.status ?? e.status ?? e.code;
  return typeof status === 'number' ? status : undefined;
}

export function createBusinessCalendar(api: calendar_v3.Calendar, calendarId: string): BusinessCalendar {
  const readEvent = async (eventId: string) => (await api.events.get({ calendarId, eventId })).data;

  return {
    async listEvents(from, to) {
      const events: CalendarEventSummary[] = [];
      let pageToken: string | undefined;
      do {
        const { data } = await api.events.list({
          calendarId,
          timeMin: from.toISOString(),
          timeMax: to.toISOString(),
          singleEvents: true,
          orderBy: 'startTime',
          maxResults: 250,
          pageToken,
        });
        for (const item of data.items ?? []) {
          if (item.status === 'cancelled' || item.transparency === 'transparent' || !item.id) continue;
          const start = Date.parse(item.start?.dateTime ?? `${item.start?.date}T00:00:00Z`);
          const end = Date.parse(item.end?.dateTime ?? `${item.end?.date}T00:00:00Z`);
          if (Number.isNaN(start) || Number.isNaN(end)) continue;
          events.push({ id: item.id, start: new Date(start), end: new Date(end), appointmentId: item.extendedProperties?.private?.[BOT_PROPERTY] });
        }
        pageToken = data.nextPageToken ?? undefined;
      } while (pageToken);
      return events;
    },

    async createEvent(event) {
      try {
        await api.events.insert({
          calendarId,
          requestBody: {
            id: event.id,
            summary: event.summary,
            description: event.description,
            start: { dateTime: event.start.toISOString(), timeZone: event.timeZone },
            end: { dateTime: event.end.toISOString(), timeZone: event.timeZone },
            extendedProperties: { private: event.privateProperties },
          },
        });
        return { id: event.id, alreadyExisted: false };
      } catch (err) {
        if (httpStatusOf(err) !== 409) throw err;
        return { id: event.id, alreadyExisted: true };
      }
    },

    async moveEvent(id, start, end, timeZone) {
      const target = { start: { dateTime: start.toISOString(), timeZone }, end: { dateTime: end.toISOString(), timeZone } };
      for (let attempt = 1; ; attempt++) {
        const current = await readEvent(id);
        if (Date.parse(current.start?.dateTime ?? '') === start.getTime() && Date.parse(current.end?.dateTime ?? '') === end.getTime()) return;
        try {
          await api.events.patch({ calendarId, eventId: id, requestBody: target }, { headers: { 'If-Match': current.etag ?? '*' } });
          return;
        } catch (err) {
          // Someone changed the event between our read and our write: read again, once.
          if (httpStatusOf(err) !== 412 || attempt >= 2) throw err;
        }
      }
    },

    async deleteEvent(id) {
      try {
        await api.events.delete({ calendarId, eventId: id });
        return 'deleted';
      } catch (err) {
        const status = httpStatusOf(err);
        if (status === 410 || status === 404) return 'already-gone';
        throw err;
      }
    },

    async rewriteEventText(id, text) {
      for (let attempt = 1; ; attempt++) {
        let current;
        try {
          current = await readEvent(id);
        } catch (err) {
          if (httpStatusOf(err) === 404 || httpStatusOf(err) === 410) return 'gone';
          throw err;
        }
        if (current.summary === text.summary && current.description === text.description) return 'unchanged';
        try {
          await api.events.patch({ calendarId, eventId: id, requestBody: text }, { headers: { 'If-Match': current.etag ?? '*' } });
          return 'rewritten';
        } catch (err) {
          // The owner edited it between our read and our write: read again, once.
          if (httpStatusOf(err) !== 412 || attempt >= 2) throw err;
        }
      }
    },
  };
}
