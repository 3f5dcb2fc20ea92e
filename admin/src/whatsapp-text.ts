// WhatsApp's formatting, read the way WhatsApp shows it: *bold*, _italic_,
// ~strike~, `code` and ```monospace```, "- " and "1. " lists, "> " quotes.
// Pure: it gives a tree that the "Try it" chat turns into React elements, so the
// bot's text is never handed to the browser as HTML.

export type Inline = { kind: 'text'; text: string } | { kind: 'bold' | 'italic' | 'strike'; children: Inline[] } | { kind: 'code'; text: string };

export type Block =
  | { kind: 'paragraph'; lines: Inline[][] }
  | { kind: 'bullets'; items: Inline[][] }
  | { kind: 'numbered'; start: number; items: Inline[][] }
  | { kind: 'quote'; lines: Inline[][] }
  | { kind: 'pre'; text: string };

const MARKS = { '*': 'bold', _: 'italic', '~': 'strike' } as const;
type Mark = keyof typeof MARKS;

const BULLET = /^[-*•] +(.*)$/;
const NUMBERED = /^(\d{1,3})[.)] +(.*)$/;
const QUOTE = /^> ?(.*)$/;
const FENCE = '```';

export function parseWhatsApp(text: string): Block[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  const last = () => blocks[blocks.length - 1];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === FENCE) {
      // A block of monospace runs to its closing fence, or to the end when it has none.
      let end = i + 1;
      while (end < lines.length && lines[end]!.trim() !== FENCE) end++;
      blocks.push({ kind: 'pre', text: lines.slice(i + 1, end).join('\n') });
      i = end;
      continue;
    }
    const bullet = BULLET.exec(line);
    const numbered = NUMBERED.exec(line);
    const quote = QUOTE.exec(line);
    const previous = last();
    if (bullet) {
      if (previous?.kind === 'bullets') previous.items.push(parseInline(bullet[1]!));
      else blocks.push({ kind: 'bullets', items: [parseInline(bullet[1]!)] });
    } else if (numbered) {
      if (previous?.kind === 'numbered') previous.items.push(parseInline(numbered[2]!));
      else blocks.push({ kind: 'numbered', start: Number(numbered[1]), items: [parseInline(numbered[2]!)] });
    } else if (quote) {
      if (previous?.kind === 'quote') previous.lines.push(parseInline(quote[1]!));
      else blocks.push({ kind: 'quote', lines: [parseInline(quote[1]!)] });
    } else if (line.trim() === '') {
      // A blank line ends the paragraph; the next line starts a new block.
      blocks.push({ kind: 'paragraph', lines: [] });
    } else if (previous?.kind === 'paragraph') previous.lines.push(parseInline(line));
    else blocks.push({ kind: 'paragraph', lines: [parseInline(line)] });
  }
  return blocks.filter((b) => b.kind !== 'paragraph' || b.lines.length > 0);
}

const isSpace = (c: string | undefined) => c === undefined || /\s/.test(c);
const isBoundary = (c: string | undefined) => c === undefined || /[\s\p{P}\p{S}]/u.test(c);

/** One line's emphasis. A mark opens after a boundary and before a non-space, and closes the other way round, as in WhatsApp. */
export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  let plain = '';
  const flush = () => {
    if (plain) out.push({ kind: 'text', text: plain });
    plain = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '`') {
      const fence = text.startsWith(FENCE, i) ? FENCE : '`';
      const end = text.indexOf(fence, i + fence.length);
      if (end > i + fence.length) {
        flush();
        out.push({ kind: 'code', text: text.slice(i + fence.length, end) });
        i = end + fence.length - 1;
        continue;
      }
    }
    if (c in MARKS && isBoundary(text[i - 1]) && !isSpace(text[i + 1])) {
      const end = closingMark(text, i, c as Mark);
      if (end > 0) {
        flush();
        out.push({ kind: MARKS[c as Mark], children: parseInline(text.slice(i + 1, end)) });
        i = end;
        continue;
      }
    }
    plain += c;
  }
  flush();
  return out;
}

function closingMark(text: string, open: number, mark: Mark): number {
  for (let j = open + 2; j < text.length; j++) {
    if (text[j] === mark && !isSpace(text[j - 1]) && isBoundary(text[j + 1])) return j;
  }
  return -1;
}
