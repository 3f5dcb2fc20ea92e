// The conversations inbox for everyone in a business: conversations by their
// last message, with unread, "needs a person" and "with <name>" badges, and a
// search. The open conversation sits beside the list on a wide screen and
// replaces it on a phone (ConversationPage, rendered in the Outlet).
import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { NavLink, Outlet, useParams } from 'react-router';
import { api, errorMessage } from '../api';
import { Notice, TextField } from '../components/forms';
import { formatAgo, formatDateTime } from '../format';
import type { ConversationControl, ConversationSummary, InboxCustomer, InboxPage } from '../types';
import { LIST_POLL_MS, usePoll } from './InboxLive';

/** What the open conversation tells the list, so its badges change at once rather than at the next poll. */
export interface InboxContext {
  markedRead(customerId: string): void;
  /** A take-over or hand-back in the open conversation, shown in its list entry at once rather than at the next poll. */
  controlChanged(change: ConversationControl): void;
}

const SEARCH_DEBOUNCE_MS = 300;

export function InboxPage() {
  const { businessId = '', customerId } = useParams();
  const [search, setSearch] = useState('');
  const [query, setQuery] = useState({ search: '', tests: false });
  const [conversations, setConversations] = useState<ConversationSummary[]>();
  const [next, setNext] = useState<string | null>(null);
  const [problem, setProblem] = useState('');
  const [loadingMore, setLoadingMore] = useState(false);
  // Answers for an earlier search or business are dropped when they come late.
  const generation = useRef(0);
  // Once older pages are shown, a poll of the first page must not move where "Show older" continues from.
  const pagedBeyondFirst = useRef(false);

  const pagePath = useCallback(
    (before?: string) => {
      const params = new URLSearchParams();
      if (query.search.trim()) params.set('search', query.search.trim());
      if (query.tests) params.set('tests', 'include');
      if (before) params.set('before', before);
      const text = params.toString();
      return `/businesses/${businessId}/conversations${text ? `?${text}` : ''}`;
    },
    [businessId, query],
  );

  useEffect(() => {
    const mine = ++generation.current;
    pagedBeyondFirst.current = false;
    setConversations(undefined);
    setProblem('');
    api.get<InboxPage>(pagePath()).then(
      (page) => {
        if (mine !== generation.current) return;
        setConversations(page.conversations);
        setNext(page.next);
      },
      (err) => mine === generation.current && setProblem(errorMessage(err)),
    );
  }, [pagePath]);

  useEffect(() => {
    const timer = window.setTimeout(() => setQuery((q) => (q.search === search ? q : { ...q, search })), SEARCH_DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [search]);

  // The first page again: new conversations and changed ones come to the top; older pages already shown stay below.
  usePoll(async () => {
    const mine = generation.current;
    try {
      const page = await api.get<InboxPage>(pagePath());
      if (mine !== generation.current) return;
      setProblem('');
      // Any shown conversation missing from the fresh first page is older than all of it, so it stays below in its order.
      const fresh = new Set(page.conversations.map((c) => c.customerId));
      setConversations((shown) =>
        pagedBeyondFirst.current ? [...page.conversations, ...(shown ?? []).filter((c) => !fresh.has(c.customerId))] : page.conversations,
      );
      if (!pagedBeyondFirst.current) setNext(page.next);
    } catch (err) {
      if (mine === generation.current) setProblem(errorMessage(err));
    }
  }, LIST_POLL_MS);

  async function loadMore() {
    if (!next) return;
    const mine = generation.current;
    setLoadingMore(true);
    try {
      const page = await api.get<InboxPage>(pagePath(next));
      if (mine !== generation.current) return;
      pagedBeyondFirst.current = true;
      setConversations((shown) => {
        const known = new Set((shown ?? []).map((c) => c.customerId));
        return [...(shown ?? []), ...page.conversations.filter((c) => !known.has(c.customerId))];
      });
      setNext(page.next);
    } catch (err) {
      setProblem(errorMessage(err));
    } finally {
      setLoadingMore(false);
    }
  }

  // Stable across polls, so the open conversation does not mark itself read again at every one.
  const context = useMemo<InboxContext>(
    () => ({
      markedRead: (id) => setConversations((shown) => shown?.map((c) => (c.customerId === id ? { ...c, unread: 0 } : c))),
      controlChanged: ({ customerId, control, needsPerson }) =>
        setConversations((shown) => shown?.map((c) => (c.customerId === customerId ? { ...c, control, needsPerson } : c))),
    }),
    [],
  );

  function searchNow(event: FormEvent) {
    event.preventDefault();
    setQuery((q) => ({ ...q, search }));
  }

  return (
    <section className={customerId ? 'inbox inbox-open' : 'inbox'}>
      <h1>Conversations</h1>
      <div className="inbox-panes">
        <div className="inbox-list">
          <form role="search" className="inbox-search" onSubmit={searchNow}>
            <TextField
              label="Search conversations"
              type="search"
              value={search}
              onChange={(event) => setSearch(event.target.value)}
              hint="A name, a phone number or words from a message."
            />
            <label className="inline-check">
              <input type="checkbox" checked={query.tests} onChange={(event) => setQuery((q) => ({ ...q, tests: event.target.checked }))} />
              Show test chats from “Try it”
            </label>
          </form>
          <Notice kind="error">{problem}</Notice>
          <ConversationList conversations={conversations} searching={query.search.trim() !== ''} />
          {next && conversations && (
            <button type="button" className="secondary" onClick={loadMore} disabled={loadingMore}>
              {loadingMore ? 'Loading…' : 'Show older conversations'}
            </button>
          )}
        </div>
        <div className="inbox-conversation">
          {customerId ? (
            <Outlet context={context} />
          ) : (
            <p className="muted inbox-placeholder">Choose a conversation to read it, take it over from the assistant and reply.</p>
          )}
        </div>
      </div>
    </section>
  );
}

function ConversationList({ conversations, searching }: { conversations?: ConversationSummary[]; searching: boolean }) {
  if (!conversations)
    return (
      <p className="loading" role="status">
        Loading…
      </p>
    );
  if (conversations.length === 0) return <p className="muted">{searching ? 'No conversation matches this search.' : 'No customer has written yet.'}</p>;
  return (
    <ul className="conversation-list" aria-label="Conversations">
      {conversations.map((c) => (
        <li key={c.customerId}>
          <ConversationItem conversation={c} />
        </li>
      ))}
    </ul>
  );
}

function ConversationItem({ conversation: c }: { conversation: ConversationSummary }) {
  const { title, detail } = customerLabel(c);
  return (
    <NavLink to={c.customerId} className={c.unread > 0 ? 'conversation-item unread' : 'conversation-item'}>
      <span className="conversation-item-top">
        <strong className="break">{title}</strong>
        <time dateTime={c.lastMessage.at} title={formatDateTime(c.lastMessage.at)}>
          {formatAgo(c.lastMessage.at)}
        </time>
      </span>
      {detail !== title && <span className="muted break">{detail}</span>}
      <span className="conversation-preview">
        {c.lastMessage.direction === 'outbound' && <span className="muted">Reply: </span>}
        {c.lastMessage.text || `(${c.lastMessage.type})`}
      </span>
      {(c.unread > 0 || c.needsPerson || c.control.by === 'person' || c.isTest) && (
        <span className="badges">
          {c.unread > 0 && <span className="badge badge-unread">{c.unread} unread</span>}
          {c.needsPerson && <span className="badge badge-warn">Needs a person</span>}
          {c.control.by === 'person' && <span className="badge badge-ok">With {c.control.name}</span>}
          {c.isTest && <span className="badge badge-off">Test chat</span>}
        </span>
      )}
      {c.needsPerson && <span className="needs-reason">{c.needsPerson.reason}</span>}
    </NavLink>
  );
}

/** How a customer is named: their WhatsApp name, else their number, else that they shared no number. */
export function customerLabel(c: InboxCustomer): { title: string; detail: string } {
  const number = c.waId ? `+${c.waId}` : `No number shared (user ID ${c.bsuid ?? 'unknown'})`;
  return { title: c.name || (c.waId ? number : 'A customer without a number'), detail: number };
}
