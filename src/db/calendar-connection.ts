// A business's Google Calendar connection as the console and the
// `calendar:connect` command change it, and the connection attempts the console
// has sent to Google's consent page and is waiting for.
import type { Keyring } from '../crypto/keyring';
import { sealSecret } from '../crypto/secrets';
import type { Database } from './client';

export interface CalendarConnectionView {
  connected: boolean;
  calendarId: string | null;
  accessError: string | null;
  accessErrorAt: string | null;
  /** How the worker opens the calendar: the owner's own Google grant, or credentials the server was given (a service account). */
  via: 'google-account' | 'server-credentials' | null;
}

export async function loadCalendarConnection(db: Database, businessId: string): Promise<CalendarConnectionView> {
  const b = await db.business.findUniqueOrThrow({
    where: { id: businessId },
    select: { googleCalendarId: true, googleRefreshToken: true, calendarAccessError: true, calendarAccessErrorAt: true },
  });
  return {
    connected: b.googleCalendarId !== null,
    calendarId: b.googleCalendarId,
    accessError: b.calendarAccessError,
    accessErrorAt: b.calendarAccessErrorAt?.toISOString() ?? null,
    via: b.googleCalendarId === null ? null : b.googleRefreshToken ? 'google-account' : 'server-credentials',
  };
}

/**
 * Stores a proven connection, its refresh token sealed for this business; it
 * replaces any earlier one and clears a refusal recorded against it.
 */
export async function storeCalendarConnection(
  db: Database,
  secrets: Keyring,
  businessId: string,
  connection: { googleCalendarId: string; googleRefreshToken: string },
) {
  await db.business.update({
    where: { id: businessId },
    data: {
      googleCalendarId: connection.googleCalendarId,
      googleRefreshToken: sealSecret(secrets, 'google-refresh-token', businessId, connection.googleRefreshToken),
      calendarAccessError: null,
      calendarAccessErrorAt: null,
    },
  });
}

export async function clearCalendarConnection(db: Database, businessId: string) {
  await db.business.update({
    where: { id: businessId },
    data: { googleCalendarId: null, googleRefreshToken: null, calendarAccessError: null, calendarAccessErrorAt: null },
  });
}

export interface ConnectionRequest {
  stateHash: string;
  businessId: string;
  userId: string;
  calendarId: string;
  redirectUri: string;
  expiresAt: Date;
}

export async function createConnectionRequest(db: Database, request: ConnectionRequest, now: Date): Promise<void> {
  // Attempts nobody finished are worthless once expired; clearing this business's keeps the table small without a schedule.
  await db.calendarConnectionRequest.deleteMany({ where: { businessId: request.businessId, expiresAt: { lt: now } } });
  await db.calendarConnectionRequest.create({ data: request });
}

export type ClaimedRequest = Pick<ConnectionRequest, 'businessId' | 'calendarId' | 'redirectUri'>;

/**
 * Takes the attempt a redirect's state names, once: only for the user who
 * started it, before it expires. An attempt refused for another user stays
 * usable by its own.
 */
export async function claimConnectionRequest(
  db: Database,
  stateHash: string,
  userId: string,
  now: Date,
): Promise<{ claimed: ClaimedRequest } | { refused: 'unknown' | 'other-user' | 'used' | 'expired' }> {
  const request = await db.calendarConnectionRequest.findUnique({ where: { stateHash } });
  if (!request) return { refused: 'unknown' };
  if (request.userId !== userId) return { refused: 'other-user' };
  if (request.usedAt) return { refused: 'used' };
  if (request.expiresAt <= now) return { refused: 'expired' };
  // Two redirects racing with the same state: the conditional update lets exactly one through.
  const taken = await db.calendarConnectionRequest.updateMany({ where: { stateHash, usedAt: null }, data: { usedAt: now } });
  if (taken.count !== 1) return { refused: 'used' };
  return { claimed: { businessId: request.businessId, calendarId: request.calendarId, redirectUri: request.redirectUri } };
}
