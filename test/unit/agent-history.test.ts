// What of the stored conversation the model reads: long customer messages cut
// at a character boundary, and the newest messages that fit a token budget.
import { cutText, estimateTokens, fitHistory, type HistoryBudget } from '../../src/agent/history';
import type { ChatMessage } from '../../src/agent/types';

const user = (content: string): ChatMessage => ({ role: 'user', content });
const bot = (content: string): ChatMessage => ({ role: 'assistant', content });
const budget = (maxTokens: number, maxInboundChars = 10_000): HistoryBudget => ({ maxTokens, maxInboundChars });
const total = (messages: ChatMessage[]) => messages.reduce((sum, m) => sum + estimateTokens(m), 0);

describe('cutText', () => {
  test.each([
    ['within the limit', 'hello', { maxChars: 5 }, 'hello'],
    ['ASCII over the limit', 'hello world', { maxChars: 5 }, 'hello\n[message cut: 6 more characters]'],
    ['emoji count as one character each and are never split', '😀😀😀😀', { maxChars: 3 }, '😀😀😀\n[message cut: 1 more characters]'],
    ['accents', 'ééééé', { maxChars: 2 }, 'éé\n[message cut: 3 more characters]'],
    ['a flag is one character', '🇪🇸🇵🇹🇫🇷', { maxChars: 2 }, '🇪🇸🇵🇹\n[message cut: 1 more characters]'],
    ['a family emoji joined by zero-width joiners is one character', 'a👨‍👩‍👧b', { maxChars: 2 }, 'a👨‍👩‍👧\n[message cut: 1 more characters]'],
    ['a letter with a combining accent is one character', 'e\u0301e\u0301e\u0301', { maxChars: 2 }, 'e\u0301e\u0301\n[message cut: 1 more characters]'],
    ['a byte limit stops before a character that would cross it', 'ab😀c', { maxBytes: 5 }, 'ab\n[message cut: 2 more characters]'],
    ['the tighter of both limits wins', 'abcdef', { maxChars: 4, maxBytes: 2 }, 'ab\n[message cut: 4 more characters]'],
    ['empty text', '', { maxChars: 0 }, ''],
  ])('%s', (_label, text, limits, expected) => {
    expect(cutText(text, limits)).toBe(expected);
  });

  test('the cut never leaves half a surrogate pair', () => {
    const cut = cutText('x'.repeat(1999) + '😀'.repeat(10), { maxChars: 2000 });
    expect(cut.startsWith('x'.repeat(1999) + '😀\n')).toBe(true);
    expect(cut.endsWith('[message cut: 9 more characters]')).toBe(true);
    expect(cut).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });
});

describe('estimateTokens', () => {
  test.each([
    ['empty', user(''), 4],
    ['ASCII: a third of its bytes, rounded up', user('abcdefg'), 4 + 3],
    ['CJK: three bytes a character', user('日本語'), 4 + 3],
    ['emoji: four bytes', user('😀😀😀'), 4 + 4],
    [
      'an assistant message asking for tools counts the calls',
      { role: 'assistant', content: null, toolCalls: [{ id: '1', name: 'abc', arguments: '{}' }] },
      4 + 2,
    ],
  ] as Array<[string, ChatMessage, number]>)('%s', (_label, message, expected) => {
    expect(estimateTokens(message)).toBe(expected);
  });

  test('counts more tokens than an English text really has (about four characters a token)', () => {
    const sentence = 'I would like to book a haircut for Tuesday morning, around ten if possible. ';
    expect(estimateTokens(user(sentence.repeat(20)))).toBeGreaterThan((sentence.length * 20) / 4);
  });
});

describe('fitHistory', () => {
  const long = (n: number, c = 'a') => c.repeat(n);

  test.each([
    ['fits whole: unchanged', [user('hi'), bot('hello'), user('book me')], budget(1000), ['user:hi', 'assistant:hello', 'user:book me']],
    ['the oldest messages go first', [user(long(300)), bot(long(300)), user('a'), bot('b'), user('c')], budget(40), ['user:a', 'assistant:b', 'user:c']],
    ['a reply may come first: the next message answers it', [user(long(60)), bot('your name?'), user('Ana')], budget(20), ['assistant:your name?', 'user:Ana']],
    ['no customer message at all: nothing', [bot('hello')], budget(1000), []],
    ['an empty history stays empty', [], budget(1000), []],
  ] as Array<[string, ChatMessage[], HistoryBudget, string[]]>)('%s', (_label, history, limits, expected) => {
    expect(fitHistory(history, limits).map((m) => `${m.role}:${m.content}`)).toEqual(expected);
  });

  test('customer messages are cut to the character limit; replies are not', () => {
    const fitted = fitHistory([user(long(50)), bot(long(50, 'b')), user(long(30))], budget(10_000, 20));
    expect(fitted.map((m) => m.content)).toEqual([
      `${long(20)}\n[message cut: 30 more characters]`,
      long(50, 'b'),
      `${long(20)}\n[message cut: 10 more characters]`,
    ]);
  });

  test('a reply sent after the latest customer message is kept after it when it fits', () => {
    expect(fitHistory([user('one'), bot('two'), user('three'), bot('four')], budget(1000)).map((m) => m.content)).toEqual(['one', 'two', 'three', 'four']);
    // One too long for the budget is left out; the earlier messages still come before the latest.
    expect(fitHistory([user('one'), user(long(30)), bot(long(300))], budget(30)).map((m) => m.content)).toEqual(['one', long(30)]);
  });

  test('the latest customer message is always kept, cut to fit when it alone is over the budget', () => {
    const fitted = fitHistory([user('earlier'), bot('reply'), user(long(5_000))], budget(300));
    expect(fitted).toHaveLength(1);
    expect(fitted[0]!.content).toMatch(/^a+\n\[message cut: \d+ more characters\]$/);
    expect(total(fitted)).toBeLessThanOrEqual(300);
    expect(total(fitted)).toBeGreaterThan(250);
  });

  test.each([200, 500, 1_000, 3_000])('whatever the history, it stays within a budget of %i tokens and keeps the latest customer message', (maxTokens) => {
    const history: ChatMessage[] = Array.from({ length: 10 }, (_, i) => (i % 2 ? bot(long(700 + i * 31, 'é')) : user(long(900 + i * 17, '😀'))));
    const fitted = fitHistory(history, budget(maxTokens, 2_000));
    expect(total(fitted)).toBeLessThanOrEqual(maxTokens);
    const latestUser = fitted.findLast((m) => m.role === 'user')!.content!;
    expect(history[8]!.content!.startsWith(latestUser.split('\n')[0]!)).toBe(true);
  });

  test('a tool answer whose call the budget dropped is dropped with it, never left first', () => {
    const history: ChatMessage[] = [
      user(long(400)),
      { role: 'assistant', content: null, toolCalls: [{ id: 'c1', name: 'list_my_appointments', arguments: '{}' }] },
      { role: 'tool', toolCallId: 'c1', content: '{"ok":true}' },
      bot('You have none.'),
      user('thanks'),
    ];
    // The call (12 tokens) does not fit after the rest (23): its answer goes too.
    expect(fitHistory(history, budget(30)).map((m) => m.role)).toEqual(['assistant', 'user']);
    // With room for the call, the call and its answer stay together.
    expect(fitHistory(history, budget(40)).map((m) => m.role)).toEqual(['assistant', 'tool', 'assistant', 'user']);
  });
});
