// The "Try it" chat's pure parts: WhatsApp formatting read into a tree the page
// renders as React elements (never as HTML), the choices a stored reply offered,
// and the test identifiers no real WhatsApp ID can match.
import { parseInline, parseWhatsApp, type Inline } from '../../admin/src/whatsapp-text';
import { isTestCustomerBsuid, isTestMessageWamid, requestIdOf, testCustomerBsuid, testMessageWamid } from '../../src/whatsapp/console-test';
import { messageContent } from '../../src/whatsapp/message-content';
import { offeredOptions, tappedOption } from '../../src/whatsapp/offered-options';
import { replyParts } from '../../src/whatsapp/outgoing';

const text = (t: string): Inline => ({ kind: 'text', text: t });

describe('inline marks', () => {
  test.each<[string, Inline[]]>([
    ['plain words', [text('plain words')]],
    ['*bold*', [{ kind: 'bold', children: [text('bold')] }]],
    ['a *b* c', [text('a '), { kind: 'bold', children: [text('b')] }, text(' c')]],
    ['_italic_ and ~gone~', [{ kind: 'italic', children: [text('italic')] }, text(' and '), { kind: 'strike', children: [text('gone')] }]],
    ['*bold _and italic_*', [{ kind: 'bold', children: [text('bold '), { kind: 'italic', children: [text('and italic')] }] }]],
    ['*Haircut*: 25 €', [{ kind: 'bold', children: [text('Haircut')] }, text(': 25 €')]],
    ['(*x*)', [text('('), { kind: 'bold', children: [text('x')] }, text(')')]],
    ['`code *not bold*`', [{ kind: 'code', text: 'code *not bold*' }]],
    ['```mono```', [{ kind: 'code', text: 'mono' }]],
    // Marks inside words, next to spaces, or never closed stay as they are.
    ['snake_case_name', [text('snake_case_name')]],
    ['2 * 3 * 4', [text('2 * 3 * 4')]],
    ['* not bold*', [text('* not bold*')]],
    ['*open only', [text('*open only')]],
    ['**', [text('**')]],
    // Whatever looks like HTML is text: the page builds elements, so it never becomes markup.
    ['<img src=x onerror=alert(1)>', [text('<img src=x onerror=alert(1)>')]],
  ])('%j', (input, expected) => {
    expect(parseInline(input)).toEqual(expected);
  });
});

describe('blocks', () => {
  test('paragraphs, lists, quotes and monospace', () => {
    const blocks = parseWhatsApp(
      ['Free times on *Monday*:', '- 10:00', '- 10:30', '', 'Or:', '1. Tuesday', '2. _Wednesday_', '> quoted', '```', 'a  b', '```', 'Bye'].join('\n'),
    );
    expect(blocks).toEqual([
      { kind: 'paragraph', lines: [[text('Free times on '), { kind: 'bold', children: [text('Monday')] }, text(':')]] },
      { kind: 'bullets', items: [[text('10:00')], [text('10:30')]] },
      { kind: 'paragraph', lines: [[text('Or:')]] },
      { kind: 'numbered', start: 1, items: [[text('Tuesday')], [{ kind: 'italic', children: [text('Wednesday')] }]] },
      { kind: 'quote', lines: [[text('quoted')]] },
      { kind: 'pre', text: 'a  b' },
      { kind: 'paragraph', lines: [[text('Bye')]] },
    ]);
  });

  test('lines of one paragraph stay together; blank lines in a row make no empty paragraphs', () => {
    expect(parseWhatsApp('one\ntwo\n\n\n\nthree')).toEqual([
      { kind: 'paragraph', lines: [[text('one')], [text('two')]] },
      { kind: 'paragraph', lines: [[text('three')]] },
    ]);
  });

  test('a numbered list keeps its first number; "* " starts a bullet, not bold', () => {
    expect(parseWhatsApp('3. c\n4. d\n* e')).toEqual([
      { kind: 'numbered', start: 3, items: [[text('c')], [text('d')]] },
      { kind: 'bullets', items: [[text('e')]] },
    ]);
  });

  test('an unclosed monospace block runs to the end', () => {
    expect(parseWhatsApp('```\nx\ny')).toEqual([{ kind: 'pre', text: 'x\ny' }]);
  });
});

describe('offered options', () => {
  test('read back from the text the ledger keeps for a reply with buttons, whatever the titles hold', () => {
    const options = [
      { id: '2026-12-07T10:00', title: 'Mon 10:00' },
      { id: 'x, "y"', title: 'Say "hi", ok' },
      { id: 'list-3', title: 'Third (later)' },
    ];
    const [part] = replyParts('Which *time* suits you?', options);
    expect(part?.kind).toBe('interactive');
    expect(offeredOptions(part!.text)).toEqual({ body: 'Which *time* suits you?', options });
  });

  test("a tap reads back as the option's title", () => {
    const tap = messageContent({
      id: 'w',
      timestamp: '1',
      type: 'interactive',
      interactive: { type: 'button_reply', button_reply: { id: 'a (b)', title: 'Say "hi" (now)' } },
    });
    expect(tappedOption(tap.text)).toBe('Say "hi" (now)');
    expect(tappedOption('[Tapped the option, not really')).toBeUndefined();
  });

  test('a reply without options is its own body', () => {
    expect(offeredOptions('Just text [Options offered: nothing')).toEqual({ body: 'Just text [Options offered: nothing', options: [] });
  });
});

describe('test identifiers', () => {
  test('a test BSUID and wamid are recognised, and no real one is taken for them', () => {
    expect(isTestCustomerBsuid(testCustomerBsuid('u1'))).toBe(true);
    expect(isTestMessageWamid(testMessageWamid('r1'))).toBe(true);
    expect(requestIdOf(testMessageWamid('5f0c'))).toBe('5f0c');
    for (const real of ['US.13491208655302741918', '34600000001', null, undefined]) expect(isTestCustomerBsuid(real)).toBe(false);
    expect(isTestMessageWamid('wamid.HBgLMzQ2MDAwMDAwMDEVAgASGBQzQTdCRkI3NzY3RjEzRTI4QTk0MAA=')).toBe(false);
    expect(requestIdOf('wamid.HBgLMzQ2')).toBeUndefined();
  });
});
