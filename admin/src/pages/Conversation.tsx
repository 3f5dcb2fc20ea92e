// One conversation in the inbox: its timeline, why it needs a person, and the
// controls a member of the team uses to step in: "Take over" (the assistant
// stops answering), a reply box, and "Hand back to the bot". The workflow
// decides each of them; a refusal comes back as a sentence and is shown here.
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useOutletContext, useParams } from 'react-router';
import { api, ApiError, errorMessage } from '../api';
import { Notice, TextAreaField } from '../components/forms';
import { formatAgo, formatDateTime } from '../format';
import { useUser } from '../session';
import type { ConversationControl, ConversationView } from '../types';
import { ConversationTimeline } from './ConversationTimeline';
import { customerLabel, type InboxContext } from './Inbox';
import { CONVERSATION_POLL_MS, usePoll } from './InboxLive';

export function ConversationPage() {
  const { businessId = '', customerId = '' } = useParams();
  // key: another conversation is a new page, with none of this one's state (draft reply, errors).
  return <Conversation key={`${businessId}/${customerId}`} businessId={businessId} customerId={customerId} />;
}

function Conversation({ businessId, customerId }: { businessId: string; customerId: string }) {
  const { markedRead, controlChanged } = useOutletContext<InboxContext>();
  const path = `/businesses/${businessId}/conversations/${customerId}`;
  const [conversation, setConversation] = useState<ConversationView>();
  const [problem, setProblem] = useState('');

  const load = useCallback(async () => {
    try {
      const answer = await api.get<{ conversation: ConversationView }>(path);
      setConversation(answer.conversation);
      setProblem('');
    } catch (err) {
      setProblem(errorMessage(err));
    }
  }, [path]);

  useEffect(() => {
    void load();
  }, [load]);
  usePoll(load, CONVERSATION_POLL_MS);

  // Read up to the newest message shown (not "now"), so one that arrives meanwhile still counts as unread.
  const newestAt = conversation?.timeline.findLast((item) => item.kind === 'message')?.at;
  useEffect(() => {
    if (!newestAt || document.visibilityState !== 'visible') return;
    api.post(`${path}/read`, { upTo: newestAt }).then(
      () => markedRead(customerId),
      // Unread badges are a convenience: failing to clear one is not worth interrupting the reader.
      () => undefined,
    );
  }, [newestAt, path, customerId, markedRead]);

  if (!conversation)
    return problem ? (
      <>
        <BackLink />
        <Notice kind="error">{problem}</Notice>
      </>
    ) : (
      <p className="loading" role="status">
        Loading…
      </p>
    );

  const { title, detail } = customerLabel(conversation.customer);
  const applyControl = (control: ConversationControl) => {
    setConversation((c) => c && { ...c, control: control.control, needsPerson: control.needsPerson });
    controlChanged(control);
  };
  return (
    <article className="conversation" aria-labelledby="conversation-title">
      <BackLink />
      <header className="conversation-header">
        <h2 id="conversation-title" className="break">
          {title}
        </h2>
        {detail !== title && <p className="muted break">{detail}</p>}
        {conversation.customer.isTest && <span className="badge badge-off">Test chat from “Try it”: replies are never sent to WhatsApp</span>}
      </header>
      <Notice kind="error">{problem}</Notice>
      {conversation.needsPerson && (
        <div className="notice notice-warning needs-person" role="status">
          <strong>Needs a person.</strong> {conversation.needsPerson.reason}{' '}
          <span className="muted">
            (<time dateTime={conversation.needsPerson.since}>{formatAgo(conversation.needsPerson.since)}</time>)
          </span>
        </div>
      )}
      {conversation.hasOlder && <p className="muted">Older messages are not shown: this is the most recent part of the conversation.</p>}
      <ConversationTimeline items={conversation.timeline} customerName={title} />
      <Controls path={path} conversation={conversation} onControl={applyControl} onSent={load} />
    </article>
  );
}

function BackLink() {
  return (
    <Link to=".." relative="path" className="inbox-back">
      ← All conversations
    </Link>
  );
}

interface ControlsProps {
  path: string;
  conversation: ConversationView;
  onControl(control: ConversationControl): void;
  onSent(): Promise<void>;
}

function Controls({ path, conversation, onControl, onSent }: ControlsProps) {
  const user = useUser();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState('');
  const replyBox = useRef<HTMLDivElement>(null);
  const { control } = conversation;
  const mine = control.by === 'person' && control.userId === user.id;

  async function change(action: 'take-over' | 'hand-back') {
    setBusy(true);
    setProblem('');
    try {
      const answer = await api.post<{ conversation: ConversationControl }>(`${path}/${action}`);
      onControl(answer.conversation);
      // Whoever took over writes next: the reply box gets the focus.
      if (action === 'take-over') requestAnimationFrame(() => replyBox.current?.querySelector('textarea')?.focus());
    } catch (err) {
      setProblem(errorMessage(err));
      // The refusal may mean the page is behind (someone else took over): show what is true now.
      void onSent();
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="conversation-controls" aria-label="Who answers">
      <div className="control-line">
        {control.by === 'bot' ? (
          <>
            <p>The assistant answers this customer.</p>
            <button type="button" onClick={() => change('take-over')} disabled={busy}>
              Take over
            </button>
          </>
        ) : (
          <>
            <p>
              {mine ? 'You are' : `${control.name} is`} answering this customer instead of the assistant, since{' '}
              <time dateTime={control.since}>{formatDateTime(control.since)}</time>.
            </p>
            <button type="button" className="secondary" onClick={() => change('hand-back')} disabled={busy}>
              Hand back to the bot
            </button>
          </>
        )}
      </div>
      <Notice kind="error">{problem}</Notice>
      {mine && (
        <div ref={replyBox}>
          <ReplyForm path={path} onSent={onSent} />
        </div>
      )}
    </section>
  );
}

function ReplyForm({ path, onSent }: { path: string; onSent(): Promise<void> }) {
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const [fieldError, setFieldError] = useState('');
  const [problem, setProblem] = useState('');
  // One request ID per reply: sending the same text again after a failure reuses it, so the server sends it once.
  const attempt = useRef<{ text: string; requestId: string } | undefined>(undefined);

  async function send(event: FormEvent) {
    event.preventDefault();
    if (sending) return;
    const requestId = attempt.current?.text === text ? attempt.current.requestId : crypto.randomUUID();
    attempt.current = { text, requestId };
    setSending(true);
    setFieldError('');
    setProblem('');
    try {
      await api.post(`${path}/replies`, { text, requestId });
      attempt.current = undefined;
      setText('');
      await onSent();
    } catch (err) {
      const fields = err instanceof ApiError ? err.fields : {};
      if (fields.text) setFieldError(fields.text);
      else setProblem(errorMessage(err));
    } finally {
      setSending(false);
    }
  }

  return (
    <form className="reply-form" onSubmit={send}>
      <TextAreaField
        label="Your reply"
        value={text}
        onChange={(event) => setText(event.target.value)}
        error={fieldError}
        hint="Sent on WhatsApp as it is written, like the assistant’s replies."
        required
      />
      <Notice kind="error">{problem}</Notice>
      <button type="submit" disabled={sending || !text.trim()}>
        {sending ? 'Sending…' : 'Send'}
      </button>
    </form>
  );
}
