// A business's appointments, a day or a week at a time, in the business's own
// time zone. Owners cancel or move one here: the server makes the change with the
// bot's booking code and tells the customer on WhatsApp. Staff read only.
import { useRef, useState, type FormEvent } from 'react';
import { useParams, useSearchParams } from 'react-router';
import { addDays, parseLocalDate } from '../../../src/booking/time';
import { api, ApiError, errorMessage } from '../api';
import { Notice, TextField } from '../components/forms';
import { LoadingOrError } from '../components/Loading';
import { useApiData } from '../components/useApiData';
import { canManage, useUser } from '../session';
import type { AppointmentChangeAnswer, AppointmentsPage, ConsoleAppointment } from '../types';

type View = 'day' | 'week';

export function AppointmentsPage() {
  const user = useUser();
  const { businessId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const view: View = params.get('view') === 'week' ? 'week' : 'day';
  const asked = params.get('date') ?? '';
  const date = parseLocalDate(asked) ? asked : '';
  const resource = useApiData<AppointmentsPage>(`/businesses/${businessId}/appointments?days=${view === 'week' ? 7 : 1}${date ? `&from=${date}` : ''}`);
  const readOnly = !canManage(user, businessId);
  const [done, setDone] = useState<{ kind: 'success' | 'warning'; text: string }>();
  // Until the first answer, the server's "today" in the business's zone is the date shown.
  const shown = date || resource.data?.from || '';

  const go = (next: { date?: string; view?: View }) => {
    setDone(undefined);
    setParams({ date: next.date ?? shown, view: next.view ?? view }, { replace: true });
  };
  const step = view === 'week' ? 7 : 1;

  function onChanged(answer: string, warning = false) {
    setDone({ kind: warning ? 'warning' : 'success', text: answer });
    resource.reload();
  }

  return (
    <section className="appointments-page">
      <h1>Appointments</h1>
      {readOnly && <Notice kind="info">Only an owner of this business can cancel or move appointments.</Notice>}
      <div className="appointments-toolbar">
        <div className="button-group" role="group" aria-label="Show">
          <button type="button" className="secondary" aria-pressed={view === 'day'} onClick={() => go({ view: 'day' })}>
            Day
          </button>
          <button type="button" className="secondary" aria-pressed={view === 'week'} onClick={() => go({ view: 'week' })}>
            Week
          </button>
        </div>
        <div className="button-group">
          <button type="button" className="secondary" disabled={!shown} onClick={() => go({ date: addDays(shown, -step) })}>
            {view === 'week' ? 'Previous week' : 'Previous day'}
          </button>
          <button type="button" className="secondary" disabled={!shown} onClick={() => go({ date: addDays(shown, step) })}>
            {view === 'week' ? 'Next week' : 'Next day'}
          </button>
        </div>
        <TextField label="Date" type="date" value={shown} required onChange={(e) => parseLocalDate(e.target.value) && go({ date: e.target.value })} />
      </div>
      {done && <Notice kind={done.kind}>{done.text}</Notice>}
      {resource.data ? (
        <>
          <p className="hint">
            Times in {resource.data.timeZone}, the business’s time zone. {readOnly ? '' : 'The customer is told on WhatsApp when you cancel or move.'}
          </p>
          {daysOf(resource.data).map(({ date: day, appointments }) => (
            <DaySchedule key={day} businessId={businessId} date={day} appointments={appointments} readOnly={readOnly} onChanged={onChanged} />
          ))}
        </>
      ) : (
        <LoadingOrError resource={resource} />
      )}
    </section>
  );
}

function daysOf(page: AppointmentsPage): Array<{ date: string; appointments: ConsoleAppointment[] }> {
  return Array.from({ length: page.days }, (_, i) => {
    const date = addDays(page.from, i);
    return { date, appointments: page.appointments.filter((a) => a.start.startsWith(date)) };
  });
}

/** "2026-12-07" → "Monday 7 December 2026", in the reader's language; the date is already the business's. */
function longDate(date: string): string {
  return new Date(`${date}T12:00:00Z`).toLocaleDateString(undefined, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}

/** "2026-12-07T17:00" → "Mon 7 Dec 17:00". */
function shortDateTime(local: string): string {
  const day = new Date(`${local.slice(0, 10)}T12:00:00Z`).toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });
  return `${day} ${local.slice(11, 16)}`;
}

function DaySchedule(props: {
  businessId: string;
  date: string;
  appointments: ConsoleAppointment[];
  readOnly: boolean;
  onChanged(answer: string, warning?: boolean): void;
}) {
  const { date, appointments, readOnly } = props;
  return (
    <section className="appointments-day" aria-label={longDate(date)}>
      <h2>{longDate(date)}</h2>
      {appointments.length === 0 ? (
        <p className="muted">No appointments.</p>
      ) : (
        <table className="stacking appointments-table">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Service</th>
              <th scope="col">Customer</th>
              <th scope="col">Status</th>
              {!readOnly && (
                <th scope="col" className="appointment-actions-column">
                  <span className="visually-hidden">Actions</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {appointments.map((a) => (
              <AppointmentRow key={a.id} {...props} appointment={a} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function AppointmentRow({
  businessId,
  appointment: a,
  readOnly,
  onChanged,
}: {
  businessId: string;
  appointment: ConsoleAppointment;
  readOnly: boolean;
  onChanged(answer: string, warning?: boolean): void;
}) {
  const cancelled = a.status === 'cancelled';
  const [moving, setMoving] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState('');
  const change = useChange(businessId, a.id);
  const who = a.customer.name ?? a.customer.number ?? 'the customer';

  async function onCancel() {
    if (!window.confirm(`Cancel ${who}’s ${a.service} on ${shortDateTime(a.start)}? ${who} is told on WhatsApp that you cancelled it.`)) return;
    setBusy(true);
    setProblem('');
    try {
      const answer = await change('cancel', {});
      onChanged(...outcomeText(answer, `Cancelled ${who}’s ${a.service} on ${shortDateTime(a.start)}.`, who));
    } catch (err) {
      setProblem(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <tr className={cancelled ? 'appointment-cancelled' : undefined}>
        <td data-label="Time">
          <span className="appointment-time">
            {a.start.slice(11)}–{a.end.slice(11)}
          </span>
        </td>
        <td data-label="Service" className="appointment-service">
          {a.service}
        </td>
        <td data-label="Customer">
          {a.customer.name ?? 'No name given'} {a.customer.isTest && <span className="badge badge-warn">Test</span>}
          {a.customer.number && <div className="muted">+{a.customer.number}</div>}
        </td>
        <td data-label="Status">
          {cancelled ? <span className="badge badge-off">Cancelled</span> : <span className="badge badge-ok">Booked</span>}
          {a.changedBy && (
            <div className="muted">
              {a.changedBy.action === 'cancel' ? 'Cancelled' : 'Moved'} by {a.changedBy.email}
            </div>
          )}
        </td>
        {!readOnly && (
          <td data-label="">
            {!cancelled && (
              <div className="appointment-actions">
                <button type="button" className="secondary" aria-expanded={moving} disabled={busy} onClick={() => setMoving(!moving)}>
                  Move
                </button>
                <button type="button" className="danger" disabled={busy} onClick={onCancel}>
                  {busy ? 'Cancelling…' : 'Cancel appointment'}
                </button>
              </div>
            )}
            <Notice kind="error">{problem}</Notice>
          </td>
        )}
      </tr>
      {moving && !cancelled && (
        <tr className="appointment-move-row">
          <td colSpan={5} data-label="">
            <MoveForm
              appointment={a}
              who={who}
              change={change}
              onDone={(answer, warning) => {
                setMoving(false);
                onChanged(answer, warning);
              }}
              onClose={() => setMoving(false)}
            />
          </td>
        </tr>
      )}
    </>
  );
}

type Change = (kind: 'cancel' | 'move', body: { start?: string }) => Promise<AppointmentChangeAnswer>;

/**
 * Sends a change with a request ID that names it: a second click while the first
 * is on its way sends the same ID, and the server makes the change once. A new
 * attempt after an answer (a refusal, say) is a new change with a new ID.
 */
function useChange(businessId: string, appointmentId: string): Change {
  const pending = useRef<string | undefined>(undefined);
  return async (kind, body) => {
    pending.current ??= crypto.randomUUID();
    try {
      return await api.post<AppointmentChangeAnswer>(`/businesses/${businessId}/appointments/${appointmentId}/${kind}`, {
        ...body,
        requestId: pending.current,
      });
    } finally {
      pending.current = undefined;
    }
  };
}

/** The page's notice after a change, and whether it is a warning (the customer could not be told). */
function outcomeText(answer: AppointmentChangeAnswer, what: string, who: string): [string, boolean] {
  if (answer.pending) return [answer.error ?? 'The change is still being made. Reload the page in a moment to see it.', true];
  if (answer.customerTold) return [`${what} ${who} was told on WhatsApp.`, false];
  if (answer.noticeFailure) return [`${what} ${who} could not be told on WhatsApp (${answer.noticeFailure}); let them know another way.`, true];
  return [what, false];
}

function MoveForm({
  appointment: a,
  who,
  change,
  onDone,
  onClose,
}: {
  appointment: ConsoleAppointment;
  who: string;
  change: Change;
  onDone(answer: string, warning: boolean): void;
  onClose(): void;
}) {
  const [date, setDate] = useState(a.start.slice(0, 10));
  const [time, setTime] = useState(a.start.slice(11, 16));
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<{ message: string; start?: string }>();

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setProblem(undefined);
    const start = `${date}T${time}`;
    try {
      const answer = await change('move', { start });
      onDone(...outcomeText(answer, `Moved ${who}’s ${a.service} to ${shortDateTime(answer.start ?? start)}.`, who));
    } catch (err) {
      setProblem({ message: errorMessage(err), start: err instanceof ApiError ? err.fields.start : undefined });
      setBusy(false);
    }
  }

  return (
    <form className="move-form" onSubmit={onSubmit} aria-label={`Move ${who}’s ${a.service}`}>
      <p>
        Move {who}’s {a.service} from {shortDateTime(a.start)}. {who} is told on WhatsApp.
      </p>
      <div className="move-fields">
        <TextField label="New date" type="date" required value={date} onChange={(e) => setDate(e.target.value)} />
        <TextField label="New time" type="time" required step={300} value={time} onChange={(e) => setTime(e.target.value)} error={problem?.start} />
      </div>
      {problem && !problem.start && <Notice kind="error">{problem.message}</Notice>}
      <div className="appointment-actions">
        <button type="submit" disabled={busy}>
          {busy ? 'Moving…' : 'Move appointment'}
        </button>
        <button type="button" className="secondary" onClick={onClose} disabled={busy}>
          Keep it
        </button>
      </div>
    </form>
  );
}
