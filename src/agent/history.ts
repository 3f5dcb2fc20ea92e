// What of the stored conversation the model reads on a turn. The database keeps
// every message whole; the model gets the latest ones that fit a token budget,
// each customer message cut to a length, so one long message (or many) cannot
// make every later turn expensive. Pure, no I/O.
import type { ChatMessage } from './types';

export interface HistoryBudget {
  /** Customer messages longer than this many characters are cut, with a note saying how much is missing. */
  maxInboundChars: number;
  /** The estimated tokens of everything the model reads of the history (estimateTokens). */
  maxTokens: number;
}

export const DEFAULT_HISTORY_BUDGET: HistoryBudget = { maxInboundChars: 2_000, maxTokens: 3_000 };

/** What every message costs besides its text: the role and the separators around it in the chat format. */
const MESSAGE_OVERHEAD_TOKENS = 4;
/** Room for the note a cut adds, in UTF-8 bytes ("[message cut: 1234567 more characters]" and a line break). */
const CUT_NOTE_BYTES = 48;

/**
 * An upper estimate of a message's tokens without a tokenizer: a third of its
 * UTF-8 bytes plus a fixed overhead. English runs at about four bytes a token
 * and most other scripts at two to four bytes a token, so this counts high, and
 * a budget in it is kept in real tokens too.
 */
export function estimateTokens(message: ChatMessage): number {
  const text = message.content ?? '';
  const calls = message.role === 'assistant' ? (message.toolCalls ?? []).map((c) => c.name + c.arguments).join('') : '';
  return MESSAGE_OVERHEAD_TOKENS + Math.ceil((utf8Length(text) + utf8Length(calls)) / 3);
}

/** Characters as a reader sees them: a flag, a family emoji or an accented letter written as two code points is one. */
const graphemes = (text: string) => Array.from(new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text), (s) => s.segment);

/**
 * Cuts `text` after at most `maxChars` characters (graphemes, so no emoji, flag
 * or accented letter is split) and at most `maxBytes` UTF-8 bytes, and says in a
 * note how many characters are missing. Text within both limits is returned as it is.
 */
export function cutText(text: string, { maxChars = Infinity, maxBytes = Infinity }: { maxChars?: number; maxBytes?: number }): string {
  const all = graphemes(text);
  let bytes = 0;
  let kept = 0;
  for (const char of all) {
    const size = utf8Length(char);
    if (kept + 1 > maxChars || bytes + size > maxBytes) break;
    kept++;
    bytes += size;
  }
  if (kept === all.length) return text;
  return `${all.slice(0, kept).join('')}\n[message cut: ${all.length - kept} more characters]`;
}

/**
 * The history the model reads: customer messages cut to `maxInboundChars`, then
 * as many of the newest messages as fit `maxTokens`, with nothing missing in
 * between. The latest customer message always stays, cut further if it alone is
 * over the budget; then the replies after it (a reply that went out after it
 * arrived), then the messages before it, newest first. A reply may come first:
 * it is what the next customer message answers ("What's your name?" – "Ana").
 * A tool answer may not, as the OpenAI API refuses one without the call it
 * answers. (The stored history holds text only, as tool calls and their answers
 * live in the turn's workflow; this keeps the rule true for any history.)
 */
export function fitHistory(history: readonly ChatMessage[], budget: HistoryBudget): ChatMessage[] {
  const messages = history.map((m) => (m.role === 'user' ? { ...m, content: cutText(m.content, { maxChars: budget.maxInboundChars }) } : m));
  const latestIndex = messages.findLastIndex((m) => m.role === 'user');
  if (latestIndex < 0) return [];
  const latest = messages[latestIndex] as Extract<ChatMessage, { role: 'user' }>;
  const room = budget.maxTokens - MESSAGE_OVERHEAD_TOKENS;
  const kept: ChatMessage[] = [
    estimateTokens(latest) <= budget.maxTokens ? latest : { ...latest, content: cutText(latest.content, { maxBytes: Math.max(0, room * 3 - CUT_NOTE_BYTES) }) },
  ];
  let used = estimateTokens(kept[0]!);
  const fits = (message: ChatMessage) => used + estimateTokens(message) <= budget.maxTokens;
  for (const reply of messages.slice(latestIndex + 1)) {
    if (!fits(reply)) break;
    used += estimateTokens(reply);
    kept.push(reply);
  }
  for (const earlier of messages.slice(0, latestIndex).reverse()) {
    if (!fits(earlier)) break;
    used += estimateTokens(earlier);
    kept.unshift(earlier);
  }
  while (kept[0]?.role === 'tool') kept.shift();
  return kept;
}

function utf8Length(text: string): number {
  let bytes = 0;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}
