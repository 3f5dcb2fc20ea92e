// WhatsApp rejects text bodies over 4096 characters. Long replies are split at
// the best boundary before the limit (paragraph, line, sentence, word), and never
// inside a grapheme: an emoji, a flag or a surrogate pair stays whole.
export const WHATSAPP_TEXT_LIMIT = 4096;

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

// Preferred boundaries, best first. `keep` is how much of the separator stays
// with the chunk before it. A boundary in the first half of the window would
// leave a tiny chunk and is passed over, except a word break before a word that
// fits whole in the next message: that beats cutting through the word.
const BOUNDARIES = [
  { separator: '\n\n', keep: 0 },
  { separator: '\n', keep: 0 },
  { separator: '. ', keep: 1 },
  { separator: ' ', keep: 0 },
];

export function splitMessage(text: string, limit = WHATSAPP_TEXT_LIMIT): string[] {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
  const chunks: string[] = [];
  let rest = text.trim();
  while (rest.length > limit) {
    const { end, next } = bestCut(rest, limit);
    chunks.push(rest.slice(0, end).trimEnd());
    rest = rest.slice(next).trimStart();
  }
  if (rest) chunks.push(rest);
  return chunks;
}

/** Where the chunk ends (`end`, at most `limit`) and where the rest begins (`next`). */
function bestCut(text: string, limit: number): { end: number; next: number } {
  const hardCut = lastGraphemeBoundary(text, limit);
  const half = Math.floor(hardCut / 2);
  for (const { separator, keep } of BOUNDARIES) {
    // A separator may start right at the limit: the chunk before it still fits.
    const at = text.lastIndexOf(separator, hardCut - keep);
    if (at <= 0) continue;
    const next = at + separator.length;
    if (at >= half || (separator === ' ' && nextWordLength(text, next) <= limit)) return { end: at + keep, next };
  }
  return { end: hardCut, next: hardCut };
}

function nextWordLength(text: string, from: number): number {
  const end = text.slice(from).search(/\s/);
  return end === -1 ? text.length - from : end;
}

/** The last grapheme boundary at or before `limit` UTF-16 code units. */
function lastGraphemeBoundary(text: string, limit: number): number {
  let boundary = 0;
  for (const { index } of segmenter.segment(text)) {
    if (index > limit) break;
    boundary = index;
  }
  // A single grapheme longer than the limit (a pathological ZWJ chain): nothing better exists.
  return boundary > 0 ? boundary : limit;
}
