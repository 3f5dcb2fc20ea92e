// One conversation as it happened: the customer's messages on one side, the
// assistant's and the team's replies on the other with their delivery status in
// words, and after each turn what the assistant did (collapsed): the tools it
// called, what they changed, and the turn's workflow in the Temporal Web UI.
import { useLayoutEffect, useRef } from 'react';
import { formatDateTime } from '../format';
import type { TimelineItem, TimelineMessage, TimelineTurn } from '../types';
import { deliveryInWords, describeEffect, outcomeInWords, toolInWords } from './ConversationDescribe';

export function ConversationTimeline({ items, customerName }: { items: TimelineItem[]; customerName: string }) {
  const box = useRef<HTMLOListElement>(null);
  const nearBottom = useRef(true);
  const newest = items[items.length - 1];

  // The newest message stays in view as messages arrive, unless the reader has scrolled up to older ones.
  useLayoutEffect(() => {
    const element = box.current;
    if (element && nearBottom.current) element.scrollTop = element.scrollHeight;
  }, [newest?.id, newest?.kind]);

  if (items.length === 0) return <p className="muted">No messages yet.</p>;
  return (
    <ol
      className="timeline"
      ref={box}
      aria-label="Messages"
      tabIndex={0}
      onScroll={(event) => {
        const element = event.currentTarget;
        nearBottom.current = element.scrollHeight - element.scrollTop - element.clientHeight < 80;
      }}
    >
      {items.map((item) =>
        item.kind === 'message' ? (
          <MessageBubble key={`m-${item.id}`} message={item} customerName={customerName} />
        ) : (
          <TurnDetails key={`t-${item.id}`} turn={item} />
        ),
      )}
    </ol>
  );
}

function MessageBubble({ message, customerName }: { message: TimelineMessage; customerName: string }) {
  const who = message.from === 'customer' ? customerName : message.from === 'bot' ? 'Assistant' : `${message.sentBy ?? 'Someone'} (team)`;
  const status = deliveryInWords(message);
  return (
    <li className={`bubble bubble-${message.direction} bubble-from-${message.from}${message.status === 'failed' ? ' bubble-failed' : ''}`}>
      <p className="bubble-who">{who}</p>
      {!['text', 'interactive'].includes(message.type) && <p className="bubble-type">{message.type}</p>}
      <p className="bubble-text">{message.text}</p>
      <p className="bubble-meta">
        <time dateTime={message.at}>{formatDateTime(message.at)}</time>
        {status && <span className={message.status === 'failed' ? 'bubble-status failed' : 'bubble-status'}> · {status}</span>}
      </p>
    </li>
  );
}

function TurnDetails({ turn }: { turn: TimelineTurn }) {
  const outcome = outcomeInWords(turn.outcome);
  return (
    <li className="turn">
      <details>
        <summary>
          What the assistant did <span className="muted">({outcome})</span>
        </summary>
        <div className="turn-body">
          {turn.effects.length > 0 && (
            <ul className="turn-effects" aria-label="What changed">
              {turn.effects.map((effect, i) => (
                <li key={i}>{describeEffect(effect)}</li>
              ))}
            </ul>
          )}
          {turn.toolCalls.length > 0 ? (
            <ol className="turn-tools" aria-label="Tools called">
              {turn.toolCalls.map((call, i) => (
                <li key={i}>
                  {toolInWords(call.name)} <code className="break">{call.arguments}</code>
                </li>
              ))}
            </ol>
          ) : (
            <p className="muted">No tools called.</p>
          )}
          {turn.error && <p className="field-error">{turn.error}</p>}
          <p className="muted">
            {turn.modelCalls} model {turn.modelCalls === 1 ? 'call' : 'calls'} ·{' '}
            <a href={turn.temporalUrl} target="_blank" rel="noreferrer">
              Open in Temporal
            </a>
          </p>
        </div>
      </details>
    </li>
  );
}
