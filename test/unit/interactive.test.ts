import { parseOptions } from '../../src/agent/options';
import { planReply, type ChoiceOption } from '../../src/whatsapp/interactive';
import { replyParts } from '../../src/whatsapp/outgoing';

const times = (n: number): ChoiceOption[] => Array.from({ length: n }, (_, i) => ({ id: `2026-11-30T1${i}:00`, title: `Mon 1${i}:00` }));

describe('planReply', () => {
  test('up to three short options become reply buttons', () => {
    expect(planReply('Which time?', times(3))).toEqual({
      kind: 'interactive',
      interactive: {
        type: 'button',
        body: { text: 'Which time?' },
        action: { buttons: times(3).map((o) => ({ type: 'reply', reply: { id: o.id, title: o.title } })) },
      },
    });
  });

  test.each<[string, ChoiceOption[], string]>([
    ['four options', times(4), 'Which time?'],
    ['ten options', times(10), 'Which time?'],
    ['a title over 20 characters', [{ id: 'a', title: 'Haircut and beard trim' }], 'Which service?'],
    ['a description', [{ id: 'a', title: 'Colour', description: '90 min · €65' }], 'Which service?'],
    ['a body too long for buttons', times(2), 'x'.repeat(1025)],
  ])('%s make a list', (_label, options, body) => {
    const plan = planReply(body, options);
    expect(plan.kind).toBe('interactive');
    expect(plan.kind === 'interactive' && plan.interactive.type).toBe('list');
    if (plan.kind === 'interactive' && plan.interactive.type === 'list') {
      expect(plan.interactive.action.sections[0]?.rows.map((r) => r.id)).toEqual(options.map((o) => o.id));
      expect(plan.interactive.action.button).toBe('Choose');
    }
  });

  test.each<[string, ChoiceOption[]]>([
    ['eleven options', times(11)],
    ['a title over 24 characters', [{ id: 'a', title: 'A really long service name here' }]],
    ['a description over 72 characters', [{ id: 'a', title: 'Colour', description: 'd'.repeat(73) }]],
    [
      'duplicate ids',
      [
        { id: 'same', title: 'A' },
        { id: 'same', title: 'B' },
      ],
    ],
    ['an id over 200 characters', [{ id: 'i'.repeat(201), title: 'A' }]],
  ])('%s fall back to a numbered text list', (_label, options) => {
    const plan = planReply('Pick one:', options);
    expect(plan.kind).toBe('text');
    expect(plan.kind === 'text' && plan.text.split('\n\n')[1]?.split('\n')).toEqual(
      options.map((o, i) => `${i + 1}. ${o.title}${o.description ? ` – ${o.description}` : ''}`),
    );
  });

  test('limits count characters, not UTF-16 units: 20 emoji fit a button title', () => {
    const plan = planReply('Pick', [{ id: 'e', title: '😀'.repeat(20) }]);
    expect(plan.kind === 'interactive' && plan.interactive.type).toBe('button');
  });
});

describe('replyParts', () => {
  test('a reply without options is WhatsApp-formatted text, split at the limit', () => {
    const parts = replyParts(`**Hi**\n\n${'word '.repeat(1000)}`);
    expect(parts.every((p) => p.kind === 'text' && p.text.length <= 4096)).toBe(true);
    expect(parts[0]).toEqual({ kind: 'text', text: expect.stringMatching(/^\*Hi\*\n\n/) });
  });

  test('the choices ride on the last part, and the ledger text says what was offered', () => {
    const parts = replyParts(`${'long intro. '.repeat(400)}\n\nWhich time suits you?`, times(2));
    expect(parts.map((p) => p.kind)).toEqual(['text', 'interactive']);
    const last = parts.at(-1)!;
    expect(last.text).toContain('[Options offered: "Mon 10:00" (id 2026-11-30T10:00), "Mon 11:00" (id 2026-11-30T11:00)]');
  });
});

describe('parseOptions', () => {
  test.each<[string, string, ReturnType<typeof parseOptions>]>([
    ['valid', JSON.stringify({ options: [{ id: ' a ', title: ' A ', description: null }] }), { options: [{ id: 'a', title: 'A' }] }],
    [
      'with description',
      JSON.stringify({ options: [{ id: 'a', title: 'A', description: '30 min' }] }),
      { options: [{ id: 'a', title: 'A', description: '30 min' }] },
    ],
    ['not JSON', '{', { error: 'The arguments were not valid JSON.' }],
    ['empty', JSON.stringify({ options: [] }), { error: 'options must be a list of 1 to 10 choices.' }],
    ['eleven', JSON.stringify({ options: times(11) }), { error: 'options must be a list of 1 to 10 choices.' }],
    ['a blank title', JSON.stringify({ options: [{ id: 'a', title: ' ' }] }), { error: 'Every option needs a non-empty id and title.' }],
  ])('%s', (_label, raw, expected) => {
    expect(parseOptions(raw)).toEqual(expected);
  });
});
