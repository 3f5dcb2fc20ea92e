// The assistant's prompt in the console: personality, policies and language,
// a preview built by the workflow's own code, the last change and who made it,
// and the next message following the new prompt.
import { ConsoleClient, signedInUser } from '../support/console-client';
import { deliver } from '../support/deliver';
import { textMessagePayload } from '../support/payloads';
import { DEMO_PHONE_NUMBER_ID, useStack } from '../support/stack';

const stack = useStack();
let owner: ConsoleClient;
let staff: ConsoleClient;
let stranger: ConsoleClient;
const promptPath = () => `/admin/api/businesses/${stack.businessId}/prompt`;

interface PromptView {
  personality: string;
  policies: string;
  language: string;
  preview: string;
  lastChange: { at: string; by: string } | null;
}

beforeAll(async () => {
  const other = await stack.database.db.business.create({ data: { name: 'Other Salon', phoneNumberId: '100000000000779' } });
  owner = await signedInUser(stack, 'owner@example.com', 'owner', DEMO_PHONE_NUMBER_ID);
  staff = await signedInUser(stack, 'staff@example.com', 'staff', DEMO_PHONE_NUMBER_ID);
  stranger = await signedInUser(stack, 'stranger@example.com', 'owner', '100000000000779');
  expect(other.id).toBeDefined();
});

test('the prompt shows its fields and the exact system prompt, with no change recorded yet', async () => {
  const { status, body } = await owner.request<{ prompt: PromptView }>('GET', promptPath());
  expect(status).toBe(200);
  expect(body.prompt.personality).toMatch(/Warm, upbeat/);
  expect(body.prompt.preview).toContain('You are the WhatsApp assistant of Lumen Hair Studio.');
  expect(body.prompt.preview).toContain(`Personality and tone: ${body.prompt.personality}`);
  expect(body.prompt.lastChange).toBeNull();
});

test('the preview follows what is typed without saving it', async () => {
  const draft = { personality: 'Formal; never uses emoji.', policies: 'No refunds.', language: 'es' };
  const { body } = await owner.request<{ prompt: PromptView }>('POST', `${promptPath()}/preview`, draft);
  expect(body.prompt.preview).toContain('Personality and tone: Formal; never uses emoji.');
  expect(body.prompt.preview).toContain('Policies:\nNo refunds.');
  expect(body.prompt.preview).toContain('use es');
  expect((await owner.request<{ prompt: PromptView }>('GET', promptPath())).body.prompt.personality).toMatch(/Warm, upbeat/);
});

test('staff read the prompt but cannot change it; another business cannot even read it', async () => {
  const draft = { personality: 'x', policies: '', language: 'en' };
  expect((await staff.request('GET', promptPath())).status).toBe(200);
  expect((await staff.request('PUT', promptPath(), draft)).status).toBe(403);
  expect((await staff.request('POST', `${promptPath()}/preview`, draft)).status).toBe(403);
  expect((await stranger.request('GET', promptPath())).status).toBe(403);
  expect((await stranger.request('PUT', promptPath(), draft)).status).toBe(403);
});

test('bad fields are named', async () => {
  const refused = await owner.request<{ fields: Record<string, string> }>('PUT', promptPath(), {
    personality: 'x'.repeat(2001),
    policies: '',
    language: 'English',
  });
  expect(refused.status).toBe(400);
  expect(refused.body.fields).toMatchObject({ personality: expect.stringMatching(/2,000/), language: expect.stringMatching(/language tag/) });
});

test('a saved prompt says when and by whom, and the next message uses it with no restart', async () => {
  const saved = await owner.request<{ prompt: PromptView }>('PUT', promptPath(), {
    personality: 'Speaks like a pirate.',
    policies: 'Deposits are not refundable.',
    language: 'en',
  });
  expect(saved.status).toBe(200);
  expect(saved.body.prompt.lastChange).toMatchObject({ by: 'owner@example.com', at: expect.any(String) });

  stack.sandbox.openai.enqueue({ content: 'Arr!' });
  await deliver(stack, textMessagePayload({ phoneNumberId: DEMO_PHONE_NUMBER_ID, from: '34655000777', text: 'Hello' }));
  const system = String(stack.sandbox.openai.requests.at(-1)!.messages[0]!.content);
  expect(system).toContain('Personality and tone: Speaks like a pirate.');
  expect(system).toContain('Policies:\nDeposits are not refundable.');
  // The same builder as the preview: the two differ only in the clock line.
  const withoutClock = (text: string) => text.replace(/Current date and time at the business: [^\n]*/, '');
  expect(withoutClock(system)).toBe(withoutClock(saved.body.prompt.preview));

  const audit = await owner.request<{ entries: Array<{ action: string; after: Record<string, string> }> }>(
    'GET',
    `/admin/api/businesses/${stack.businessId}/audit`,
  );
  expect(audit.body.entries[0]).toMatchObject({
    action: 'prompt.update',
    after: { personality: 'Speaks like a pirate.', policies: 'Deposits are not refundable.' },
  });
});
