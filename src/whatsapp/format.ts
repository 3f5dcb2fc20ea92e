// Converts the GitHub-flavoured Markdown chat models write into WhatsApp formatting
// (*bold*, _italic_, ~strike~, ```mono```, `code`, "- " lists, "> " quotes). Pure and
// import-free, so it can also run inside Temporal workflow code. Whatever must come out
// verbatim (code, URLs, emails, escapes) is first swapped for placeholders, so emphasis
// rules never touch https://x.com/a_b_c; then blocks are converted line by line.

type Protect = (verbatim: string) => string;

// Private-use characters: never in chat text, and dropped from the input to be sure.
const PLACEHOLDER = /\uE000(\d+)\uE001/g;

export function markdownToWhatsApp(markdown: string): string {
  const slots: string[] = [];
  const protect: Protect = (verbatim) => `\uE000${slots.push(verbatim) - 1}\uE001`;
  let text = markdown.replace(/\r\n?/g, '\n').replace(/[\uE000\uE001]/g, '');
  text = protectInline(protectFences(text, protect), protect);
  text = renderBlocks(text.split('\n')).join('\n');
  // Collapsing and trimming before restoring leaves blank lines inside code blocks alone.
  text = text.replace(/\n{3,}/g, '\n\n').trim();
  const restore = (s: string): string => s.replace(PLACEHOLDER, (_, i: string) => restore(slots[Number(i)] ?? ''));
  return restore(text);
}

// A backtick fence cannot have backticks in its info string: "```x```" is inline code.
const FENCE_OPEN = /^([ \t]*)(`{3,}(?=[^`]*$)|~{3,})/;

/** Fenced code blocks become one placeholder each: contents verbatim, language tag dropped. */
function protectFences(text: string, protect: Protect): string {
  const lines = text.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const open = FENCE_OPEN.exec(line);
    if (!open) out.push(line);
    else {
      let end = i + 1; // An unclosed fence runs to the end of the message, as in CommonMark.
      while (end < lines.length && !isFenceClose(lines[end] ?? '', open[2] ?? '')) end++;
      out.push((open[1] ?? '') + protect(['```', ...lines.slice(i + 1, end), '```'].join('\n')));
      i = end;
    }
  }
  return out.join('\n');
}

function isFenceClose(line: string, fence: string): boolean {
  const t = line.trim();
  return t.length >= fence.length && t === fence.charAt(0).repeat(t.length);
}

const CODE_SPAN = /(?<![\\`])(`+)(?!`)(.+?)(?<!`)\1(?!`)/g;
const ESCAPE = /\\([!-/:-@[-`{-~])/g;
const AUTOLINK = /<([a-zA-Z][a-zA-Z\d+.-]{1,31}:[^\s<>]*|[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+)>/g;
// One level of balanced parentheses in URLs, as in https://en.wikipedia.org/wiki/X_(y).
const LINK = /!?\[([^\]\n]*)\]\(\s*<?((?:[^\s()<>]|\([^\s()<>]*\))+)>?(?:\s+(?:"[^"\n]*"|'[^'\n]*'))?\s*\)/g;
// Trailing punctuation (and a closing parenthesis that is not the URL's) ends a bare URL.
const BARE_URL = /\b(?:https?:\/\/|www\.)(?:[^\s<>()]|\([^\s<>()]*\))*(?:[^\s<>().,;:!?'"*_~]|\([^\s<>()]*\))/g;
const EMAIL = /[\p{L}\p{N}][\p{L}\p{N}._%+-]*@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu;
const HTML_EMPHASIS: Record<string, string> = { b: '**', strong: '**', i: '_', em: '_', s: '~~', del: '~~', strike: '~~' };
const HTML_EMPHASIS_TAG = /<\/?(b|strong|i|em|s|del|strike)(?:\s[^<>]*)?>/gi;
// Only known tags are stripped: "Reply with <your name>" must survive.
const HTML_TAG = /<\/?(?:a|abbr|big|center|cite|code|details|div|font|h[1-6]|img|ins|kbd|li|mark|ol|p|pre|small|span|sub|summary|sup|u|ul)\b[^<>]*>/gi;
const BR = /[ \t]*<br\s*\/?>[ \t]*/gi;

/** Code, escapes and links go behind placeholders; HTML tags become Markdown or nothing. */
function protectInline(text: string, protect: Protect): string {
  return text
    .replace(CODE_SPAN, (span, ticks: string, code: string) => protect(codeSpan(span, ticks, code)))
    .replace(ESCAPE, (_, char: string) => protect(char))
    .replace(AUTOLINK, (_, target: string) => protect(withoutMailto(target)))
    .replace(LINK, (_, label: string, url: string) => link(label.trim(), url, protect))
    .replace(BARE_URL, (url) => protect(url))
    .replace(EMAIL, (email) => protect(email))
    .replace(HTML_EMPHASIS_TAG, (_, tag: string) => HTML_EMPHASIS[tag.toLowerCase()] ?? '')
    .replace(HTML_TAG, '');
}

/** WhatsApp knows `code` and ```mono```; other backtick runs become whichever fits. */
function codeSpan(span: string, ticks: string, code: string): string {
  if (ticks.length === 1 || ticks.length === 3) return span;
  const inner = code.replace(/^ (.*) $/, '$1');
  return inner.includes('`') ? '```' + inner + '```' : '`' + inner + '`';
}

/** `text (url)`, or the bare URL when the text only repeats it. Images read the same: `alt (url)`. */
function link(label: string, url: string, protect: Protect): string {
  const plain = (s: string) =>
    s
      .replace(/^[a-z][a-z\d+.-]*:(?:\/\/)?/i, '')
      .replace(/^www\./i, '')
      .replace(/\/$/, '')
      .toLowerCase();
  const target = protect(withoutMailto(url));
  return !label || plain(label) === plain(url) ? target : `${label} (${target})`;
}
// WhatsApp links a bare email address by itself: "mailto:" would only be noise.
const withoutMailto = (url: string): string => url.replace(/^mailto:/i, '');

const HR = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const HEADING = /^ {0,3}#{1,6}(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const LIST_ITEM = /^([ \t]*)([-*+]|\d{1,9}[.)])[ \t]+(.*)$/;
const QUOTE = /^ {0,3}> ?/;
const TABLE_SEPARATOR = /^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$/;

function renderBlocks(lines: string[]): string[] {
  const out: string[] = [];
  const listIndents: number[] = []; // Indent widths of the open list levels, outermost first.
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const table = tableAt(lines, i);
    if (table) {
      out.push(...table.rows);
      i = table.end - 1;
    } else if (QUOTE.test(line)) {
      let end = i;
      while (QUOTE.test(lines[end] ?? '')) end++;
      out.push(...renderBlocks(lines.slice(i, end).map((l) => l.replace(QUOTE, ''))).map(quoteLine));
      i = end - 1;
    } else out.push(renderLine(line, listIndents));
  }
  return out;
}

// WhatsApp has one quote level, so nested quotes are flattened. A blank line inside
// a quote stays blank: a lone ">" would show literally.
function quoteLine(line: string): string {
  return (
    line &&
    line
      .split('\n')
      .map((l) => (l.startsWith('> ') ? l : `> ${l}`))
      .join('\n')
  );
}

function renderLine(line: string, listIndents: number[]): string {
  if (HR.test(line)) return '';
  const heading = HEADING.exec(line);
  if (heading) return bold((heading[1] ?? '').replace(BR, ' '));
  const item = LIST_ITEM.exec(line);
  if (item) return listItem(item[1] ?? '', item[2] ?? '', item[3] ?? '', listIndents);
  if (/^\S/.test(line)) listIndents.length = 0; // A paragraph at the margin ends any list.
  return inline(line).replace(BR, '\n').trimEnd();
}

/** Any bullet becomes "- ", nesting becomes two spaces per level whatever the input used. */
function listItem(indent: string, marker: string, text: string, listIndents: number[]): string {
  const width = indent.replace(/\t/g, '    ').length;
  while ((listIndents.at(-1) ?? -1) > width) listIndents.pop();
  if ((listIndents.at(-1) ?? -1) < width) listIndents.push(width);
  const bullet = /\d/.test(marker) ? marker.replace(')', '.') : '-';
  const content = text.replace(/^\[([ xX])\](?:[ \t]+|$)/, (_, mark: string) => (mark === ' ' ? '☐ ' : '☑ '));
  return `${'  '.repeat(listIndents.length - 1)}${bullet} ${inline(content).replace(BR, '\n')}`.trimEnd();
}

/** A GFM pipe table starting at line `start`: one line per row, header row in bold. */
function tableAt(lines: string[], start: number): { rows: string[]; end: number } | undefined {
  const [header = '', separator = ''] = lines.slice(start, start + 2);
  if (!header.includes('|') || !separator.includes('|') || !TABLE_SEPARATOR.test(separator)) return undefined;
  let end = start + 2;
  while ((lines[end] ?? '').includes('|')) end++;
  const body = lines.slice(start + 2, end).map((row) =>
    cells(row)
      .map((cell) => inline(cell))
      .join(' – '),
  );
  return { rows: [bold(cells(header).join(' – ')), ...body], end };
}

function cells(row: string): string[] {
  const raw = row.trim().replace(/^\|/, '').replace(/\|$/, '').split('|');
  // A row is one line, so a <br> in a cell is a space; empty cells would leave "a –  – c".
  return raw.map((cell) => cell.replace(BR, ' ').trim()).filter(Boolean);
}

const WHATSAPP_BOLD = /(?<![\p{L}\p{N}*])\*(?=\S)([^*]+?)(?<=\S)\*(?![\p{L}\p{N}*])/gu;

/** Bold a whole heading or header row; bold spans already inside would nest and break the markers. */
function bold(text: string): string {
  const inner = inline(text).trim().replace(WHATSAPP_BOLD, '$1');
  return inner ? `*${inner}*` : '';
}

// Markdown delimiter → WhatsApp markers, outermost first. A single-asterisk span stays
// `*x*` (WhatsApp bold), although Markdown reads it as italic: the system prompt asks the
// model for WhatsApp marks (*bold*, _italic_), so that is what `*x*` means in its replies.
const EMPHASIS_MARKS: Array<[string, string[]]> = [
  ['***', ['*', '_']],
  ['___', ['*', '_']],
  ['**', ['*']],
  ['__', ['*']], // Longest first: `***x***` is not `*` around `**x**`.
  ['*', ['*']],
  ['_', ['_']],
  ['~~', ['~']],
  ['~', ['~']],
];

// Delimiters must sit at word edges (not after or before a letter or digit): that keeps
// snake_case_words and 2*3*4 intact, and WhatsApp cannot render intraword markers anyway.
// "2 * 3 * 4" is safe too: an opener must be followed, and a closer preceded, by non-space.
function spanPattern(delimiter: string): string {
  const c = delimiter.charAt(0) === '*' ? '\\*' : delimiter.charAt(0);
  const d = c.repeat(delimiter.length);
  return `(?<![\\p{L}\\p{N}${c}])${d}(?![\\s${c}])(.+?)(?<![\\s${c}])${d}(?![\\p{L}\\p{N}${c}])`;
}
const EMPHASIS = new RegExp(EMPHASIS_MARKS.map(([delimiter]) => spanPattern(delimiter)).join('|'), 'gu');

/**
 * Converts emphasis in one line; inner spans are converted recursively, so nesting works.
 * Inside bold, a single-asterisk span can only be Markdown italic (`**a *b* c**`).
 */
function inline(text: string, insideBold = false): string {
  return text.replace(EMPHASIS, (...args: unknown[]) => {
    const groups = args.slice(1, EMPHASIS_MARKS.length + 1);
    const index = groups.findIndex((group) => typeof group === 'string');
    const [delimiter, marks = []] = EMPHASIS_MARKS[index] ?? [];
    const applied = insideBold && delimiter === '*' ? ['_'] : marks;
    return applied.reduceRight((inner, mark) => wrap(mark, inner), inline(String(groups[index]), insideBold || applied.includes('*')));
  });
}

/** Wrap in a marker unless the text is already exactly one such span (`*_x_*` must not become `__x__`). */
function wrap(mark: string, text: string): string {
  const wrapped = text.length > 2 && text.startsWith(mark) && text.endsWith(mark) && !text.slice(1, -1).includes(mark);
  return wrapped ? text : mark + text + mark;
}
