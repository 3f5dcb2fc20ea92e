// WhatsApp rejects text bodies over 4096 characters. Long replies are split at
// the best boundary before the limit (paragraph, line, sentence, word), and never
// inside a grapheme: an emoji, a flag or a surrogate pair stays whole.
export const WHATSAPP_TEXT_LIMIT = 4096;

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

export function splitMessage(text: string, limit = WHATSAPP_TEXT_LIMIT): string[] {
  const chunks: string[] = [];
  let rest = text.trim();
  while (rest.length > limit) {
    const cut = bestCut(rest, limit);
    chunks.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest) chunks.push(rest);
  return chunks;
}

function bestCut(text: string, limit: number): number {
  // The last grapheme boundary that fits in `limit` UTF-16 code units.
  let hardCut = 0;
  for (const { index } of segmenter.segment(text)) {
    if (index > limit) break;
    hardCut = index;
  }
  if (hardCut === 0) hardCut = limit; // a single grapheme longer than the limit: nothing better exists
  const window = text.slice(0, hardCut);
  const minimum = Math.floor(hardCut / 2); // do not accept tiny chunks just to end on a nice boundary
  for (const separator of ['\n\n', '\n', '. ', ' ']) {
    const at = window.lastIndexOf(separator);
    if (at >= minimum) return at + separator.length;
  }
  return hardCut;
}
