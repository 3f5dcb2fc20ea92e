// The WhatsApp messages one reply becomes: the model's Markdown converted to
// WhatsApp marks and split at the length limit, the last part carrying the
// offered choices as buttons or a list when there are any. Pure.
import { markdownToWhatsApp } from './format';
import { planReply, type ChoiceOption, type InteractivePayload } from './interactive';
import { splitMessage } from './split-message';

export type OutgoingPart =
  | { kind: 'text'; text: string }
  /** `text` is what the conversation ledger keeps: the body and the choices, so later turns know what was offered. */
  | { kind: 'interactive'; text: string; interactive: InteractivePayload };

export function replyParts(markdown: string, options: ChoiceOption[] = []): OutgoingPart[] {
  const chunks = splitMessage(markdownToWhatsApp(markdown));
  if (options.length === 0) return chunks.map((text) => ({ kind: 'text', text }));
  const last = chunks.pop() ?? '';
  const plan = planReply(last, options);
  const before = chunks.map((text): OutgoingPart => ({ kind: 'text', text }));
  if (plan.kind === 'text') return [...before, ...splitMessage(plan.text).map((text): OutgoingPart => ({ kind: 'text', text }))];
  const offered = options.map((o) => `"${o.title}" (id ${o.id})`).join(', ');
  return [...before, { kind: 'interactive', text: `${last}\n[Options offered: ${offered}]`, interactive: plan.interactive }];
}
