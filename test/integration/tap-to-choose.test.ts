// Tap to choose: offered times go out as WhatsApp reply buttons or a list that
// the Graph API stand-in validates as Meta does; the customer's tap comes back
// as an interactive reply, is understood, and books the time.
import { addDays, localDateOf, weekdayOf } from '../../src/booking/time';
import { createGraphClient, GraphApiError } from '../../src/whatsapp/graph-client';
import { newWamid, textMessagePayload } from '../support/payloads';
import { DEMO_PHONE_NUMBER_ID, useStack, TEST_ACCESS_TOKEN } from '../support/stack';
import { deliver } from '../support/deliver';

const stack = useStack();
const CUSTOMER = '34699000001';

beforeEach(() => stack.sandbox.reset());

function nextOpenDay(): string {
  let date = addDays(localDateOf(new Date(), 'Europe/Madrid'), 2);
  while (['sat', 'sun'].includes(weekdayOf(date))) date = addDays(date, 1);
  return date;
}

function tap(id: string, title: string) {
  const payload = textMessagePayload({ phoneNumberId: DEMO_PHONE_NUMBER_ID, from: CUSTOMER, text: '' });
  payload.entry[0]!.changes[0]!.value.messages[0] = {
    from: CUSTOMER,
    id: newWamid(),
    timestamp: String(Math.floor(Date.now() / 1000)),
    type: 'interactive',
    interactive: { type: 'button_reply', button_reply: { id, title } },
  } as never;
  return payload;
}

test('offered times arrive as reply buttons, and tapping one books it', async () => {
  const date = nextOpenDay();
  const offered = ['10:00', '10:30', '11:00'].map((t) => ({ id: `${date}T${t}`, title: `${t}`, description: null }));
  stack.sandbox.openai.enqueue(
    { toolCalls: [{ name: 'present_options', arguments: { options: offered } }] },
    { content: 'These times are free. Which one suits you?' },
  );
  const first = await deliver(
    stack,
    textMessagePayload({ phoneNumberId: DEMO_PHONE_NUMBER_ID, from: CUSTOMER, text: 'A haircut soon please', wamid: newWamid() }),
  );
  expect(first.outcome).toBe('replied');

  const [message] = stack.sandbox.graph.sent;
  expect(message?.type).toBe('interactive');
  expect(message?.body).toMatchObject({
    type: 'interactive',
    interactive: {
      type: 'button',
      body: { text: 'These times are free. Which one suits you?' },
      action: { buttons: offered.map((o) => ({ type: 'reply', reply: { id: o.id, title: o.title } })) },
    },
  });
  const stored = await stack.database.db.message.findUniqueOrThrow({ where: { wamid: message!.wamid } });
  expect(stored).toMatchObject({ type: 'interactive', text: expect.stringContaining(`"10:30" (id ${date}T10:30)`) });

  stack.sandbox.openai.enqueue(
    { toolCalls: [{ name: 'book_appointment', arguments: { service: 'Haircut', start: `${date}T10:30`, customer_name: 'Pau' } }] },
    { content: 'Booked for 10:30!' },
  );
  const second = await deliver(stack, tap(`${date}T10:30`, '10:30'));
  const lastRequest = stack.sandbox.openai.requests[2]!;
  expect(lastRequest.messages.filter((m) => m.role === 'user').at(-1)?.content).toBe(`[Tapped the option "10:30" (id ${date}T10:30)]`);
  expect(JSON.stringify(lastRequest.messages)).toContain('[Options offered:');
  expect(second).toMatchObject({ outcome: 'replied', appointments: [{ kind: 'booked', start: `${date}T10:30` }] });
});

test('more choices than buttons allow go out as a list', async () => {
  const options = ['Haircut', 'Haircut and beard trim', 'Colour', 'Blow-dry'].map((name) => ({ id: `service:${name}`, title: name, description: null }));
  stack.sandbox.openai.enqueue({ toolCalls: [{ name: 'present_options', arguments: { options } }] }, { content: 'Which service would you like?' });
  await deliver(stack, textMessagePayload({ phoneNumberId: DEMO_PHONE_NUMBER_ID, from: CUSTOMER, text: 'What do you offer?', wamid: newWamid() }));
  expect(stack.sandbox.graph.sent[0]?.body).toMatchObject({
    interactive: { type: 'list', action: { button: 'Choose', sections: [{ rows: options.map(({ id, title }) => ({ id, title })) }] } },
  });
});

test('more than ten choices are refused back to the model, and the reply goes out as plain text', async () => {
  const options = Array.from({ length: 12 }, (_, i) => ({ id: `o${i}`, title: `Option ${i + 1}`, description: null }));
  stack.sandbox.openai.enqueue(
    { toolCalls: [{ name: 'present_options', arguments: { options: options.slice(0, 10).concat([{ id: 'o1', title: 'Dup', description: null }]) } }] },
    { content: 'Pick one' },
  );
  await deliver(stack, textMessagePayload({ phoneNumberId: DEMO_PHONE_NUMBER_ID, from: CUSTOMER, text: 'options?', wamid: newWamid() }));
  // Eleven options are refused back to the model; the reply is plain text.
  expect(JSON.parse(stack.sandbox.openai.requests[1]!.messages.at(-1)!.content as string)).toMatchObject({ ok: false });
  expect(stack.sandbox.graph.sent.map((m) => m.type)).toEqual(['text']);
});

test("the Graph API stand-in refuses interactive payloads that break Meta's rules", async () => {
  const graph = createGraphClient({ baseUrl: stack.sandbox.url, version: 'v23.0', accessToken: TEST_ACCESS_TOKEN });
  const to = { waId: CUSTOMER };
  const button = (title: string, id = title) => ({ type: 'reply' as const, reply: { id, title } });
  const refusals = [
    { type: 'button' as const, body: { text: 'Pick' }, action: { buttons: [button('a'), button('b'), button('c'), button('d')] } },
    { type: 'button' as const, body: { text: 'Pick' }, action: { buttons: [button('A title longer than twenty')] } },
    { type: 'button' as const, body: { text: 'Pick' }, action: { buttons: [button('Same', '1'), button('Same', '2')] } },
    {
      type: 'list' as const,
      body: { text: 'Pick' },
      action: { button: 'Choose', sections: [{ rows: Array.from({ length: 11 }, (_, i) => ({ id: `r${i}`, title: `Row ${i}` })) }] },
    },
    {
      type: 'list' as const,
      body: { text: 'Pick' },
      action: { button: 'Choose', sections: [{ rows: [{ id: 'r', title: 'Row', description: 'd'.repeat(73) }] }] },
    },
  ];
  for (const interactive of refusals) {
    await expect(graph.sendInteractive(DEMO_PHONE_NUMBER_ID, to, interactive)).rejects.toBeInstanceOf(GraphApiError);
  }
  expect(stack.sandbox.graph.sent).toHaveLength(0);
});
