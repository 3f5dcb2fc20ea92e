// The business's Google Calendar: which calendar the assistant books into, a
// warning while Google refuses its credentials, and connecting one through
// Google's consent page. Google sends the browser back to the API, which sends
// it here with ?connected=1 or ?error=<why>; that outcome is shown once.
import { useEffect, useState, type FormEvent } from 'react';
import { useParams, useSearchParams } from 'react-router';
import { api, ApiError, errorMessage } from '../api';
import { Notice, TextField } from '../components/forms';
import { LoadingOrError } from '../components/Loading';
import { useApiData } from '../components/useApiData';
import { formatDateTime } from '../format';
import { canManage, useUser } from '../session';
import type { CalendarView } from '../types';

export function CalendarPage() {
  const user = useUser();
  const { businessId = '' } = useParams();
  const resource = useApiData<{ calendar: CalendarView }>(`/businesses/${businessId}/calendar`);
  const readOnly = !canManage(user, businessId);
  const returned = useReturnFromGoogle();
  return (
    <section>
      <h1>Google Calendar</h1>
      {returned?.connected && <Notice kind="success">Google Calendar connected. The assistant books into it from the next message.</Notice>}
      {returned?.error && <Notice kind="error">The calendar was not connected: {returned.error}</Notice>}
      {readOnly && <Notice kind="info">Only an owner of this business can connect or disconnect its calendar.</Notice>}
      {resource.data ? (
        <CalendarConnection
          businessId={businessId}
          calendar={resource.data.calendar}
          readOnly={readOnly}
          onChange={(calendar) => resource.setData({ calendar })}
        />
      ) : (
        <LoadingOrError resource={resource} />
      )}
    </section>
  );
}

/** What Google's round trip came back with, taken out of the address so a reload does not show it again. */
function useReturnFromGoogle(): { connected: boolean; error: string } | undefined {
  const [params, setParams] = useSearchParams();
  const [returned] = useState(() =>
    params.has('connected') || params.has('error') ? { connected: params.get('connected') === '1', error: params.get('error') ?? '' } : undefined,
  );
  useEffect(() => {
    if (returned) setParams({}, { replace: true });
  }, [returned, setParams]);
  return returned;
}

function CalendarConnection({
  businessId,
  calendar,
  readOnly,
  onChange,
}: {
  businessId: string;
  calendar: CalendarView;
  readOnly: boolean;
  onChange(calendar: CalendarView): void;
}) {
  const [calendarId, setCalendarId] = useState(calendar.via === 'google-account' && calendar.calendarId ? calendar.calendarId : 'primary');
  const [problem, setProblem] = useState<{ message: string; fields: Record<string, string> }>();
  const [busy, setBusy] = useState<'connect' | 'disconnect'>();

  async function onConnect(event: FormEvent) {
    event.preventDefault();
    setBusy('connect');
    setProblem(undefined);
    try {
      const { url } = await api.post<{ url: string }>(`/businesses/${businessId}/calendar/connect`, { calendarId });
      // Google's consent page; it sends the browser back to this page when done.
      window.location.assign(url);
    } catch (err) {
      setProblem({ message: errorMessage(err), fields: err instanceof ApiError ? err.fields : {} });
      setBusy(undefined);
    }
  }

  async function onDisconnect() {
    const confirmed = window.confirm(
      `Disconnect calendar ${calendar.calendarId}? The assistant keeps taking bookings, but no longer puts them in Google Calendar or respects time blocked there.`,
    );
    if (!confirmed) return;
    setBusy('disconnect');
    setProblem(undefined);
    try {
      onChange((await api.post<{ calendar: CalendarView }>(`/businesses/${businessId}/calendar/disconnect`)).calendar);
    } catch (err) {
      setProblem({ message: errorMessage(err), fields: {} });
    } finally {
      setBusy(undefined);
    }
  }

  return (
    <>
      {calendar.accessError && (
        <Notice kind="warning">
          <strong>Bookings are paused until you connect the calendar again.</strong>{' '}
          {calendar.accessErrorAt ? `On ${formatDateTime(calendar.accessErrorAt)}: ` : ''}
          {calendar.accessError}.
        </Notice>
      )}
      <div className="card calendar-status">
        <p className="calendar-status-line">
          <strong>{calendar.connected ? `Connected to calendar ${calendar.calendarId}` : 'Not connected'}</strong>
          {calendar.accessError && <span className="badge badge-warn">Refused by Google</span>}
        </p>
        <p className="muted">{accessDescription(calendar)}</p>
        {!readOnly && calendar.connected && (
          <button type="button" className="danger" onClick={onDisconnect} disabled={busy !== undefined}>
            {busy === 'disconnect' ? 'Disconnecting…' : 'Disconnect'}
          </button>
        )}
      </div>
      {problem && <Notice kind="error">{problem.message}</Notice>}
      {!readOnly && (
        <section aria-labelledby="connect-heading">
          <h2 id="connect-heading">{calendar.accessError ? 'Connect it again' : calendar.connected ? 'Connect a different calendar' : 'Connect a calendar'}</h2>
          {!calendar.canConnect && (
            <Notice kind="info">
              Connecting from here needs a Google OAuth client on the server. Create one of type “Web application” with the authorised redirect URI{' '}
              <code>{calendar.redirectUri}</code>, set <code>GOOGLE_OAUTH_CLIENT_ID</code> and <code>GOOGLE_OAUTH_CLIENT_SECRET</code> for the API and the
              worker, and restart them.
            </Notice>
          )}
          <form onSubmit={onConnect} noValidate className="narrow">
            <TextField
              label="Calendar ID"
              value={calendarId}
              onChange={(e) => setCalendarId(e.target.value)}
              error={problem?.fields.calendarId}
              disabled={!calendar.canConnect}
              autoComplete="off"
              spellCheck={false}
              hint="primary is the main calendar of the Google account you approve with. For another one, copy its ID from Google Calendar → Settings → the calendar → Integrate calendar."
            />
            <p className="hint">Google asks you to sign in and allow access, then brings you back here.</p>
            <button type="submit" disabled={!calendar.canConnect || busy !== undefined}>
              {busy === 'connect' ? 'Opening Google…' : 'Connect Google Calendar'}
            </button>
          </form>
        </section>
      )}
    </>
  );
}

function accessDescription(calendar: CalendarView): string {
  if (calendar.via === 'google-account') return 'Access was granted with a Google account here; the assistant adds bookings and reads busy times.';
  if (calendar.via === 'server-credentials') return 'The server opens it with its own credentials (a service account the calendar is shared with).';
  return 'Bookings are kept by the assistant only: nothing goes into Google Calendar, and time blocked there is not respected.';
}
