import { parseWebhookPayload } from '../../src/whatsapp/webhook-payload';

// Builders for Meta's webhook shape. Each returns a fresh object so a test can
// corrupt one part without affecting the others.
function textMessage(id: string, from: string | undefined, body = `text of ${id}`, extra: Record<string, unknown> = {}) {
  return { ...(from === undefined ? {} : { from }), id, timestamp: '1718000000', type: 'text', text: { body }, ...extra };
}

function status(id: string, value: string, extra: Record<string, unknown> = {}) {
  return { id, status: value, timestamp: '1718000001', recipient_id: '34600111222', ...extra };
}

function messagesChange(phoneNumberId: string, value: Record<string, unknown> = {}) {
  return {
    field: 'messages',
    value: {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: '34910000001', phone_number_id: phoneNumberId },
      ...value,
    },
  };
}

function payload(...entries: Array<{ id?: string; changes: unknown[] }>) {
  return { object: 'whatsapp_business_account', entry: entries.map((e, i) => ({ id: e.id ?? `waba-${i}`, changes: e.changes })) };
}

describe('parseWebhookPayload: envelope', () => {
  test.each<[string, unknown]>([
    ['null', null],
    ['undefined', undefined],
    ['a string', 'whatsapp_business_account'],
    ['a JSON string of a valid payload', JSON.stringify(payload({ changes: [] }))],
    ['a number', 42],
    ['a boolean', true],
    ['an array', [payload({ changes: [] })]],
    ['an empty object', {}],
    ['object "page"', { object: 'page', entry: [] }],
    ['object "instagram"', { object: 'instagram', entry: [] }],
    ['object in another case', { object: 'WHATSAPP_BUSINESS_ACCOUNT', entry: [] }],
    ['no entry', { object: 'whatsapp_business_account' }],
    ['entry that is not an array', { object: 'whatsapp_business_account', entry: {} }],
  ])('%s → undefined', (_label, input) => {
    expect(parseWebhookPayload(input)).toBeUndefined();
  });

  test.each<[string, unknown, string]>([
    ['an entry without changes', { id: '1' }, 'entry[0]: without changes'],
    ['a change without field', { id: '1', changes: [{ value: {} }] }, 'entry[0].changes[0]: without field'],
  ])('%s is skipped without hiding the entries after it', (_label, broken, reason) => {
    const good = { id: '2', changes: [messagesChange('111', { messages: [textMessage('after', '34600000001')] })] };
    const parsed = parseWebhookPayload({ object: 'whatsapp_business_account', entry: [broken, good] });
    expect(parsed?.skipped).toEqual([reason]);
    expect(parsed?.messages.map((m) => m.message.id)).toEqual(['after']);
  });

  test('a valid envelope with no entries gives an empty result', () => {
    expect(parseWebhookPayload(payload())).toEqual({ messages: [], statuses: [], skipped: [] });
  });

  test('a messages change with neither messages nor statuses gives an empty result', () => {
    expect(parseWebhookPayload(payload({ changes: [messagesChange('111')] }))).toEqual({ messages: [], statuses: [], skipped: [] });
  });

  test('unknown fields are tolerated; a message keeps its own (its type-specific fields are read later)', () => {
    const input = {
      object: 'whatsapp_business_account',
      future_field: 1,
      entry: [
        {
          id: 'waba',
          time: 123,
          changes: [
            {
              field: 'messages',
              extra: true,
              value: {
                messaging_product: 'whatsapp',
                metadata: { phone_number_id: '111', something_new: 'x' },
                contacts: [{ wa_id: '346', profile: { name: 'Ana', surname: 'X' }, identity_key_hash: 'h' }],
                messages: [{ ...textMessage('wamid.1', '346'), new_field: { nested: true } }],
              },
            },
          ],
        },
      ],
    };
    const parsed = parseWebhookPayload(input);
    expect(parsed?.skipped).toEqual([]);
    expect(parsed?.messages).toEqual([
      {
        phoneNumberId: '111',
        message: { from: '346', id: 'wamid.1', timestamp: '1718000000', type: 'text', text: { body: 'text of wamid.1' }, new_field: { nested: true } },
        contact: { wa_id: '346', profile: { name: 'Ana' } },
      },
    ]);
  });
});

describe('parseWebhookPayload: walks everything', () => {
  const input = payload(
    {
      changes: [
        messagesChange('111', {
          contacts: [
            { wa_id: 'A', profile: { name: 'Ana' } },
            { wa_id: 'B', profile: { name: 'Bea' } },
          ],
          messages: [textMessage('m1', 'A'), textMessage('m2', 'B')],
          statuses: [status('s1', 'sent'), status('s2', 'delivered')],
        }),
        messagesChange('222', { messages: [textMessage('m3', 'C')] }),
      ],
    },
    {
      changes: [
        messagesChange('333', { statuses: [status('s3', 'read'), status('s4', 'failed', { errors: [{ code: 131026, title: 'Undeliverable' }] })] }),
        messagesChange('444', { messages: [textMessage('m4', 'D'), textMessage('m5', 'E')], statuses: [status('s5', 'sent')] }),
      ],
    },
  );
  const parsed = parseWebhookPayload(input);

  test('every message of every change of every entry, in order, with its phone_number_id', () => {
    expect(parsed?.messages.map((m) => [m.phoneNumberId, m.message.id])).toEqual([
      ['111', 'm1'],
      ['111', 'm2'],
      ['222', 'm3'],
      ['444', 'm4'],
      ['444', 'm5'],
    ]);
  });

  test('every status of every change of every entry, in order, with its phone_number_id', () => {
    expect(parsed?.statuses.map((s) => [s.phoneNumberId, s.status.id, s.status.status])).toEqual([
      ['111', 's1', 'sent'],
      ['111', 's2', 'delivered'],
      ['333', 's3', 'read'],
      ['333', 's4', 'failed'],
      ['444', 's5', 'sent'],
    ]);
  });

  test('status errors are kept', () => {
    expect(parsed?.statuses[3]?.status.errors).toEqual([{ code: 131026, title: 'Undeliverable' }]);
  });

  test('nothing is skipped', () => {
    expect(parsed?.skipped).toEqual([]);
  });

  test('contacts are matched within their own change', () => {
    expect(parsed?.messages.map((m) => m.contact?.profile?.name)).toEqual(['Ana', 'Bea', undefined, undefined, undefined]);
  });
});

describe('parseWebhookPayload: skipping', () => {
  test('a change whose field is not "messages" is skipped and reported; its siblings are used', () => {
    const parsed = parseWebhookPayload(
      payload(
        { changes: [{ field: 'account_update', value: { event: 'x' } }, messagesChange('111', { messages: [textMessage('m1', 'A')] })] },
        { changes: [{ field: 'message_template_status_update', value: messagesChange('222', { messages: [textMessage('m2', 'B')] }).value }] },
      ),
    );
    expect(parsed?.messages.map((m) => m.message.id)).toEqual(['m1']);
    expect(parsed?.skipped).toEqual(['entry[0].changes[0]: field account_update', 'entry[1].changes[0]: field message_template_status_update']);
  });

  test.each<[string, unknown]>([
    ['no metadata', { messaging_product: 'whatsapp', messages: [textMessage('bad', 'A')] }],
    ['metadata without phone_number_id', { metadata: { display_phone_number: '349' }, messages: [textMessage('bad', 'A')] }],
    ['an empty phone_number_id', { metadata: { phone_number_id: '' }, messages: [textMessage('bad', 'A')] }],
    ['a numeric phone_number_id', { metadata: { phone_number_id: 111 }, messages: [textMessage('bad', 'A')] }],
    ['a value that is null', null],
    ['a value that is a string', 'messages'],
    ['messages that are not an array', { metadata: { phone_number_id: '111' }, messages: textMessage('bad', 'A') }],
    ['another messaging_product', { messaging_product: 'instagram', metadata: { phone_number_id: '111' }, messages: [textMessage('bad', 'A')] }],
  ])('a messages change with %s is skipped and reported; its siblings are used', (_label, value) => {
    const parsed = parseWebhookPayload(
      payload({
        changes: [
          messagesChange('111', { messages: [textMessage('before', 'A')] }),
          { field: 'messages', value },
          messagesChange('222', { messages: [textMessage('after', 'B')] }),
        ],
      }),
    );
    expect(parsed?.messages.map((m) => m.message.id)).toEqual(['before', 'after']);
    expect(parsed?.skipped).toEqual(['entry[0].changes[1]: value without metadata.phone_number_id']);
  });

  test.each<[string, unknown]>([
    ['null', null],
    ['a string', 'hello'],
    ['no id', { from: 'A', timestamp: '1', type: 'text', text: { body: 'x' } }],
    ['an empty id', textMessage('', 'A')],
    ['no timestamp', { from: 'A', id: 'x', type: 'text', text: { body: 'x' } }],
    ['a numeric timestamp', { ...textMessage('x', 'A'), timestamp: 1718000000 }],
    ['a non-digit timestamp', { ...textMessage('x', 'A'), timestamp: '2024-06-10T00:00:00Z' }],
    ['a negative timestamp', { ...textMessage('x', 'A'), timestamp: '-1' }],
    ['no type', { from: 'A', id: 'x', timestamp: '1', text: { body: 'x' } }],
    ['an empty type', { ...textMessage('x', 'A'), type: '' }],
    ['text without body', { ...textMessage('x', 'A'), text: {} }],
    ['a numeric from', { ...textMessage('x', 'A'), from: 346 }],
  ])('one malformed message (%s) among good ones is skipped and does not hide its siblings', (_label, bad) => {
    const parsed = parseWebhookPayload(payload({ changes: [messagesChange('111', { messages: [textMessage('m1', 'A'), bad, textMessage('m3', 'B')] })] }));
    expect(parsed?.messages.map((m) => m.message.id)).toEqual(['m1', 'm3']);
    expect(parsed?.skipped).toEqual(['entry[0].changes[0].messages[1]: malformed']);
  });

  test.each<[string, unknown]>([
    ['an unknown status string', status('x', 'deleted')],
    ['an uppercase status', status('x', 'SENT')],
    ['an empty status', status('x', '')],
    ['no status', { id: 'x', timestamp: '1' }],
    ['no id', { status: 'sent', timestamp: '1' }],
    ['a non-digit timestamp', status('x', 'sent', { timestamp: 'yesterday' })],
    ['errors without a numeric code', status('x', 'failed', { errors: [{ code: '131026' }] })],
    ['null', null],
  ])('a status with %s is skipped and reported; its siblings are used', (_label, bad) => {
    const parsed = parseWebhookPayload(payload({ changes: [messagesChange('111', { statuses: [status('s1', 'sent'), bad, status('s3', 'read')] })] }));
    expect(parsed?.statuses.map((s) => s.status.id)).toEqual(['s1', 's3']);
    expect(parsed?.skipped).toEqual(['entry[0].changes[0].statuses[1]: malformed']);
  });

  test('skipped entries report their exact positions across entries and changes', () => {
    const parsed = parseWebhookPayload(
      payload(
        { changes: [messagesChange('111', { messages: [textMessage('ok1', 'A')] }), { field: 'calls', value: {} }] },
        {
          changes: [
            messagesChange('222', { messages: [textMessage('ok2', 'B'), textMessage('ok3', 'C'), { id: 'bad' }], statuses: [status('bad', 'queued')] }),
          ],
        },
      ),
    );
    expect(parsed?.messages.map((m) => m.message.id)).toEqual(['ok1', 'ok2', 'ok3']);
    expect(parsed?.skipped).toEqual([
      'entry[0].changes[1]: field calls',
      'entry[1].changes[0].messages[2]: malformed',
      'entry[1].changes[0].statuses[0]: malformed',
    ]);
  });

  test('skipped descriptions never contain message content', () => {
    const secret = 'my card number is 4111111111111111';
    const parsed = parseWebhookPayload(payload({ changes: [messagesChange('111', { messages: [{ id: 'x', text: { body: secret } }] })] }));
    expect(parsed?.skipped).toHaveLength(1);
    expect(parsed?.skipped.join(' ')).not.toContain('4111');
  });
});

describe('parseWebhookPayload: contact matching', () => {
  function contactOf(contacts: unknown[], message: Record<string, unknown>) {
    const parsed = parseWebhookPayload(payload({ changes: [messagesChange('111', { contacts, messages: [message] })] }));
    expect(parsed?.messages).toHaveLength(1);
    return parsed?.messages[0]?.contact;
  }

  const ana = { wa_id: '34600000001', user_id: 'ES.ana', profile: { name: 'Ana' } };
  const bea = { wa_id: '34600000002', user_id: 'ES.bea', profile: { name: 'Bea' } };
  const bsuidOnly = { user_id: 'ES.carla', profile: { name: 'Carla' } };

  test.each<[string, unknown[], Record<string, unknown>, string | undefined]>([
    ['by wa_id, first contact', [ana, bea], textMessage('m', '34600000001'), 'Ana'],
    ['by wa_id, second contact', [ana, bea], textMessage('m', '34600000002'), 'Bea'],
    ['by user_id when from is absent (BSUID-only)', [ana, bea], textMessage('m', undefined, 'x', { from_user_id: 'ES.bea' }), 'Bea'],
    ['a BSUID-only contact among several', [ana, bsuidOnly, bea], textMessage('m', undefined, 'x', { from_user_id: 'ES.carla' }), 'Carla'],
    ['by user_id when from matches nobody', [ana, bea], textMessage('m', '34999999999', 'x', { from_user_id: 'ES.bea' }), 'Bea'],
    ['no match among several contacts', [ana, bea], textMessage('m', '34999999999'), undefined],
    ['no identifiers on the message and several contacts', [ana, bea], textMessage('m', undefined), undefined],
    ['no contacts at all', [], textMessage('m', '34600000001'), undefined],
    ['a single contact without identifiers', [{ profile: { name: 'Solo' } }], textMessage('m', '34600000001'), 'Solo'],
    ['a single contact and a message without identifiers', [ana], textMessage('m', undefined), 'Ana'],
  ])('%s', (_label, contacts, message, expectedName) => {
    expect(contactOf(contacts, message)?.profile?.name).toBe(expectedName);
  });

  test('an empty from does not match a contact with an empty wa_id', () => {
    expect(contactOf([{ wa_id: '', profile: { name: 'Empty' } }, bea], textMessage('m', ''))).toBeUndefined();
  });

  test('the BSUID-only message keeps from_user_id and has no from', () => {
    const parsed = parseWebhookPayload(
      payload({ changes: [messagesChange('111', { contacts: [bsuidOnly], messages: [textMessage('m', undefined, 'hola', { from_user_id: 'ES.carla' })] })] }),
    );
    expect(parsed?.messages[0]?.message).toEqual({ id: 'm', from_user_id: 'ES.carla', timestamp: '1718000000', type: 'text', text: { body: 'hola' } });
    expect(parsed?.messages[0]?.contact).toEqual(bsuidOnly);
  });

  // A lone contact is only taken for the sender when it does not name someone
  // else: intake.ts takes its profile name and user_id for the sender.
  test('a single contact whose wa_id contradicts the message sender is not attached', () => {
    expect(contactOf([bea], textMessage('m', '34600000001'))).toBeUndefined();
  });
});
