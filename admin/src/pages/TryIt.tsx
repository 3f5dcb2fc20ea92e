// "Try it": the owner writes to their own bot as a test customer and reads its
// answers here. The server runs the same workflows, prompt and booking rules a
// WhatsApp message gets, and never sends the replies; this page sends each
// message once (a request ID per message) and polls while an answer is due.
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useParams } from 'react-router';
import { api, ApiError, errorMessage } from '../api';
import { Notice, TextField } from '../components/forms';
import { WhatsAppText } from '../components/WhatsAppText';
import { formatDateTime } from '../format';
import { canManage, useUser } from '../session';
import type { TryItMessageView, TryItView } from '../types';

/** How often the page asks for the answer while one is due. */
const POLL_MS = 1500;
/** After this long without an answer the page stops asking and says so. */
const GIVE_UP_MS = 120_000;

type Choice = TryItMessageView['options'][number];

/** A message sent from this page that the server's chat does not show yet. */
interface Outgoing {
  requestId: string;
  text: string;
}

/** A request ID for one message. crypto.randomUUID needs a secure context; getRandomValues does not. */
function newRequestId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function TryItPage() {
  const user = useUser();
  const { businessId = '' } = useParams();
  return (
    <section className="try-it">
      <h1>Try it</h1>
      {canManage(user, businessId) ? (
        <TryItChat key={businessId} businessId={businessId} />
      ) : (
        <Notice kind="info">Only an owner of this business can try the assistant here.</Notice>
      )}
    </section>
  );
}

function TryItChat({ businessId }: { businessId: string }) {
  const path = `/businesses/${businessId}/try-it`;
  const [view, setView] = useState<TryItView>();
  const [loadProblem, setLoadProblem] = useState('');
  const [outgoing, setOutgoing] = useState<Outgoing[]>([]);
  const [draft, setDraft] = useState('');
  // Kept until the server has the message, so sending again after a failure is the same message.
  const draftRequestId = useRef(newRequestId());
  const [sending, setSending] = useState(false);
  const [fieldError, setFieldError] = useState<string>();
  const [problem, setProblem] = useState('');
  const waitingSince = useRef<number | undefined>(undefined);
  const [gaveUp, setGaveUp] = useState(false);
  const [confirmingClear, setConfirmingClear] = useState(false);
  const [clearing, setClearing] = useState(false);
  const [cleared, setCleared] = useState('');
  const log = useRef<HTMLDivElement>(null);
  // Each load gets a number; a slow answer to an older one (a poll that crossed a clear) is dropped.
  const newestLoad = useRef(0);

  const refresh = useCallback(async () => {
    const number = ++newestLoad.current;
    try {
      const { tryIt } = await api.get<{ tryIt: TryItView }>(path);
      if (number !== newestLoad.current) return;
      setView(tryIt);
      setLoadProblem('');
      const arrived = new Set(tryIt.messages.map((m) => m.requestId));
      setOutgoing((mine) => mine.filter((m) => !arrived.has(m.requestId)));
    } catch (err) {
      if (number === newestLoad.current) setLoadProblem(errorMessage(err));
    }
  }, [path]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const awaiting = outgoing.length > 0 || !!view?.awaitingReply;
  useEffect(() => {
    if (!awaiting) {
      waitingSince.current = undefined;
      setGaveUp(false);
      return;
    }
    if (gaveUp) return;
    waitingSince.current ??= Date.now();
    const timer = window.setInterval(() => {
      if (Date.now() - waitingSince.current! > GIVE_UP_MS) setGaveUp(true);
      else void refresh();
    }, POLL_MS);
    return () => window.clearInterval(timer);
  }, [awaiting, gaveUp, refresh]);

  const shown = view?.messages.length ?? 0;
  useEffect(() => {
    log.current?.scrollTo({ top: log.current.scrollHeight });
  }, [shown, outgoing.length]);

  async function send(text: string, choice?: Choice) {
    const requestId = choice ? newRequestId() : draftRequestId.current;
    setSending(true);
    setProblem('');
    setFieldError(undefined);
    setCleared('');
    setGaveUp(false);
    waitingSince.current = undefined;
    try {
      await api.post(`${path}/messages`, { text, requestId, ...(choice ? { choice } : {}) });
      setOutgoing((mine) => [...mine, { requestId, text }]);
      if (!choice) {
        setDraft('');
        draftRequestId.current = newRequestId();
      }
      void refresh();
    } catch (err) {
      setFieldError(err instanceof ApiError ? err.fields.text : undefined);
      setProblem(errorMessage(err));
    } finally {
      setSending(false);
    }
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!draft.trim()) {
      setFieldError('Write a message.');
      return;
    }
    void send(draft);
  }

  async function clear() {
    setClearing(true);
    setProblem('');
    try {
      const { cleared: done } = await api.delete<{ cleared: { appointments: number; messages: number } }>(path);
      setOutgoing([]);
      // The chat is emptied before the notice says so.
      await refresh();
      setConfirmingClear(false);
      setCleared(
        `Test data cleared: ${done.messages} message${done.messages === 1 ? '' : 's'} deleted, ${done.appointments} test booking${done.appointments === 1 ? '' : 's'} cancelled.`,
      );
    } catch (err) {
      setProblem(errorMessage(err));
    } finally {
      setClearing(false);
    }
  }

  const bookings = view?.appointments ?? [];
  const hasData = shown > 0 || bookings.length > 0;
  return (
    <>
      <Notice kind="info">This chat uses your saved settings and prompt. Nothing is sent to WhatsApp.</Notice>
      <Notice kind="error">{loadProblem || problem}</Notice>
      <Notice kind="success">{cleared}</Notice>
      <div className="chat card">
        <div className="chat-log" role="log" aria-live="polite" aria-label="Test conversation" tabIndex={0} ref={log}>
          {shown === 0 && outgoing.length === 0 && <p className="muted chat-empty">Write as a customer would: ask for a time, book, move or cancel.</p>}
          {view?.messages.map((message) => (
            <ChatBubble key={message.id} message={message} onChoose={(choice) => void send(choice.title, choice)} disabled={sending} />
          ))}
          {outgoing.map((message) => (
            <div key={message.requestId} className="bubble bubble-tester bubble-pending">
              <WhatsAppText text={message.text} />
              <span className="bubble-meta">Sending…</span>
            </div>
          ))}
          {awaiting && !gaveUp && (
            <p className="chat-typing muted" role="status">
              The assistant is writing…
            </p>
          )}
          {gaveUp && (
            <p className="chat-typing muted" role="status">
              No answer yet. It may still come: reload the page to look again.
            </p>
          )}
        </div>
        <form className="chat-form" onSubmit={onSubmit} noValidate>
          <TextField label="Message" value={draft} onChange={(e) => setDraft(e.target.value)} error={fieldError} autoComplete="off" maxLength={4096} />
          <button type="submit" disabled={sending}>
            {sending ? 'Sending…' : 'Send'}
          </button>
        </form>
      </div>
      <section className="try-it-data" aria-labelledby="try-it-data-heading">
        <h2 id="try-it-data-heading">Test data</h2>
        {bookings.length > 0 ? (
          <ul className="try-it-bookings">
            {bookings.map((booking) => (
              <li key={booking.id}>
                <span className="badge badge-warn">Test</span> {booking.service}, {formatDateTime(booking.startsAt)}{' '}
                <span className={booking.status === 'BOOKED' ? 'badge badge-ok' : 'badge badge-off'}>
                  {booking.status === 'BOOKED' ? 'Booked' : 'Cancelled'}
                </span>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">No test bookings.</p>
        )}
        <p className="hint">
          Bookings made here are real bookings of a test customer: they take a place and appear in the calendar marked TEST until you clear them.
        </p>
        {confirmingClear ? (
          <div className="confirm" role="group" aria-label="Confirm clearing test data">
            <p>Delete this test chat and cancel its test bookings (and their calendar events)?</p>
            <button type="button" className="danger" onClick={() => void clear()} disabled={clearing}>
              {clearing ? 'Clearing…' : 'Yes, clear test data'}
            </button>{' '}
            <button type="button" className="secondary" onClick={() => setConfirmingClear(false)} disabled={clearing}>
              Keep it
            </button>
          </div>
        ) : (
          <button type="button" className="danger" onClick={() => setConfirmingClear(true)} disabled={!hasData}>
            Clear test data
          </button>
        )}
      </section>
    </>
  );
}

function ChatBubble({ message, onChoose, disabled }: { message: TryItMessageView; onChoose: (choice: Choice) => void; disabled: boolean }) {
  const mine = message.from === 'tester';
  return (
    <div className={`bubble ${mine ? 'bubble-tester' : 'bubble-bot'}`}>
      <span className="visually-hidden">{mine ? 'You:' : 'Assistant:'}</span>
      <WhatsAppText text={message.text} />
      {message.options.length > 0 && (
        <div className="bubble-options" role="group" aria-label="Options offered">
          {message.options.map((option) => (
            <button key={option.id} type="button" className="secondary small" onClick={() => onChoose(option)} disabled={disabled}>
              {option.title}
            </button>
          ))}
        </div>
      )}
      <span className="bubble-meta">{new Date(message.at).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })}</span>
    </div>
  );
}
