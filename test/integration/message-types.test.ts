// Every message type, from a recorded-style fixture POSTed over HTTP to the
// running app, through the real workflow: what the model read, what was sent,
// what was stored.
import { UNREADABLE_REPLY } from '../../src/workflows/handle-inbound-message';
import type { TurnResult } from '../../src/workflows/types';
import { useStack } from '../support/stack';
import { deliver, fixture } from '../support/deliver';

const stack = useStack();

beforeEach(() => stack.sandbox.reset());

/** Delivers a fixture under a fresh wamid and waits for its turn. */
async function deliverFixture(name: string): Promise<{ result: TurnResult; wamid: string }> {
  const { payload, wamids } = fixture(name);
  return { result: await deliver(stack, payload), wamid: wamids[0]! };
}

function lastUserMessage(): unknown {
  return stack.sandbox.openai.requests
    .at(-1)
    ?.messages.filter((m) => m.role === 'user')
    .at(-1)?.content;
}

test.each([
  ['button_tap.json', '[Tapped the option "Mon 10:30" (id slot:2026-11-30T10:30)]'],
  ['list_choice.json', '[Tapped the option "Colour" (id service:colour)]'],
  ['location.json', '[Shared a location: "Puerta del Sol", "Plaza de la Puerta del Sol, 28013 Madrid" (40.416775, -3.70379)]'],
  ['voice_note.json', '[Sent a voice note; the assistant cannot open media]'],
])('%s reaches the model as %s and is answered', async (fixture, seen) => {
  stack.sandbox.openai.enqueue({ content: 'Got it!' });
  const { result } = await deliverFixture(fixture);
  expect(result).toMatchObject({ outcome: 'replied', replyText: 'Got it!' });
  expect(lastUserMessage()).toBe(seen);
  expect(stack.sandbox.graph.sent.map((m) => [m.to, m.text])).toEqual([['34600111222', 'Got it!']]);
});

test("a reaction is recorded and not answered, and stays out of the model's context", async () => {
  const { result, wamid } = await deliverFixture('reaction.json');
  expect(result).toMatchObject({ outcome: 'recorded', sentMessageIds: [], modelCalls: 0 });
  expect(stack.sandbox.graph.sent).toHaveLength(0);
  expect(await stack.database.db.message.findUniqueOrThrow({ where: { wamid } })).toMatchObject({ type: 'reaction', text: '[Reacted 👍 to a message]' });

  stack.sandbox.openai.enqueue({ content: 'Hello again' });
  await deliverFixture('location.json');
  expect(JSON.stringify(stack.sandbox.openai.requests.at(-1)?.messages)).not.toContain('Reacted');
});

test('an unsupported message gets a short polite answer without a model call', async () => {
  const { result } = await deliverFixture('unsupported.json');
  expect(result).toMatchObject({ outcome: 'replied', replyText: UNREADABLE_REPLY, modelCalls: 0 });
  expect(stack.sandbox.openai.requests).toHaveLength(0);
  expect(stack.sandbox.graph.sent.map((m) => m.text)).toEqual([UNREADABLE_REPLY]);
});

test('a contact known only by BSUID is answered by BSUID', async () => {
  stack.sandbox.openai.enqueue({ content: 'Sì, we do beard trims.' });
  const { result } = await deliverFixture('bsuid_only_contact.json');
  expect(result.outcome).toBe('replied');
  const [sent] = stack.sandbox.graph.sent;
  expect(sent?.body).toMatchObject({ recipient: 'IT.8ZyXwVuTsRqPoNmL' });
  expect(sent?.body).not.toHaveProperty('to');
  expect(await stack.database.db.customer.findFirstOrThrow({ where: { bsuid: 'IT.8ZyXwVuTsRqPoNmL' } })).toMatchObject({ waId: null, profileName: 'Luca' });
});

describe('read receipts', () => {
  test("the customer's message is marked read with the typing indicator, once, before the reply", async () => {
    stack.sandbox.openai.enqueue({ content: 'Hi!' });
    const { wamid } = await deliverFixture('location.json');
    expect(stack.sandbox.graph.readReceipts.map((r) => [r.messageId, r.typing])).toEqual([[wamid, true]]);
    expect(Date.parse(stack.sandbox.graph.readReceipts[0]!.receivedAt)).toBeLessThanOrEqual(Date.parse(stack.sandbox.graph.sent[0]!.receivedAt));
  });

  test('a reaction is not marked read (nothing is answered)', async () => {
    await deliverFixture('reaction.json');
    expect(stack.sandbox.graph.readReceipts).toHaveLength(0);
  });

  test('a read receipt WhatsApp refuses never blocks the reply', async () => {
    stack.sandbox.openai.enqueue({ content: 'Still answered.' });
    const { payload } = fixture('location.json');
    // An ID the Graph API rejects for read receipts (not a wamid).
    payload.entry[0]!.changes[0]!.value.messages![0]!.id = `legacy-${Date.now()}`;
    const result = await deliver(stack, payload);
    expect(result).toMatchObject({ outcome: 'replied', replyText: 'Still answered.' });
    expect(stack.sandbox.graph.readReceipts).toHaveLength(0);
  });
});
