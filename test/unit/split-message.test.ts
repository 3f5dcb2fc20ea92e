import { splitMessage, WHATSAPP_TEXT_LIMIT } from '../../src/whatsapp/split-message';

const graphemes = (s: string): string[] => Array.from(new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(s), (g) => g.segment);
const words = (s: string): string[] => s.split(/\s+/).filter(Boolean);
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Deterministic pseudo-random prose: words of 1..maxWord letters, sentences, lines and paragraphs. */
function prose(seed: number, wordCount: number, maxWord = 12): string {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
  let out = '';
  for (let i = 0; i < wordCount; i++) {
    const length = 1 + Math.floor(next() * maxWord);
    let word = '';
    for (let j = 0; j < length; j++) word += String.fromCharCode(97 + Math.floor(next() * 26));
    out += word;
    const r = next();
    out += r < 0.05 ? '.\n\n' : r < 0.1 ? '\n' : r < 0.2 ? '. ' : ' ';
  }
  return out;
}

describe('WHATSAPP_TEXT_LIMIT', () => {
  test('is WhatsApp’s 4096-character limit and the default', () => {
    expect(WHATSAPP_TEXT_LIMIT).toBe(4096);
    const text = 'x '.repeat(3000);
    expect(splitMessage(text)).toEqual(splitMessage(text, 4096));
    expect(splitMessage(text).length).toBeGreaterThan(1);
  });
});

describe('short or empty text', () => {
  test.each<[string, string, number, string[]]>([
    ['a short message', 'Hello!', 4096, ['Hello!']],
    ['exactly the limit', 'a'.repeat(20), 20, ['a'.repeat(20)]],
    ['exactly the default limit', 'b'.repeat(4096), 4096, ['b'.repeat(4096)]],
    ['surrounding whitespace is trimmed', '  \n Hello there \n\n ', 4096, ['Hello there']],
    ['fits after trimming', '   ' + 'c'.repeat(20) + '   ', 20, ['c'.repeat(20)]],
    ['inner newlines are kept', 'Line one\n\nLine two', 4096, ['Line one\n\nLine two']],
    ['an emoji message', '👩‍👩‍👧‍👦🇪🇸😀', 4096, ['👩‍👩‍👧‍👦🇪🇸😀']],
    ['empty', '', 4096, []],
    ['spaces only', '     ', 4096, []],
    ['mixed whitespace only', ' \n\t\r\n  \n\n', 20, []],
  ])('%s', (_label, text, limit, expected) => {
    expect(splitMessage(text, limit)).toEqual(expected);
  });
});

describe('invariants over generated prose', () => {
  const cases: Array<[number, number, number]> = [];
  for (const limit of [20, 37, 80, 200, 4096]) for (const seed of [1, 2, 3]) cases.push([limit, seed, limit === 4096 ? 3000 : 300]);

  // A word is only guaranteed to stay whole when it is shorter than half the
  // limit (see the "half the window" tests below), so words here are at most
  // limit/2 - 2 letters (plus a possible full stop).
  test.each(cases)('limit %d, seed %d, %d words', (limit, seed, count) => {
    const text = prose(seed, count, Math.min(12, Math.floor(limit / 2) - 2));
    const chunks = splitMessage(text, limit);
    expect(text.length).toBeGreaterThan(limit);
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(limit);
      expect(chunk.length).toBeGreaterThan(0);
      expect(chunk).toBe(chunk.trim());
    }
    // Every word appears once, in order: nothing lost, duplicated or reordered.
    expect(words(chunks.join(' '))).toEqual(words(text));
    // No word (all words here are shorter than every limit) is cut in two.
    const allWords = new Set(words(text));
    for (const chunk of chunks) for (const w of words(chunk)) expect(allWords.has(w)).toBe(true);
  });

  test('chunks are not needlessly small: each chunk but the last fills at least half the limit', () => {
    const limit = 80;
    const chunks = splitMessage(prose(7, 500), limit);
    for (const chunk of chunks.slice(0, -1)) expect(chunk.length).toBeGreaterThanOrEqual(limit / 2 - 2);
  });
});

describe('boundary preference', () => {
  test.each<[string, string, number, string[]]>([
    // Limit 30: the window's second half starts at 15; every case has boundaries of
    // all the weaker kinds after the preferred one, so only the preference decides.
    [
      'a paragraph break is preferred over later line, sentence and word boundaries',
      'aaaaaaaaaaaaaaaa\n\nbb\ncc. dd ee ff',
      30,
      ['aaaaaaaaaaaaaaaa', 'bb\ncc. dd ee ff'],
    ],
    ['a line break is preferred over later sentence and word boundaries', 'aaaaaaaaaaaaaaaa\nbb. cc dd ee ff', 30, ['aaaaaaaaaaaaaaaa', 'bb. cc dd ee ff']],
    ['a sentence end is preferred over later word boundaries', 'Aaaaaaaaaaaaaaaa. bb cc dd ee ff', 30, ['Aaaaaaaaaaaaaaaa.', 'bb cc dd ee ff']],
    ['a line break is preferred over a word boundary', 'aaaa bbbb cccc\ndddd eeee ffff', 20, ['aaaa bbbb cccc', 'dddd eeee ffff']],
    ['a sentence end is preferred over a word boundary', 'Aaaa bbbb cccc. Dddd eeee ffff gggg', 24, ['Aaaa bbbb cccc.', 'Dddd eeee ffff gggg']],
    ['the last word boundary when there is nothing better', 'aaaa bbbb cccc dddd eeee ffff', 20, ['aaaa bbbb cccc dddd', 'eeee ffff']],
    ['the last of several paragraph breaks that fit', 'aaaa\n\nbbbbbb\n\ncccc dddd eeee', 16, ['aaaa\n\nbbbbbb', 'cccc dddd eeee']],
    ['the last of several line breaks that fit', 'aaaaaaaa\nbbbb\ncccc\ndddd eeee', 20, ['aaaaaaaa\nbbbb\ncccc', 'dddd eeee']],
    ['a CRLF line break', 'aaaaaaaaaaaa\r\nbbbb cccc dddd', 20, ['aaaaaaaaaaaa', 'bbbb cccc dddd']],
    // Only ". " ends a sentence here: "? " and "! " count as plain word boundaries.
    ['a question mark is not preferred over a later word boundary', 'Aaaa bbbb cccc? Dddd eeee ffff', 24, ['Aaaa bbbb cccc? Dddd', 'eeee ffff']],
    ['an exclamation mark is not preferred over a later word boundary', 'Aaaa bbbb cccc! Dddd eeee ffff', 24, ['Aaaa bbbb cccc! Dddd', 'eeee ffff']],
    ['a full stop without a following space is not a sentence end', 'Aaaa bbbb v1.2.3.4 cccc dddd', 22, ['Aaaa bbbb v1.2.3.4', 'cccc dddd']],
  ])('%s', (_label, text, limit, expected) => {
    const chunks = splitMessage(text, limit);
    expect(chunks).toEqual(expected);
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(limit);
  });

  test.each<[string, string, number, string[]]>([
    // A boundary in the first half of the window is refused: it would leave a tiny chunk.
    ['an early paragraph break loses to a later word boundary', 'aa\n\nbbbbbbbbbbbb cccccc dddd', 20, ['aa\n\nbbbbbbbbbbbb', 'cccccc dddd']],
    ['an early line break loses to a later sentence end', 'aa\nbbbbbbbbbb cc. dddddd eeee', 20, ['aa\nbbbbbbbbbb cc.', 'dddddd eeee']],
    ['an early boundary with nothing later gives a hard cut', 'aa ' + 'b'.repeat(30), 20, ['aa ' + 'b'.repeat(17), 'b'.repeat(13)]],
  ])('%s', (_label, text, limit, expected) => {
    expect(splitMessage(text, limit)).toEqual(expected);
  });

  test('paragraphs stay whole when each fits, at the default limit', () => {
    const paragraphs = Array.from({ length: 6 }, (_, i) => `Paragraph ${i}: ${'lorem ipsum '.repeat(100).trim()}.`);
    const chunks = splitMessage(paragraphs.join('\n\n'));
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(4096);
    // Every cut falls at a paragraph break: each chunk is a run of whole paragraphs.
    for (const c of chunks) for (const p of c.split('\n\n')) expect(paragraphs).toContain(p);
    expect(chunks.join('\n\n')).toBe(paragraphs.join('\n\n'));
  });
});

describe('half the window', () => {
  // A boundary in the first half of the window is refused (no tiny chunks);
  // with nothing in the second half the cut is hard, at the limit.
  test.each<[string, string, number, string[]]>([
    ['a space at 9 of 20 is refused when the next word would be cut anyway', 'aaaaaaaaa ' + 'b'.repeat(24), 20, ['aaaaaaaaa bbbbbbbbbb', 'b'.repeat(14)]],
    ['a space at 9 of 20 is accepted when the next word then fits whole', 'aaaaaaaaa bbbbbbbbbbbbbb', 20, ['aaaaaaaaa', 'bbbbbbbbbbbbbb']],
    ['a space at 10 of 20 is accepted', 'aaaaaaaaaa bbbbbbbbbbbbbb', 20, ['aaaaaaaaaa', 'bbbbbbbbbbbbbb']],
    ['a line break at 10 of 20 is accepted', 'aaaaaaaaaa\nbbbbbbbbbbbbbb', 20, ['aaaaaaaaaa', 'bbbbbbbbbbbbbb']],
  ])('%s', (_label, text, limit, expected) => {
    expect(splitMessage(text, limit)).toEqual(expected);
  });

  // The word break is taken even early in the window when the next word then
  // fits whole: a long URL after a short sentence is not cut through.
  test('a token that fits within the limit is never cut in the middle', () => {
    const intro = 'word '.repeat(340); // 1700 characters: the space before the URL is at 1699 < 4096 / 2
    const url = 'https://example.com/download?token=' + 'A'.repeat(2465);
    expect(url.length).toBe(2500); // fits in one message on its own
    const text = `${intro}${url} Thanks!`;
    expect(text.length).toBeGreaterThan(4096);
    expect(splitMessage(text)).toEqual([intro.trim(), `${url} Thanks!`]);
  });

  // A separator that starts exactly at the limit still ends the chunk.
  test('a paragraph break right at the limit keeps the paragraph whole', () => {
    expect(splitMessage('aaaa bbbb cccc dddd\n\neeee', 19)).toEqual(['aaaa bbbb cccc dddd', 'eeee']);
  });
});

describe('unbreakable words', () => {
  test.each<[string, number, string[]]>([
    ['a'.repeat(50), 20, ['a'.repeat(20), 'a'.repeat(20), 'a'.repeat(10)]],
    ['x '.concat('y'.repeat(45)), 20, ['x yyyyyyyyyyyyyyyyyy', 'y'.repeat(20), 'y'.repeat(7)]],
    ['https://example.com/' + 'p'.repeat(30) + ' ok', 25, ['https://example.com/ppppp', 'p'.repeat(25), 'ok']],
  ])('%j at limit %d is cut hard at the limit', (text, limit, expected) => {
    const chunks = splitMessage(text, limit);
    expect(chunks).toEqual(expected);
  });

  test('a word longer than the default limit', () => {
    const text = 'z'.repeat(10_000);
    const chunks = splitMessage(text);
    expect(chunks.map((c) => c.length)).toEqual([4096, 4096, 1808]);
    expect(chunks.join('')).toBe(text);
  });
});

describe('never splits a grapheme', () => {
  const family = '👩‍👩‍👧‍👦'; // 11 UTF-16 code units, one grapheme
  const flag = '🇪🇸'; // two regional indicators, 4 code units
  const smile = '😀'; // one surrogate pair
  const thumbs = '👍🏽'; // emoji + skin-tone modifier, 4 code units
  const accented = 'e\u0301'; // e + combining acute accent

  test('sanity: the test strings are single graphemes of several code units', () => {
    for (const g of [family, flag, smile, thumbs, accented]) {
      expect(graphemes(g)).toHaveLength(1);
      expect(g.length).toBeGreaterThan(1);
    }
    expect(family.length).toBe(11);
  });

  // A naive slice at `limit` would cut through the grapheme in every case.
  test.each<[string, string, number, string[]]>([
    ['a surrogate pair', 'aaaa' + smile + 'bbbb', 5, ['aaaa', smile + 'bbb', 'b']],
    ['a flag', 'aaaaaaa' + flag + 'bbbb', 9, ['aaaaaaa', flag + 'bbbb']],
    ['a flag (cut between the two regional indicators)', 'aaaaaaaaa' + flag + 'b', 11, ['aaaaaaaaa', flag + 'b']],
    ['a ZWJ family', 'aaaaa' + family + 'bbb', 12, ['aaaaa', family + 'b', 'bb']],
    ['a skin-tone emoji', 'aaaaa' + thumbs, 7, ['aaaaa', thumbs]],
    ['a combining accent', 'aaaa' + accented + 'x', 5, ['aaaa', accented + 'x']],
  ])('%s', (_label, text, limit, expected) => {
    const chunks = splitMessage(text, limit);
    expect(chunks).toEqual(expected);
    expect(chunks.join('')).toBe(text);
  });

  test.each<[string, number, string]>([
    ['smileys', 5, smile],
    ['smileys', 7, smile],
    ['flags', 6, flag],
    ['flags', 10, flag],
    ['families', 12, family],
    ['families', 30, family],
    ['skin-tone emoji', 9, thumbs],
    ['mixed emoji', 20, family + flag + smile + thumbs],
  ])('a long run of %s at limit %d stays whole grapheme by grapheme', (_label, limit, unit) => {
    const text = unit.repeat(40);
    const allowed = new Set(graphemes(unit));
    const chunks = splitMessage(text, limit);
    expect(chunks.join('')).toBe(text);
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(limit);
      expect(chunk.length).toBeGreaterThan(0);
      // Each chunk is whole graphemes of the original: no lone surrogates, no half flags or families.
      expect(chunk).not.toMatch(LONE_SURROGATE);
      for (const g of graphemes(chunk)) expect(allowed.has(g)).toBe(true);
    }
    expect(chunks.flatMap(graphemes)).toEqual(graphemes(text));
  });

  test('emoji inside prose at a small limit never end up split', () => {
    const text = `Hola ${family} te esperamos ${flag} el sábado ${smile} a las 10. ¡Gracias ${thumbs}!`.repeat(5);
    for (const limit of [12, 13, 14, 15, 16, 17, 20, 25]) {
      const chunks = splitMessage(text, limit);
      for (const c of chunks) expect(c.length).toBeLessThanOrEqual(limit);
      expect(chunks.flatMap(graphemes).filter((g) => g.trim())).toEqual(graphemes(text).filter((g) => g.trim()));
    }
  });

  test('an emoji straddling the default limit moves to the next chunk', () => {
    const text = 'a'.repeat(4095) + smile + 'tail';
    expect(splitMessage(text)).toEqual(['a'.repeat(4095), smile + 'tail']);
  });
});
