import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { markdownToWhatsApp } from '../../src/whatsapp/format';

type Case = [label: string, markdown: string, whatsapp: string];

const cases = (groups: Record<string, Case[]>) => Object.entries(groups);

describe.each(
  cases({
    emphasis: [
      ['double-asterisk bold', '**bold**', '*bold*'],
      ['double-underscore bold', '__bold__', '*bold*'],
      ['single asterisks stay WhatsApp bold, as the system prompt asks', '*bold*', '*bold*'],
      ['underscore italic', '_italic_', '_italic_'],
      ['bold italic with asterisks', '***both***', '*_both_*'],
      ['bold italic with underscores', '___both___', '*_both_*'],
      ['double-tilde strikethrough', '~~strike~~', '~strike~'],
      ['single-tilde strikethrough (GFM) stays', '~strike~', '~strike~'],
      ['several spans in a sentence', 'A **big** and _small_ ~~old~~ deal', 'A *big* and _small_ ~old~ deal'],
      ['italic nested in bold', '**bold with _italic_ inside**', '*bold with _italic_ inside*'],
      ['a single-asterisk span inside bold is Markdown italic', '**bold with *italic* inside**', '*bold with _italic_ inside*'],
      ['underscore italic with bold inside', '_italic with **bold** inside_', '_italic with *bold* inside_'],
      ['bold nested in strikethrough', '~~**x**~~', '~*x*~'],
      ['bold with trailing colon', '**Note:** read this', '*Note:* read this'],
      ['bold in parentheses', '(**important**)', '(*important*)'],
      ['bold wrapping underscore bold is not doubled', '**__x__**', '*x*'],
      ['multi-word underscore italic with snake_case inside', '_use snake_case here_', '_use snake_case here_'],
      ['emphasis inside link text', '[**Book now**](https://x.com/book)', '*Book now* (https://x.com/book)'],
    ],
    'WhatsApp-style input a model might emit': [
      // A single-asterisk span is kept as WhatsApp bold: the system prompt asks the model for WhatsApp marks.
      ['WhatsApp-style bold is kept', 'We open at *9:00*', 'We open at *9:00*'],
      ['underscore italic is unchanged', 'very _nice_ day', 'very _nice_ day'],
      ['single tilde is unchanged', 'was ~wrong~ right', 'was ~wrong~ right'],
      ['WhatsApp bold-italic is kept', '*_both_*', '*_both_*'],
      ['inline monospace is unchanged', 'run ```npm test``` now', 'run ```npm test``` now'],
    ],
    headings: [
      ['h1', '# Title', '*Title*'],
      ['h2 between paragraphs', 'Intro\n## Hours\nOpen daily', 'Intro\n*Hours*\nOpen daily'],
      ['h6', '###### Six', '*Six*'],
      ['seven hashes is not a heading', '####### Seven', '####### Seven'],
      ['closing hashes are dropped', '## Title ##', '*Title*'],
      ['already bold heading is not double-bolded', '## **Prices**', '*Prices*'],
      ['bold part of a heading is merged into the heading bold', '### Step 1: **Install** it', '*Step 1: Install it*'],
      ['italic inside a heading', '# The _best_ cut', '*The _best_ cut*'],
      ['bold-italic heading', '# ***Wow***', '*_Wow_*'],
      ['a hashtag is not a heading', '#booking is open', '#booking is open'],
      ['a trailing hash in the text stays', '# C#', '*C#*'],
      ['an empty heading disappears', 'a\n#\nb', 'a\n\nb'],
      ['indented up to three spaces', '   # Title', '*Title*'],
    ],
    links: [
      ['link with text', '[Docs](https://example.com/docs)', 'Docs (https://example.com/docs)'],
      ['link whose text is the URL', '[https://x.com/a](https://x.com/a)', 'https://x.com/a'],
      ['link whose text is the URL without scheme', '[example.com/book](https://example.com/book)', 'https://example.com/book'],
      ['link text without scheme and trailing slash', '[www.example.com](https://www.example.com/)', 'https://www.example.com/'],
      ['link with a title', '[Docs](https://x.com "The docs")', 'Docs (https://x.com)'],
      ['link with underscores in the URL', '[menu](https://x.com/our_menu_2024)', 'menu (https://x.com/our_menu_2024)'],
      ['link with parentheses in the URL', '[Foo](https://en.wikipedia.org/wiki/Foo_(bar))', 'Foo (https://en.wikipedia.org/wiki/Foo_(bar))'],
      ['link with empty text', '[](https://x.com)', 'https://x.com'],
      ['mailto link', '[write us](mailto:hi@x.com)', 'write us (hi@x.com)'],
      ['mailto link whose text is the address', '[hi@x.com](mailto:hi@x.com)', 'hi@x.com'],
      ['autolink', 'See <https://x.com/a_b>.', 'See https://x.com/a_b.'],
      ['email autolink', 'Mail <a_b@x.com>', 'Mail a_b@x.com'],
      ['image', '![Our salon](https://x.com/salon.png)', 'Our salon (https://x.com/salon.png)'],
      ['image without alt text', '![](https://x.com/salon.png)', 'https://x.com/salon.png'],
      ['two links on one line', '[a](https://a.com) or [b](https://b.com)', 'a (https://a.com) or b (https://b.com)'],
    ],
    lists: [
      ['asterisk bullets', '* one\n* two', '- one\n- two'],
      ['plus bullets', '+ one\n+ two', '- one\n- two'],
      ['dash bullets stay', '- one\n- two', '- one\n- two'],
      ['nesting by two spaces', '* a\n  * b\n    * c', '- a\n  - b\n    - c'],
      ['nesting by four spaces becomes two per level', '- a\n    - b\n        - c\n- d', '- a\n  - b\n    - c\n- d'],
      ['nesting by tabs', '- a\n\t- b', '- a\n  - b'],
      ['numbered list kept', '1. one\n2. two\n10. ten', '1. one\n2. two\n10. ten'],
      ['numbered with parenthesis', '1) one\n2) two', '1. one\n2. two'],
      ['bullets nested in a numbered list', '1. Step\n   - detail\n2. Next', '1. Step\n  - detail\n2. Next'],
      ['unchecked task', '- [ ] call back', '- ☐ call back'],
      ['checked task', '- [x] paid\n* [X] booked', '- ☑ paid\n- ☑ booked'],
      ['numbered task', '1. [ ] confirm', '1. ☐ confirm'],
      ['emphasis inside items', '* **Cut:** $30\n* _Colour_: $50', '- *Cut:* $30\n- _Colour_: $50'],
      ['a paragraph ends the list nesting', '- a\n  - b\nText\n  - c', '- a\n  - b\nText\n- c'],
      ['an item starting with emphasis is not a bullet', '*Note* that', '*Note* that'],
      ['a negative number is not a bullet', '-5 degrees', '-5 degrees'],
    ],
    code: [
      ['fenced block drops the language', '```python\nprint(1)\n```', '```\nprint(1)\n```'],
      ['fenced block contents untouched', '```\n**a** _b_ [c](d) # e\n* f\n| g | h |\n```', '```\n**a** _b_ [c](d) # e\n* f\n| g | h |\n```'],
      ['blank lines inside a block are kept', '```\na\n\n\n\nb\n```', '```\na\n\n\n\nb\n```'],
      ['tilde fence', '~~~\n~~x~~\n~~~', '```\n~~x~~\n```'],
      ['unclosed fence runs to the end', 'Try:\n```\nrun **x**', 'Try:\n```\nrun **x**\n```'],
      ['text around a block is converted', '**Run:**\n```sh\nnpm i\n```\n_done_', '*Run:*\n```\nnpm i\n```\n_done_'],
      ['inline code untouched', 'use `**not bold**` here', 'use `**not bold**` here'],
      ['inline code with underscores next to emphasis', '`a_b` and _x_', '`a_b` and _x_'],
      ['double-backtick code becomes single', 'use ``code`` here', 'use `code` here'],
      ['double-backtick code with a backtick inside', '``a ` b``', '```a ` b```'],
      ['inline code with a URL is left alone', '`https://x.com/**a**`', '`https://x.com/**a**`'],
    ],
    'rules and blank lines': [
      ['dash rule', 'a\n\n---\n\nb', 'a\n\nb'],
      ['asterisk rule', 'a\n***\nb', 'a\n\nb'],
      ['underscore rule', 'a\n___\nb', 'a\n\nb'],
      ['spaced rule', 'a\n- - -\nb', 'a\n\nb'],
      ['three blank lines collapse', 'a\n\n\n\nb', 'a\n\nb'],
      ['many blank lines collapse', 'a\n\n\n\n\n\n\nb', 'a\n\nb'],
      ['whitespace-only lines count as blank', 'a\n  \n\t\n \nb', 'a\n\nb'],
      ['one blank line stays', 'a\n\nb', 'a\n\nb'],
      ['result is trimmed', '\n\n  **hi**  \n\n', '*hi*'],
      ['trailing hard-break spaces dropped', 'line one  \nline two', 'line one\nline two'],
      ['CRLF line endings', '**a**\r\n\r\n\r\n\r\nb\r\n', '*a*\n\nb'],
      ['empty input', '', ''],
    ],
    tables: [
      ['simple table', '| Service | Price |\n|---|---|\n| Cut | $30 |\n| Colour | $50 |', '*Service – Price*\nCut – $30\nColour – $50'],
      ['alignment colons and no outer pipes', 'A | B\n:-- | --:\n1 | 2', '*A – B*\n1 – 2'],
      ['bold header cells are not double-bolded', '| **Day** | **Hours** |\n|---|---|\n| Mon | 9–17 |', '*Day – Hours*\nMon – 9–17'],
      ['emphasis in body cells', '| a | b |\n|---|---|\n| **x** | _y_ |', '*a – b*\n*x* – _y_'],
      ['empty cells are dropped', '| | Mon | Tue |\n|---|---|---|\n| Open | 9 | |', '*Mon – Tue*\nOpen – 9'],
      ['escaped pipe stays in its cell', '| a | b |\n|---|---|\n| x \\| y | z |', '*a – b*\nx | y – z'],
      ['<br> in a cell is a space', '| a |\n|---|\n| 9<br>17 |', '*a*\n9 17'],
      ['table ends at a blank line', '| a |\n|---|\n| 1 |\n\nafter', '*a*\n1\n\nafter'],
      ['a pipe in prose is not a table', 'cut | colour', 'cut | colour'],
    ],
    quotes: [
      ['quote keeps its marker', '> quoted', '> quoted'],
      ['emphasis inside a quote', '> **Note:** closed', '> *Note:* closed'],
      ['multi-line quote', '> a\n> b', '> a\n> b'],
      ['nested quote is flattened', '> a\n> > b', '> a\n> b'],
      ['a list inside a quote', '> * a\n> * b', '> - a\n> - b'],
      ['a marker without a space', '>tight', '> tight'],
      ['a greater-than sign mid-line is not a quote', '5 > 3', '5 > 3'],
    ],
    html: [
      ['<br> becomes a newline', 'a<br>b<br/>c<br />d', 'a\nb\nc\nd'],
      ['<br> swallows the spaces around it', 'a <br> b', 'a\nb'],
      ['<b> and <strong> become bold', '<b>x</b> <strong>y</strong>', '*x* *y*'],
      ['<i> and <em> become italic', '<i>x</i> <em>y</em>', '_x_ _y_'],
      ['<s> and <del> become strikethrough', '<s>x</s> <del>y</del>', '~x~ ~y~'],
      ['other tags stripped, text kept', '<span class="x">a</span> <u>b</u> <sup>2</sup>', 'a b 2'],
      ['<p> stripped', '<p>Hello</p>', 'Hello'],
      ['an angle-bracket placeholder is not a tag', 'Reply with <your name>', 'Reply with <your name>'],
      ['a comparison is not a tag', 'if a < b and b > c', 'if a < b and b > c'],
      ['tags inside inline code are kept', '`<b>x</b>`', '`<b>x</b>`'],
    ],
    escapes: [
      ['escaped asterisks are literal', '\\*not italic\\*', '*not italic*'],
      ['escaped underscore', 'snake\\_case', 'snake_case'],
      ['escaped hash is not a heading', '\\# not heading', '# not heading'],
      ['escaped dash is not turned into a list', '\\+ not list', '+ not list'],
      ['escaped brackets are not a link', '\\[a\\](b)', '[a](b)'],
      ['escaped backslash', 'a\\\\b', 'a\\b'],
      ['a backslash before a letter stays', 'C:\\Users\\me', 'C:\\Users\\me'],
    ],
    'text that must not be corrupted': [
      ['snake_case words', 'set max_booking_days and foo_bar', 'set max_booking_days and foo_bar'],
      ['spaced multiplication', '2 * 3 * 4 = 24', '2 * 3 * 4 = 24'],
      ['unspaced multiplication', '2*3*4 = 24', '2*3*4 = 24'],
      ['letters multiplied', 'a*b*c', 'a*b*c'],
      ['an asterisk glued to a word does not open emphasis', 'file*name and more*', 'file*name and more*'],
      ['an asterisk followed by a space does not open emphasis', 'rate * 2* per person', 'rate * 2* per person'],
      ['prices', 'Cut $5, colour $10 and $15.50', 'Cut $5, colour $10 and $15.50'],
      ['prices in bold', '**$5** or **$10**', '*$5* or *$10*'],
      ['an email with underscores', 'mail first_last_name@my_co.example.com', 'mail first_last_name@my_co.example.com'],
      ['an email in italic', '_a_b@x.com_', '_a_b@x.com_'],
      ['an email with a dunder-like part', 'write to ops.__team__@x.com', 'write to ops.__team__@x.com'],
      ['a URL with underscores', 'see https://example.com/a_b_c', 'see https://example.com/a_b_c'],
      ['a URL with asterisks', 'see https://example.com/*a*/b', 'see https://example.com/*a*/b'],
      ['a URL with double underscores', 'https://example.com/__static__/logo.png', 'https://example.com/__static__/logo.png'],
      ['a www URL with underscores', 'www.my_site.com/x_y_z', 'www.my_site.com/x_y_z'],
      ['a bold URL', '**https://x.com/a_b**', '*https://x.com/a_b*'],
      ['a URL followed by punctuation', 'Go to https://x.com/a_b. Or (https://x.com/c_d)!', 'Go to https://x.com/a_b. Or (https://x.com/c_d)!'],
      ['times', 'Open 10:00-14:00 and 15:30–19:00', 'Open 10:00-14:00 and 15:30–19:00'],
      ['approximate values with tildes', 'about ~5 min, ~10 tops', 'about ~5 min, ~10 tops'],
      ['a footnote asterisk', 'Price* applies. *Terms vary', 'Price* applies. *Terms vary'],
      ['lone delimiters', '** __ _ _ ~', '** __ _ _ ~'],
      ['emoji', '🎉 **Done!** 👩‍👩‍👧‍👦 🇪🇸', '🎉 *Done!* 👩‍👩‍👧‍👦 🇪🇸'],
      ['Hebrew right-to-left text', 'שלום **עולם** _טוב_', 'שלום *עולם* _טוב_'],
      ['Arabic right-to-left text', 'مرحبا **بالعالم**', 'مرحبا *بالعالم*'],
      ['accented letters next to underscores', 'café_olé', 'café_olé'],
      ['a plain sentence', 'See you on Monday at 10!', 'See you on Monday at 10!'],
      ['private-use placeholder characters in input are dropped', 'a\uE0000\uE001b', 'a0b'],
    ],
  }),
)('%s', (_group, groupCases) => {
  test.each(groupCases)('%s', (_label, markdown, whatsapp) => {
    expect(markdownToWhatsApp(markdown)).toBe(whatsapp);
  });
});

describe('a whole model reply', () => {
  test('converts every construct together', () => {
    const markdown = [
      '## Your booking',
      '',
      'Hi **Ana**! Here is what I found:',
      '',
      '| Service | Time |',
      '|:--|:--|',
      '| Haircut | 10:00-10:45 |',
      '',
      '* [x] Deposit of $5 paid',
      '* [ ] Confirm by email to book_me@salon.example',
      '',
      '---',
      '',
      '> *Tip:* see [our map](https://maps.example.com/salon_1)',
      '',
      '',
      '',
      '```',
      'REF_123 **x**',
      '```',
    ].join('\n');
    expect(markdownToWhatsApp(markdown)).toBe(
      [
        '*Your booking*',
        '',
        'Hi *Ana*! Here is what I found:',
        '',
        '*Service – Time*',
        'Haircut – 10:00-10:45',
        '',
        '- ☑ Deposit of $5 paid',
        '- ☐ Confirm by email to book_me@salon.example',
        '',
        '> *Tip:* see our map (https://maps.example.com/salon_1)',
        '',
        '```',
        'REF_123 **x**',
        '```',
      ].join('\n'),
    );
  });

  test('gives the same result on repeated calls (no state kept between calls)', () => {
    const markdown = '**a** [b](https://x.com/b_c) `d`\n- e\n  - f\n| g |\n|---|\n| h |';
    const first = markdownToWhatsApp(markdown);
    expect(first).toBe('*a* b (https://x.com/b_c) `d`\n- e\n  - f\n*g*\nh');
    expect(markdownToWhatsApp(markdown)).toBe(first);
    expect(markdownToWhatsApp('  - f')).toBe('- f');
  });
});

describe('workflow safety', () => {
  test('the module imports nothing, so it runs in the Temporal workflow sandbox', () => {
    const source = readFileSync(join(__dirname, '../../src/whatsapp/format.ts'), 'utf8');
    expect(source).not.toMatch(/^\s*import\s|\brequire\s*\(/m);
  });
});
